"""Child processes of a run (services, passthroughs, the load generator): each in its own
process group with its output in a log file, stopped by its own pid and nothing else."""

from __future__ import annotations

import asyncio
import http.client
import os
import signal
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def child_env(extra: dict[str, str] | None = None) -> dict[str, str]:
    """This environment without ``HUB_*`` settings, with the repository importable."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("HUB_")}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    env["PYTHONUNBUFFERED"] = "1"
    env.update(extra or {})
    return env


class Child:
    def __init__(
        self,
        name: str,
        args: Sequence[str],
        env: dict[str, str],
        log_dir: Path,
        *,
        log_name: str | None = None,
    ) -> None:
        self.name = name
        self.args = [sys.executable, *args]
        self.env = env
        self.log_path = log_dir / f"{log_name or name}.log"
        self.proc: subprocess.Popen[bytes] | None = None

    @property
    def pid(self) -> int:
        if self.proc is None:
            raise RuntimeError(f"{self.name} is not started")
        return self.proc.pid

    def start(self) -> Child:
        with self.log_path.open("ab") as log:
            self.proc = subprocess.Popen(
                self.args,
                env=self.env,
                cwd=ROOT,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        return self

    def check_alive(self) -> None:
        if self.proc is not None and self.proc.poll() is not None:
            raise ChildExitedError(
                f"{self.name} exited with {self.proc.returncode}:\n{self.tail()}"
            )

    async def wait(self, timeout_s: float) -> int:
        """Wait for the child to end by itself; its exit code."""
        deadline = time.monotonic() + timeout_s
        while self.proc is not None and self.proc.poll() is None:
            if time.monotonic() > deadline:
                raise TimeoutError(f"{self.name} still running after {timeout_s}s")
            await asyncio.sleep(0.05)
        return self.proc.returncode if self.proc is not None else 0

    def stop(self, timeout_s: float = 30.0) -> int | None:
        """SIGTERM to the child's own group, then SIGKILL if it does not end in time."""
        if self.proc is None:
            return None
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=timeout_s)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(timeout=timeout_s)
        return self.proc.returncode

    def tail(self, lines: int = 30) -> str:
        try:
            text = self.log_path.read_text(errors="replace")
        except OSError:
            return "(no log)"
        return "\n".join(text.splitlines()[-lines:])


class ChildExitedError(RuntimeError):
    """A child of the run ended before its time."""


def healthy(port: int) -> bool:
    try:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=1)
        conn.request("GET", "/health")
        return conn.getresponse().status == 200
    except OSError:
        return False


async def wait_healthy(child: Child, port: int, timeout_s: float = 120.0) -> None:
    deadline = time.monotonic() + timeout_s
    while not healthy(port):
        child.check_alive()
        if time.monotonic() > deadline:
            raise TimeoutError(f"{child.name} not healthy after {timeout_s}s:\n{child.tail()}")
        await asyncio.sleep(0.2)
