"""Reading a STIX 2.1 bundle safely: bounded JSON, the one report, and an id index.

The bundle is untrusted: the JSON is decoded strictly by the shared reader (UTF-8, no NaN,
no duplicate keys, no over-long integers, bounded nesting), and the object count is
bounded, before anything looks inside it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from adapters.sdk.contract import Reject
from adapters.sdk.jsonread import load_json
from contract.quoting import quote

SLUG = "clacip"
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
                f"object {quote(ref)} appears {len(versions)} times in the bundle: "
                "which version the report refers to is ambiguous"
            )
        return versions[0] if versions else None


def load_bundle(native: bytes) -> Bundle:
    document = load_json(native, SLUG)
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
            raise Reject(f"objects[{position}] of the bundle: '{quote(obj)}' is not a STIX object")
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
        ids = ", ".join(quote(r["id"]) for r in reports[:5])
        raise Reject(
            f"bundle holds {len(reports)} 'report' objects ({ids}): exactly one must be the message"
        )
    return Bundle(reports[0], {k: tuple(v) for k, v in by_id.items()})
