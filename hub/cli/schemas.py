"""`hub schemas`: generate, check and release the JSON Schema files of the canonical types."""

from __future__ import annotations

import json

import typer

from schemas import EVENT_MODELS, compat, jsonschema

app = typer.Typer(help="Canonical JSON Schemas: generate, check, freeze.", no_args_is_help=True)


@app.command()
def generate() -> None:
    """Write schemas/json/<type>.schema.json from the models."""
    for path in jsonschema.generate():
        print(f"wrote {path}")


@app.command()
def check() -> None:
    """Fail when the files are stale or a change would break readers of an earlier revision."""
    problems = [f"{t}: file is stale; run `hub schemas generate`" for t in jsonschema.stale()]
    for event_type in EVENT_MODELS:
        history = [
            json.loads(p.read_text(encoding="utf-8")) for p in jsonschema.history_paths(event_type)
        ]
        if not history:
            problems.append(f"{event_type}: no released revision; run `hub schemas freeze`")
        new = jsonschema.schema_for(event_type)
        for revision, brk in compat.check_transitive(history, new):
            problems.append(f"{event_type}: breaks readers of revision {revision}: {brk}")
    for line in problems:
        typer.echo(line, err=True)
    if problems:
        raise typer.Exit(1)
    print(f"{len(EVENT_MODELS)} schemas up to date and backward-transitive compatible")


@app.command()
def freeze() -> None:
    """Record the current schemas as released revisions (after `check` passes)."""
    for path in jsonschema.freeze():
        print(f"released {path}")
