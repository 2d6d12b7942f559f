"""Reading one rempm value: dates ``dd/mm/aaaa``, decimal-comma coordinates, ``|`` lists,
alpha-3 countries and the ``sigilo`` digit. Each refusal names the value and its column."""

from __future__ import annotations

import re
from datetime import date
from functools import lru_cache

from adapters.sdk.contract import Reject
from adapters.sdk.normalize import countries
from contract.quoting import quote
from schemas import Level

SIGILO: dict[str, Level] = {"0": "PUBLIC", "1": "RESTRICTED", "2": "SECRET"}
_DATE = re.compile(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})")
_YEAR = re.compile(r"\d{4}")
_NUMBER = re.compile(r"[+-]?\d{1,3}(?:[.,]\d+)?")
#: a batch names the same few countries on every row
_alpha2 = lru_cache(maxsize=512)(countries.to_alpha2)
#: the schema's earliest birth year; a registry date before it is a typo
_EARLIEST = 1800


def multi(text: str) -> list[str]:
    """The non-empty values of a ``|``-separated field."""
    return [part.strip() for part in text.split("|") if part.strip()]


def positions(text: str) -> list[str]:
    """Every position of a ``|``-separated field, empty ones included (``"a|"`` → two)."""
    return [part.strip() for part in text.split("|")] if text.strip() else []


def registration_date(text: str, column: str) -> date:
    """A whole date ``dd/mm/aaaa``."""
    match = _DATE.fullmatch(text.strip())
    if match is None:
        raise Reject(f"date '{quote(text)}' in {column}: not a date dd/mm/aaaa")
    day, month, year = (int(group) for group in match.groups())
    try:
        value = date(year, month, day)
    except ValueError as exc:
        raise Reject(f"impossible date '{quote(text)}' in {column}: {exc}") from None
    if year < _EARLIEST:
        raise Reject(f"impossible date '{quote(text)}' in {column}: before {_EARLIEST}")
    return value


def birth_date(text: str, where: str, registered: date) -> str | None:
    """ISO partial date of ``dd/mm/aaaa``; ``00`` marks an unknown day or month, and a bare
    year is a year. A birth after the case was registered is impossible."""
    text = text.strip()
    if not text:
        return None
    if _YEAR.fullmatch(text):
        day, month, year = 0, 0, int(text)
    else:
        match = _DATE.fullmatch(text)
        if match is None:
            raise Reject(f"birth date '{quote(text)}' in {where}: not a date dd/mm/aaaa")
        day, month, year = (int(group) for group in match.groups())
    if month == 0 and day != 0:
        raise Reject(f"impossible date '{quote(text)}' in {where}: a day without a month")
    try:
        born = date(year, month or 1, day or 1)
    except ValueError as exc:
        raise Reject(f"impossible date '{quote(text)}' in {where}: {exc}") from None
    if year < _EARLIEST or born > registered:
        raise Reject(
            f"impossible date '{quote(text)}' in {where}: before {_EARLIEST} or after the "
            f"case was registered ({registered:%d/%m/%Y})"
        )
    if not month:
        return f"{year:04d}"
    return f"{year:04d}-{month:02d}" if not day else born.isoformat()


def coordinate(text: str, column: str, limit: int) -> float:
    """A decimal-comma degree (``-25,2637``) within ``±limit``; a decimal point is read too."""
    if _NUMBER.fullmatch(text) is None:
        raise Reject(f"{column} '{quote(text)}' in {column}: not a decimal number like -25,2637")
    value = float(text.replace(",", "."))
    if abs(value) > limit:
        raise Reject(f"{column} '{quote(text)}' in {column}: outside ±{limit} degrees")
    return value


def country(text: str, column: str) -> str:
    """ISO alpha-2 of an alpha-3 code (names and alpha-2 codes are understood as well)."""
    code = _alpha2(text)
    if code is None:
        raise Reject(f"country '{quote(text)}' in {column}: not an ISO 3166-1 alpha-3 code")
    return code


def level(text: str) -> Level:
    try:
        return SIGILO[text.strip()]
    except KeyError:
        raise Reject(
            f"sigilo '{quote(text)}' in sigilo: expected 0 (public), 1 (restricted) or 2 (secret)"
        ) from None
