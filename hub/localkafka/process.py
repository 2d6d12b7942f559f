"""Running Kafka's JVM entry points, and ending the broker's own process group.

The broker runs in a new session (its own process group), so a Ctrl-C in the
terminal that started it does not reach it, and stopping it signals that group
and nothing else.
"""

from __future__ import annotations

import ctypes
import os
import signal
import subprocess
import time
from collections.abc import Sequence
from pathlib import Path

from hub.localkafka.paths import LOG4J_CONFIG
from hub.localkafka.pidfile import process_alive

BROKER_MAIN = "kafka.Kafka"
STORAGE_TOOL_MAIN = "kafka.tools.StorageTool"
_PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>


def java_command(
    java: Path,
    classpath: Sequence[Path],
    *,
    main: str,
    args: Sequence[str],
    logs_dir: Path,
    heap_min_mb: int,
    heap_max_mb: int,
) -> list[str]:
    """A JVM command line with the project's logging config and a bounded heap."""
    return [
        str(java),
        f"-Xms{heap_min_mb}m",
        f"-Xmx{heap_max_mb}m",
        "-XX:+UseG1GC",
        "-XX:MaxGCPauseMillis=20",
        "-XX:+ExitOnOutOfMemoryError",
        "-Djava.awt.headless=true",
        f"-Dlog4j2.configurationFile={LOG4J_CONFIG}",
        f"-Dkafka.logs.dir={logs_dir}",
        "-cp",
        os.pathsep.join(str(jar) for jar in classpath),
        main,
        *args,
    ]


def spawn(
    command: Sequence[str], *, cwd: Path, output: Path, exit_with_parent: bool = False
) -> subprocess.Popen[bytes]:
    """Start detached from our terminal and process group, output appended to a file.

    With `exit_with_parent` the kernel sends SIGTERM when the starting thread dies,
    so a test run that is killed outright leaves no broker behind.
    """
    output.parent.mkdir(parents=True, exist_ok=True)
    output.touch(mode=0o600)
    output.chmod(0o600)
    with output.open("ab") as sink:
        return subprocess.Popen(
            list(command),
            cwd=cwd,
            stdin=subprocess.DEVNULL,
            stdout=sink,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            # files the broker creates (segments, checkpoints, logs) are its user's alone
            umask=0o077,
            preexec_fn=_terminate_with_parent if exit_with_parent else None,
        )


def _terminate_with_parent() -> None:
    """Runs in the child between fork and exec: ask for SIGTERM on the parent's death."""
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(_PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0)


def wait_gone(pid: int, timeout: float, child: subprocess.Popen[bytes] | None = None) -> bool:
    """Wait for the process to end; reap it when it is our own child."""
    if child is not None and child.pid == pid:
        try:
            child.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            return False
        return True
    deadline = time.monotonic() + timeout
    while process_alive(pid):
        if time.monotonic() >= deadline:
            return False
        time.sleep(0.05)
    return True


def terminate_group(
    pid: int, *, timeout: float, child: subprocess.Popen[bytes] | None = None
) -> bool:
    """SIGTERM the group led by `pid` (a clean shutdown), SIGKILL it after `timeout`.

    Returns False only if the process survived SIGKILL too.
    """
    _signal_group(pid, signal.SIGTERM)
    if wait_gone(pid, timeout, child):
        return True
    _signal_group(pid, signal.SIGKILL)
    return wait_gone(pid, 10.0, child)


def _signal_group(pid: int, signum: signal.Signals) -> None:
    try:
        if os.getpgid(pid) == pid:
            os.killpg(pid, signum)
        else:  # not a group leader: signal the process alone, never someone else's group
            os.kill(pid, signum)
    except ProcessLookupError:
        pass
