"""Typed reads of STIX properties: a wrong type becomes a Reject naming object and property.

STIX objects arrive as untrusted JSON; every value the adapter uses is read through
these helpers, so a KeyError or TypeError can never escape ``parse``. The reading itself
is the shared :class:`~adapters.sdk.jsonread.Obj`; what is CLACIP's own is how a reason
names the object (by its STIX id) and that a blank property counts as absent.
"""

from __future__ import annotations

from collections.abc import Mapping

from adapters.sdk.jsonread import Obj
from contract.quoting import quote


def where(obj: Mapping[str, object]) -> str:
    """The object's id for a reason, or its type when it has no readable id."""
    ident = obj.get("id")
    if isinstance(ident, str):
        return quote(ident)
    kind = obj.get("type")
    return f"a '{quote(kind)}' object" if isinstance(kind, str) else "an object"


def properties(obj: Mapping[str, object]) -> Obj:
    """The object's properties, read as JSON fields named after the object."""
    return Obj(obj, "", within=where(obj))


def text(obj: Mapping[str, object], key: str) -> str | None:
    """A string property, stripped; None when absent, null or blank."""
    return properties(obj).maybe_text(key)


def texts(obj: Mapping[str, object], key: str) -> list[str]:
    """A list-of-strings property, each stripped, blanks dropped; [] when absent or null."""
    return [found for _, found in properties(obj).maybe_texts(key)]


def number(obj: Mapping[str, object], key: str) -> float | None:
    """A numeric property (JSON number, not a boolean); None when absent or null."""
    return properties(obj).maybe_number(key)


def unique(items: list[str]) -> list[str]:
    """Items without repeats, in order of first appearance."""
    return list(dict.fromkeys(items))
