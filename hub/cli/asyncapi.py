"""`hub asyncapi`: the AsyncAPI 3.0 document of the external contract, for partner networks."""

from __future__ import annotations

import sys
from importlib.metadata import version
from pathlib import Path
from typing import Annotated

import typer
import yaml

from adapters.sdk.registry import adapter_class, slugs
from hub.core.asyncapi import NetworkInfo, build
from hub.core.desks import load_desks

DEFAULT_PATH = Path("docs/asyncapi.yaml")


def networks() -> list[NetworkInfo]:
    """What the document says of every installed adapter."""
    out = []
    for slug in slugs():
        cls = adapter_class(slug)
        out.append(
            NetworkInfo(
                slug=slug,
                title=" ".join(cls.title.split()),
                media_type=cls.media_type,
                replies=cls.replies,
                polled=bool(getattr(cls, "polled", False)),
            )
        )
    return out


def render() -> str:
    """The document for the installed adapters and the configured desks, as YAML."""
    document = build(networks(), load_desks().names, version=version("cca-hub"))
    text: str = yaml.safe_dump(document, sort_keys=False, allow_unicode=True, width=100)
    return text


def asyncapi_command(
    out: Annotated[Path | None, typer.Option("--out", help="write here instead of stdout")] = None,
    check: Annotated[
        Path | None,
        typer.Option("--check", help="exit 1 when this file differs from the document"),
    ] = None,
) -> None:
    """Write the AsyncAPI 3.0 document of every net.<slug>.* and desk topic."""
    text = render()
    if check is not None:
        current = check.read_text(encoding="utf-8") if check.exists() else ""
        if current != text:
            print(f"{check} is stale: run `hub asyncapi --out {check}`", file=sys.stderr)
            raise typer.Exit(1)
        return
    if out is None:
        sys.stdout.write(text)
    else:
        out.write_text(text, encoding="utf-8")
        print(f"wrote {out}", file=sys.stderr)
