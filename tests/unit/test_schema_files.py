"""The JSON Schema files: generated from the models, never stale, backward-transitive."""

from __future__ import annotations

import json
from typing import Any

import pytest

from schemas import EVENT_MODELS, compat, jsonschema


def test_the_committed_schema_files_are_not_stale() -> None:
    assert jsonschema.stale() == [], "run `hub schemas generate` and commit the files"


@pytest.mark.parametrize("event_type", sorted(EVENT_MODELS))
def test_the_current_schema_reads_every_released_revision(event_type: str) -> None:
    history = [json.loads(p.read_text()) for p in jsonschema.history_paths(event_type)]
    assert history, f"{event_type} has no released revision"
    assert compat.check_transitive(history, jsonschema.schema_for(event_type)) == []


def obj(
    props: dict[str, Any], required: list[str] | None = None, closed: bool = True
) -> dict[str, Any]:
    schema: dict[str, Any] = {"type": "object", "properties": props, "required": required or []}
    if closed:
        schema["additionalProperties"] = False
    return schema


STR = {"type": "string"}

COMPATIBLE = [
    ("optional_property_added", obj({"a": STR}, ["a"]), obj({"a": STR, "b": STR}, ["a"])),
    ("requirement_dropped", obj({"a": STR}, ["a"]), obj({"a": STR})),
    ("enum_widened", {"enum": ["A", "B"]}, {"enum": ["A", "B", "C"]}),
    ("limit_relaxed", {"type": "string", "maxLength": 10}, {"type": "string", "maxLength": 20}),
    ("integer_to_number", {"type": "integer"}, {"type": "number"}),
    ("null_allowed", {"type": "string"}, {"anyOf": [{"type": "string"}, {"type": "null"}]}),
    (
        "nested_ref_unchanged",
        {"$defs": {"P": obj({"a": STR})}, **obj({"p": {"$ref": "#/$defs/P"}})},
        {"$defs": {"P": obj({"a": STR, "b": STR})}, **obj({"p": {"$ref": "#/$defs/P"}})},
    ),
]

BREAKING = [
    ("property_removed", obj({"a": STR, "b": STR}), obj({"a": STR}), "property removed"),
    ("new_required_property", obj({"a": STR}), obj({"a": STR, "b": STR}, ["b"]), "newly required"),
    ("enum_narrowed", {"enum": ["A", "B"]}, {"enum": ["A"]}, "enum values removed"),
    (
        "limit_tightened",
        {"type": "string", "maxLength": 20},
        {"type": "string", "maxLength": 10},
        "maxLength",
    ),
    ("type_changed", {"type": "string"}, {"type": "integer"}, "type 'string'"),
    ("pattern_added", {"type": "string"}, {"type": "string", "pattern": "^A"}, "pattern"),
    (
        "null_no_longer_allowed",
        {"anyOf": [{"type": "string"}, {"type": "null"}]},
        {"type": "string"},
        "no branch",
    ),
    ("closed_model_now", obj({"a": STR}, closed=False), obj({"a": STR}), "no longer allowed"),
    (
        "nested_property_removed",
        {"$defs": {"P": obj({"a": STR, "b": STR})}, **obj({"p": {"$ref": "#/$defs/P"}})},
        {"$defs": {"P": obj({"a": STR})}, **obj({"p": {"$ref": "#/$defs/P"}})},
        "/p/b",
    ),
]


@pytest.mark.parametrize(("name", "old", "new"), COMPATIBLE, ids=[c[0] for c in COMPATIBLE])
def test_safe_changes_pass_the_compatibility_check(name: str, old: dict, new: dict) -> None:  # type: ignore[type-arg]
    assert compat.check(old, new) == []


@pytest.mark.parametrize(("name", "old", "new", "why"), BREAKING, ids=[b[0] for b in BREAKING])
def test_breaking_changes_are_caught_and_explained(
    name: str, old: dict, new: dict, why: str
) -> None:  # type: ignore[type-arg]
    breaks = compat.check(old, new)
    assert breaks, f"{name} was not caught"
    assert any(why in str(b) for b in breaks), breaks


def test_the_check_is_transitive_over_every_revision() -> None:
    v1 = obj({"a": STR, "legacy": STR})
    v2 = obj({"a": STR, "legacy": STR, "b": STR})
    v3 = obj({"a": STR, "b": STR})  # drops 'legacy' that revision 1 data may carry
    assert compat.check(v2, v3)  # also breaks v2
    found = compat.check_transitive([v1, v2], v3)
    assert {rev for rev, _ in found} == {1, 2}


def test_dropping_a_field_of_a_real_model_is_caught() -> None:
    old = jsonschema.schema_for("cca.case.referral.v1")
    new = json.loads(json.dumps(old))
    del new["properties"]["summary"]
    assert any("summary" in str(b) for b in compat.check(old, new))
