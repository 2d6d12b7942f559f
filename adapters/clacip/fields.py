"""Typed reads of STIX properties: a wrong type becomes a Reject naming object and property.

STIX objects arrive as untrusted JSON; every value the adapter uses is read through
these helpers, so a KeyError or TypeError can never escape ``parse``.
"""

from __future__ import annotations

from collections.abc import Mapping

from adapters.sdk.contract import Reject

#: longest piece of untrusted text quoted back in a rejection reason
QUOTE_LIMIT = 80


def short(text: str) -> str:
    """Untrusted text as it may appear in a reason: bounded, on one line."""
    text = " ".join(text.split())
    return text if len(text) <= QUOTE_LIMIT else text[: QUOTE_LIMIT - 1] + "…"


def quote(value: object) -> str:
    """A value quoted in a reason: text in single quotes, anything else as Python shows it."""
    return f"'{short(value)}'" if isinstance(value, str) else short(repr(value))


def where(obj: Mapping[str, object]) -> str:
    """The object's id for a reason, or its type when it has no readable id."""
    ident = obj.get("id")
    if isinstance(ident, str):
        return short(ident)
    kind = obj.get("type")
    return f"a {quote(kind)} object" if isinstance(kind, str) else "an object"


def text(obj: Mapping[str, object], key: str) -> str | None:
    """A string property, stripped; None when absent, null or blank."""
    value = obj.get(key)
    if value is None:
        return None
    if not isinstance(value, str):
        raise Reject(f"{key} {quote(value)} in {where(obj)}: must be text")
    return value.strip() or None


def texts(obj: Mapping[str, object], key: str) -> list[str]:
    """A list-of-strings property, each stripped, blanks dropped; [] when absent or null."""
    value = obj.get(key)
    if value is None:
        return []
    if not isinstance(value, list | tuple):
        raise Reject(f"{key} {quote(value)} in {where(obj)}: must be a list of text")
    out: list[str] = []
    for item in value:
        if not isinstance(item, str):
            raise Reject(f"{key} item {quote(item)} in {where(obj)}: must be text")
        if item.strip():
            out.append(item.strip())
    return out


def number(obj: Mapping[str, object], key: str) -> float | None:
    """A numeric property (JSON number, not a boolean); None when absent or null."""
    value = obj.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise Reject(f"{key} {quote(value)} in {where(obj)}: must be a number")
    return float(value)


def unique(items: list[str]) -> list[str]:
    """Items without repeats, in order of first appearance."""
    return list(dict.fromkeys(items))
