"""The end of the broker's logs, to show with an error instead of a bare exit code."""

from __future__ import annotations

from pathlib import Path

_MAX_BYTES = 64 * 1024


def tail(path: Path, lines: int = 30) -> str:
    """The last `lines` lines of a file, reading at most 64 KiB of it."""
    try:
        with path.open("rb") as handle:
            size = handle.seek(0, 2)
            handle.seek(max(0, size - _MAX_BYTES))
            data = handle.read()
    except FileNotFoundError:
        return ""
    return "\n".join(data.decode("utf-8", errors="replace").splitlines()[-lines:])


def tails(*paths: Path, lines: int = 30) -> str:
    """Each non-empty log's tail under a header naming the file."""
    parts = []
    for path in paths:
        text = tail(path, lines)
        if text:
            parts.append(f"--- last lines of {path} ---\n{text}")
    return "\n".join(parts)
