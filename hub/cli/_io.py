"""Helpers shared by the commands: bounded reads from a file or stdin, and one clear
line on stderr with exit status 1 for an expected failure."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import NoReturn, TypeVar

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


T = TypeVar("T")


def fail(message: str) -> NoReturn:
    """``error: <message>`` on stderr, exit status 1."""
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(1)


def run_or_fail(action: Callable[[], T]) -> T:
    """Turn expected failures into one clear line on stderr and exit status 1."""
    try:
        return action()
    except KeyError as error:
        fail(str(error.args[0]) if error.args else "not found")
    except (ValueError, LookupError, OSError) as error:
        fail(str(error))
