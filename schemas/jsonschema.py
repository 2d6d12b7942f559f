"""JSON Schema files generated from the models, for agencies that do not use Python.

Layout under ``schemas/json/``:
- ``<type>.schema.json`` — the current schema of each event type (generated, never edited);
- ``history/<type>/<n>.schema.json`` — every released revision, frozen. The current
  schema must read data written under each of them (backward-transitive).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from schemas.models.events import EVENT_MODELS

JSON_DIR = Path(__file__).parent / "json"
HISTORY_DIR = JSON_DIR / "history"
DIALECT = "https://json-schema.org/draft/2020-12/schema"


def schema_for(event_type: str) -> dict[str, Any]:
    model = EVENT_MODELS[event_type]
    schema = model.model_json_schema(mode="validation")
    return {
        "$schema": DIALECT,
        "$id": f"urn:cca:schema:{event_type}",
        "title": event_type,
        **{k: v for k, v in schema.items() if k != "title"},
    }


def render(schema: dict[str, Any]) -> str:
    return json.dumps(schema, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def current_path(event_type: str, root: Path = JSON_DIR) -> Path:
    return root / f"{event_type}.schema.json"


def history_paths(event_type: str, root: Path = JSON_DIR) -> list[Path]:
    folder = root / "history" / event_type
    if not folder.is_dir():
        return []
    return sorted(folder.glob("*.schema.json"), key=lambda p: int(p.name.split(".")[0]))


def generate(root: Path = JSON_DIR) -> list[Path]:
    """Write every current schema file; returns the files that changed."""
    changed = []
    for event_type in EVENT_MODELS:
        path = current_path(event_type, root)
        text = render(schema_for(event_type))
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
            changed.append(path)
    return changed


def stale(root: Path = JSON_DIR) -> list[str]:
    """Event types whose file differs from what the models generate."""
    out = []
    for event_type in EVENT_MODELS:
        path = current_path(event_type, root)
        if not path.exists() or path.read_text(encoding="utf-8") != render(schema_for(event_type)):
            out.append(event_type)
    return out


def freeze(root: Path = JSON_DIR) -> list[Path]:
    """Record each current schema as the next released revision when it changed."""
    written = []
    for event_type in EVENT_MODELS:
        text = render(schema_for(event_type))
        revisions = history_paths(event_type, root)
        if revisions and revisions[-1].read_text(encoding="utf-8") == text:
            continue
        number = int(revisions[-1].name.split(".")[0]) + 1 if revisions else 1
        path = root / "history" / event_type / f"{number}.schema.json"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written
