"""A property for JSON adapters: put any JSON value at any key of a golden message (or drop
the key); ``parse`` must translate it or refuse it with a reason, never fail otherwise."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from hypothesis import strategies as st
from pydantic import ValidationError

from adapters.sdk.contract import Adapter, Reject

JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=30),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=6,
)


def key_paths(value: object, prefix: tuple[str | int, ...] = ()) -> list[tuple[str | int, ...]]:
    """Every key path inside a JSON value, the value's own sub-values included."""
    found: list[tuple[str | int, ...]] = []
    items: list[tuple[str | int, object]] = []
    if isinstance(value, dict):
        items = list(value.items())
    elif isinstance(value, list):
        items = list(enumerate(value))
    for key, child in items:
        found.append((*prefix, key))
        found.extend(key_paths(child, (*prefix, key)))
    return found


def check_any_value_at_any_key(adapter: Adapter, native: Path, data: st.DataObject) -> None:
    message = json.loads(native.read_bytes())
    path = data.draw(st.sampled_from(key_paths(message)))
    parent: Any = message
    for key in path[:-1]:
        parent = parent[key]
    if data.draw(st.booleans()) and isinstance(parent, dict):
        del parent[path[-1]]
    else:
        parent[path[-1]] = data.draw(JSON_VALUES)
    raw = json.dumps(message, ensure_ascii=False).encode("utf-8")
    reason = "translated"
    try:
        list(adapter.parse(raw))
    except Reject as exc:
        reason = exc.reason
    except ValidationError as exc:  # a model field refused it: the pipeline names the field
        reason = str(exc)
    assert reason.strip()
