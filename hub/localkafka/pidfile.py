"""The broker's pid file, and telling our broker apart from whatever process
now holds a recorded pid (pids are reused), so stop never signals a stranger."""

from __future__ import annotations

import os
from itertools import pairwise
from pathlib import Path

_MAX_PID_FILE_BYTES = 64


def write_pid(path: Path, pid: int) -> None:
    """Write atomically: a reader sees the old file or the new one, never half of it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    staging = path.with_name(path.name + ".tmp")
    staging.write_text(f"{pid}\n", encoding="ascii")
    staging.replace(path)


def read_pid(path: Path) -> int | None:
    """The recorded pid, or None when the file is missing or does not hold one."""
    try:
        with path.open("rb") as handle:
            raw = handle.read(_MAX_PID_FILE_BYTES + 1)
    except FileNotFoundError:
        return None
    text = raw.decode("ascii", errors="replace").strip()
    if len(raw) > _MAX_PID_FILE_BYTES or not text.isdigit():
        return None
    pid = int(text)
    return pid if pid > 0 else None


def remove_pid(path: Path) -> None:
    path.unlink(missing_ok=True)


def process_alive(pid: int) -> bool:
    """True while the process runs; a zombie (exited, not yet reaped) counts as gone."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text(encoding="ascii", errors="replace")
    except (FileNotFoundError, ProcessLookupError):
        return False
    # The state letter follows the command name, which is in parentheses and may hold spaces.
    state = stat.rpartition(")")[2].split()[:1]
    return state not in (["Z"], ["X"])


def process_cmdline(pid: int) -> list[str] | None:
    try:
        raw = Path(f"/proc/{pid}/cmdline").read_bytes()
    except (FileNotFoundError, ProcessLookupError, PermissionError):
        return None
    return [part.decode("utf-8", errors="replace") for part in raw.split(b"\0") if part]


def is_broker_process(pid: int, server_properties: Path) -> bool:
    """A running `kafka.Kafka` started with this state folder's config file."""
    cmdline = process_cmdline(pid)
    if not cmdline or not process_alive(pid):
        return False
    return "kafka.Kafka" in cmdline and cmdline[-1] == str(server_properties)


def classpath_of(pid: int) -> list[Path]:
    """The `-cp` entries of a running JVM, to see which jars it actually runs."""
    cmdline = process_cmdline(pid) or []
    for flag, value in pairwise(cmdline):
        if flag in ("-cp", "-classpath", "--class-path"):
            return [Path(entry) for entry in value.split(os.pathsep) if entry]
    return []
