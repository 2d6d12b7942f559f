"""Backward compatibility of JSON Schemas, in the sense of Confluent Schema Registry.

A new schema is backward compatible with an old one when every document valid under the
old schema is valid under the new one (new readers read old data). Backward-transitive:
compatible with every earlier revision, not only the last. The check is conservative: a
change it cannot prove safe (a new pattern, a new ``format``) counts as breaking.

Models are closed (``additionalProperties: false``), so adding an optional property is
safe and removing one is not: "add more, never less".
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

Schema = dict[str, Any]

_NUMERIC = {"integer", "number"}


@dataclass(frozen=True)
class Break:
    path: str
    reason: str

    def __str__(self) -> str:
        return f"{self.path or '/'}: {self.reason}"


def check(old: Schema, new: Schema) -> list[Break]:
    """Every way in which ``new`` refuses data that ``old`` accepted."""
    checker = _Checker(old.get("$defs", {}), new.get("$defs", {}))
    checker.compare(old, new, "")
    return checker.breaks


def check_transitive(history: list[Schema], new: Schema) -> list[tuple[int, Break]]:
    return [(i + 1, b) for i, old in enumerate(history) for b in check(old, new)]


class _Checker:
    def __init__(self, old_defs: dict[str, Schema], new_defs: dict[str, Schema]) -> None:
        self.old_defs = old_defs
        self.new_defs = new_defs
        self.breaks: list[Break] = []

    def _resolve(self, schema: Schema, defs: dict[str, Schema]) -> Schema:
        while "$ref" in schema:
            name = schema["$ref"].rsplit("/", 1)[-1]
            schema = {**defs[name], **{k: v for k, v in schema.items() if k != "$ref"}}
        return schema

    def fail(self, path: str, reason: str) -> None:
        self.breaks.append(Break(path, reason))

    def compare(self, old: Schema, new: Schema, path: str, depth: int = 0) -> None:
        if depth > 64:  # the canonical models are not recursive; a schema this deep is
            self.fail(path, "nested too deeply to compare")  # broken, not compatible
            return
        old = self._resolve(old, self.old_defs)
        new = self._resolve(new, self.new_defs)
        if not new:
            return
        old_branches = old.get("anyOf") or old.get("oneOf")
        new_branches = new.get("anyOf") or new.get("oneOf")
        if old_branches:
            for i, branch in enumerate(old_branches):
                self._one_of_accepts(branch, new, f"{path}/anyOf/{i}")
            return
        if new_branches:
            self._one_of_accepts(old, new, path)
            return
        self._types(old, new, path)
        self._enum(old, new, path)
        self._bounds(old, new, path)
        for word in ("pattern", "format", "const"):
            if word in new and new.get(word) != old.get(word):
                self.fail(path, f"'{word}' changed from {old.get(word)!r} to {new[word]!r}")
        if "properties" in old or "properties" in new:
            self._object(old, new, path, depth)
        if "items" in new:
            self.compare(old.get("items", {}), new["items"], f"{path}/items", depth + 1)

    def _one_of_accepts(self, old: Schema, new: Schema, path: str) -> None:
        branches = new.get("anyOf") or new.get("oneOf") or [new]
        for branch in branches:
            trial = _Checker(self.old_defs, self.new_defs)
            trial.compare(old, branch, path)
            if not trial.breaks:
                return
        self.fail(path, "no branch of the new schema accepts what the old one accepted")

    def _types(self, old: Schema, new: Schema, path: str) -> None:
        if "type" not in new:
            return
        new_types = _as_set(new["type"])
        old_types = _as_set(old.get("type")) if "type" in old else None
        if old_types is None:
            self.fail(path, f"type narrowed to {sorted(new_types)}")
            return
        for t in old_types - new_types:
            if not (t == "integer" and "number" in new_types):
                self.fail(path, f"type '{t}' is no longer accepted")

    def _enum(self, old: Schema, new: Schema, path: str) -> None:
        if "enum" not in new:
            return
        if "enum" not in old:
            if "const" in old and old["const"] in new["enum"]:
                return
            self.fail(path, "an enum now restricts values that were free")
            return
        missing = [v for v in old["enum"] if v not in new["enum"]]
        if missing:
            self.fail(path, f"enum values removed: {missing}")

    def _bounds(self, old: Schema, new: Schema, path: str) -> None:
        for word in ("maxLength", "maxItems", "maximum", "exclusiveMaximum", "maxProperties"):
            if word in new and (word not in old or new[word] < old[word]):
                self.fail(path, f"'{word}' tightened to {new[word]}")
        for word in ("minLength", "minItems", "minimum", "exclusiveMinimum", "minProperties"):
            if word in new and (word not in old or new[word] > old[word]):
                self.fail(path, f"'{word}' tightened to {new[word]}")

    def _object(self, old: Schema, new: Schema, path: str, depth: int) -> None:
        old_props: dict[str, Schema] = old.get("properties", {})
        new_props: dict[str, Schema] = new.get("properties", {})
        old_required = set(old.get("required", []))
        for name in sorted(set(new.get("required", [])) - old_required):
            self.fail(f"{path}/{name}", "newly required: old data may not have it")
        new_closed = new.get("additionalProperties") is False
        old_closed = old.get("additionalProperties") is False
        if new_closed and not old_closed:
            self.fail(path, "additional properties are no longer allowed")
        for name, old_prop in old_props.items():
            if name in new_props:
                self.compare(old_prop, new_props[name], f"{path}/{name}", depth + 1)
            elif new_closed:
                self.fail(f"{path}/{name}", "property removed: old data that has it is refused")
        if not old_closed:
            for name in new_props.keys() - old_props.keys():
                self.fail(f"{path}/{name}", "added to an open model: old data may use the name")


def _as_set(value: object) -> set[str]:
    if isinstance(value, list):
        return {str(v) for v in value}
    return {str(value)}
