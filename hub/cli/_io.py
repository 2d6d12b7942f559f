"""Input helpers shared by the commands: bounded reads from a file or stdin."""

from __future__ import annotations

import sys
from pathlib import Path

import typer


def read_input(path: Path | None, limit: int) -> tuple[str, bytes]:
    """(name, bytes) of FILE or stdin; reads at most ``limit + 1`` bytes so an over-size
    input is detected without loading all of it."""
    if path is None or str(path) == "-":
        return "<stdin>", sys.stdin.buffer.read(limit + 1)
    try:
        with path.open("rb") as handle:
            return str(path), handle.read(limit + 1)
    except FileNotFoundError:
        raise typer.BadParameter(f"no such file: {path}", param_hint="FILE") from None
    except IsADirectoryError:
        raise typer.BadParameter(f"{path} is a directory", param_hint="FILE") from None
    except PermissionError:
        raise typer.BadParameter(
            f"cannot read {path}: permission denied", param_hint="FILE"
        ) from None
