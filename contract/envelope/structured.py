"""CloudEvents structured JSON mode: attributes and ``data`` in one JSON object."""

from __future__ import annotations

import json
from typing import Any

from contract.envelope.event import CanonicalEvent, EnvelopeError, build_event


def to_structured(event: CanonicalEvent) -> dict[str, Any]:
    """The event as a CloudEvents JSON object (``data`` as a JSON value)."""
    obj: dict[str, Any] = dict(event.attributes())
    obj["data"] = event.data.model_dump(mode="json")
    return obj


def to_json_line(event: CanonicalEvent) -> str:
    """One JSON Lines row, keys sorted so the same event always prints the same line."""
    return json.dumps(to_structured(event), ensure_ascii=False, sort_keys=True)


def from_structured(obj: object) -> CanonicalEvent:
    if not isinstance(obj, dict):
        raise EnvelopeError("a structured event is a JSON object")
    if "data_base64" in obj:
        raise EnvelopeError("attribute 'data_base64': canonical data is JSON, not binary")
    attrs = {k: v for k, v in obj.items() if k != "data"}
    for name, value in attrs.items():
        if not isinstance(value, str):
            raise EnvelopeError(f"attribute '{name}' must be a string")
    if "data" not in obj:
        raise EnvelopeError("'data' is missing")
    return build_event(attrs, obj["data"])


def from_json_line(line: str | bytes) -> CanonicalEvent:
    try:
        obj = json.loads(line)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise EnvelopeError(f"not JSON: {exc}") from None
    return from_structured(obj)
