"""`hub translate` and `hub route`: the hub's pure core, from the command line, no broker."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from adapters.sdk.contract import Rejected, Translated
from adapters.sdk.pipeline import iter_translate
from adapters.sdk.registry import UnknownAdapter, get_adapter, slugs
from contract.envelope import EnvelopeError, from_json_line, to_json_line
from hub.cli._io import read_input
from hub.core.desks import DeskConfigError, load_desks
from hub.core.routing import Router

FileArg = Annotated[
    Path | None, typer.Argument(help="input file; stdin when absent or '-'", show_default=False)
]


def rejection_line(name: str, item: Rejected) -> str:
    where = f"record {item.record}" if item.record is not None else "message"
    ref = f" ({item.reference})" if item.reference else ""
    reason = " ".join(item.reason.split())
    return f"{name}: {where}{ref}: {reason}"


def translate_command(
    slug: Annotated[str, typer.Argument(help="the network's slug, e.g. refco")],
    file: FileArg = None,
) -> None:
    """Translate a native message into canonical CloudEvents (JSON Lines on stdout).

    Each rejected record is one line on stderr saying where and why.
    Exit status: 0 all translated, 1 some rejected, 2 bad usage.
    """
    try:
        adapter = get_adapter(slug)
    except UnknownAdapter as exc:
        raise typer.BadParameter(str(exc), param_hint="SLUG") from None
    name, native = read_input(file, adapter.max_bytes)
    rejected = 0
    out = sys.stdout
    for item in iter_translate(adapter, native):
        if isinstance(item, Translated):
            out.write(to_json_line(item.event) + "\n")
        else:
            rejected += 1
            print(rejection_line(name, item), file=sys.stderr)
    out.flush()
    raise typer.Exit(1 if rejected else 0)


def route_command(
    file: FileArg = None,
    desks: Annotated[
        Path | None, typer.Option(help="desk configuration (TOML); default: $HUB_DESKS or built-in")
    ] = None,
) -> None:
    """Route canonical events (JSON Lines) to desks: prints `<id><TAB><desk>[,<desk>...]`.

    Exit status: 0 all routed, 1 some lines unreadable (named on stderr), 2 bad usage.
    """
    try:
        router = Router(load_desks(desks))
    except DeskConfigError as exc:
        raise typer.BadParameter(str(exc), param_hint="--desks") from None
    name, text = read_input(file, 1 << 30)
    failed = 0
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            event = from_json_line(line)
        except EnvelopeError as exc:
            failed += 1
            print(f"{name}: line {number}: {exc}", file=sys.stderr)
            continue
        print(f"{event.id}\t{','.join(router.route(event.data))}")
    raise typer.Exit(1 if failed else 0)


def networks_command() -> None:
    """List the installed network adapters."""
    for slug in slugs():
        adapter = get_adapter(slug)
        print(f"{slug}\t{adapter.title}")
