"""Coded values of the format (codes, countries, times, dates), each refused with a reason.

Codes are matched after trimming and upper-casing ("any letter case, stray white space");
a value outside the format's lists is refused, never guessed.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date, datetime
from typing import Final

from adapters.sdk.contract import Reject
from adapters.sdk.normalize import countries, dates
from contract.quoting import quote

_SENT: Final = re.compile(
    r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}(?::?\d{2})?)"
)
_DAY: Final = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
_PARTIAL: Final = re.compile(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?")
#: codes in use that ISO 3166-1 leaves user-assigned
_EXTRA_ALPHA3: Final = {"XKX": "XK"}


def code(value: str, allowed: frozenset[str], field: str) -> str:
    upper = value.strip().upper()
    if upper not in allowed:
        choices = ", ".join(sorted(allowed))
        raise Reject(f"{field} '{quote(value)}' is not one of {choices}")
    return upper


def alpha2(value: str, field: str) -> str:
    """The ISO 3166-1 alpha-2 code of an alpha-3 code."""
    upper = value.strip().upper()
    found = _EXTRA_ALPHA3.get(upper) or countries.alpha3_to_alpha2(upper)
    if found is None:
        raise Reject(f"{field} '{quote(value)}' is not an ISO 3166-1 alpha-3 country code")
    return found


def utc_time(value: str, field: str) -> datetime:
    """An ISO 8601 date and time with an offset, as an aware UTC datetime."""
    text = value.strip().upper()
    if not _SENT.fullmatch(text):
        raise Reject(
            f"{field} '{quote(value)}' is not an ISO 8601 date and time with an offset "
            "(e.g. 2026-11-27T16:42:10-06:00)"
        )
    try:
        return dates.parse_iso_datetime(text)
    except ValueError:
        raise Reject(f"{field} '{quote(value)}' is not a real date and time") from None


def day(value: str, field: str) -> date:
    """A calendar date written YYYY-MM-DD."""
    match = _DAY.fullmatch(value.strip())
    if match is None:
        raise Reject(f"{field} '{quote(value)}' is not a date of the form YYYY-MM-DD")
    try:
        return date(*(int(g) for g in match.groups()))
    except ValueError as exc:
        raise Reject(f"{field} '{quote(value)}' is not a real date: {exc}") from None


def partial_date(value: str, field: str, *, not_after: date) -> str:
    """A birth date: YYYY-MM-DD, or YYYY (or YYYY-MM) when only part of it is known."""
    text = value.strip()
    match = _PARTIAL.fullmatch(text)
    if match is None:
        raise Reject(f"{field} '{quote(value)}' is not a date of the form YYYY-MM-DD or YYYY")
    year, month, dom = (int(g) if g else None for g in match.groups())
    assert year is not None
    try:
        earliest = date(year, month or 1, dom or 1)
    except ValueError as exc:
        raise Reject(f"{field} '{quote(value)}' is not a real date: {exc}") from None
    if earliest > not_after:
        raise Reject(f"{field} '{quote(value)}' is later than the document's Sent date")
    return text


def unique(values: Iterable[str]) -> list[str]:
    """The values without repeats, in order of first appearance."""
    return list(dict.fromkeys(values))
