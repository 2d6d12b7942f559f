"""`hub adapter`: tools for adapter developers."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from adapters.sdk import scaffold

app = typer.Typer(help="Adapter developer tools.", no_args_is_help=True)


@app.command("new")
def new(
    slug: Annotated[str, typer.Argument(help="the network's slug, e.g. 'refco'")],
    root: Annotated[Path, typer.Option(help="project folder to write into")] = Path("."),
    standalone: Annotated[
        bool, typer.Option(help="a separate distribution with its own pyproject.toml")
    ] = False,
) -> None:
    """Scaffold a new adapter package with a golden folder and its conformance test."""
    try:
        written = scaffold.write(root, slug, standalone=standalone)
    except ValueError as exc:
        raise typer.BadParameter(str(exc), param_hint="SLUG") from None
    except FileExistsError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(1) from None
    for path in written:
        print(f"created {path}")
    if not standalone:
        print('\nregister it in pyproject.toml under [project.entry-points."cca_hub.adapters"]:')
        print(f"  {scaffold.entry_point_line(slug)}")
        print("then reinstall (`pip install -e .`) so the hub finds it.")
