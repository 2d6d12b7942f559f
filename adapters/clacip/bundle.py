"""Reading a STIX 2.1 bundle safely: bounded JSON, the one report, and an id index.

The bundle is untrusted: the JSON is decoded strictly (UTF-8, no NaN, no duplicate keys,
bounded nesting and object count) before anything looks inside it.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from adapters.clacip.fields import quote, short
from adapters.sdk.contract import Reject

#: the most objects one bundle may hold; the largest real reports hold a few hundred
MAX_OBJECTS = 10_000

StixObject = Mapping[str, Any]


@dataclass(frozen=True)
class Bundle:
    """The bundle's one report and every object in it, by id."""

    report: StixObject
    by_id: Mapping[str, tuple[StixObject, ...]]

    def resolve(self, ref: str) -> StixObject | None:
        """The object ``ref`` names, None when the bundle does not carry it.

        STIX allows several versions of one object in a bundle; which one a report means
        is then ambiguous, so a referenced id that appears twice is refused.
        """
        versions = self.by_id.get(ref, ())
        if len(versions) > 1:
            raise Reject(
                f"object {short(ref)} appears {len(versions)} times in the bundle: "
                "which version the report refers to is ambiguous"
            )
        return versions[0] if versions else None


def load_bundle(native: bytes) -> Bundle:
    document = _load_json(native)
    if not isinstance(document, dict) or document.get("type") != "bundle":
        raise Reject(
            "message is not a STIX bundle: the top level must be a JSON object "
            "whose 'type' is 'bundle'"
        )
    objects = document.get("objects")
    if not isinstance(objects, list):
        raise Reject("'objects' of the bundle: must be a list of STIX objects")
    if len(objects) > MAX_OBJECTS:
        raise Reject(f"bundle holds {len(objects)} objects, over the limit of {MAX_OBJECTS}")
    by_id: dict[str, list[StixObject]] = {}
    reports: list[StixObject] = []
    for position, obj in enumerate(objects):
        if not isinstance(obj, dict):
            raise Reject(f"objects[{position}] of the bundle: {quote(obj)} is not a STIX object")
        kind, ident = obj.get("type"), obj.get("id")
        if not isinstance(kind, str) or not isinstance(ident, str):
            raise Reject(
                f"objects[{position}] of the bundle: a STIX object needs a text 'type' and 'id'"
            )
        by_id.setdefault(ident, []).append(obj)
        if kind == "report":
            reports.append(obj)
    if not reports:
        raise Reject("bundle holds no 'report' object: there is no message to translate")
    if len(reports) > 1:
        ids = ", ".join(short(r["id"]) for r in reports[:5])
        raise Reject(
            f"bundle holds {len(reports)} 'report' objects ({ids}): exactly one must be the message"
        )
    return Bundle(reports[0], {k: tuple(v) for k, v in by_id.items()})


def _load_json(native: bytes) -> object:
    try:
        text = native.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise Reject(
            f"message is not UTF-8 text: byte 0x{native[exc.start]:02x} at offset {exc.start}"
        ) from None
    try:
        return json.loads(text, object_pairs_hook=_object, parse_constant=_no_constant)
    except json.JSONDecodeError as exc:
        raise Reject(
            f"message is not JSON: {exc.msg} at line {exc.lineno} column {exc.colno}"
        ) from None
    except RecursionError:
        raise Reject("message is not usable JSON: it is nested too deeply") from None


def _object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """A JSON object; a key given twice is refused, since readers disagree on which wins."""
    obj: dict[str, Any] = {}
    for key, value in pairs:
        if key in obj:
            raise Reject(f"key {quote(key)} appears twice in one JSON object")
        obj[key] = value
    return obj


def _no_constant(name: str) -> object:
    raise Reject(f"{name} in the message: not a JSON number")
