"""Loopback port checks: is a port free to listen on, does something accept on it."""

from __future__ import annotations

import socket
import time
from contextlib import ExitStack


def port_is_free(host: str, port: int) -> bool:
    """True when we could listen on the port (with SO_REUSEADDR, as the JVM does, so
    connections lingering in TIME_WAIT after a stop do not count as a listener)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError:
            return False
    return True


def port_accepts(host: str, port: int, timeout: float = 0.5) -> bool:
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False


def wait_port_closed(host: str, port: int, timeout: float) -> bool:
    """Poll until nothing accepts on the port; False if it is still open at the deadline."""
    deadline = time.monotonic() + timeout
    while port_accepts(host, port, timeout=0.2):
        if time.monotonic() >= deadline:
            return False
        time.sleep(0.05)
    return True


def free_ports(count: int, host: str = "127.0.0.1") -> list[int]:
    """Distinct ports the kernel just handed out (all held open until the last is
    chosen); free now, though another process may take one before it is used."""
    with ExitStack() as stack:
        ports = []
        for _ in range(count):
            sock = stack.enter_context(socket.socket(socket.AF_INET, socket.SOCK_STREAM))
            sock.bind((host, 0))
            ports.append(int(sock.getsockname()[1]))
        return ports
