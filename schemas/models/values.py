"""Constrained scalar types shared by every canonical model.

Each type validates one thing that the design promises (ISO 3166-1 alpha-2 countries,
ICCS codes, partial dates, UTC times) and says what was wrong when it refuses a value.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from functools import lru_cache
from typing import Annotated, Literal, get_args

import pycountry
from pydantic import AfterValidator, BeforeValidator, Field, StringConstraints

from schemas.iccs import is_known_iccs

Level = Literal["PUBLIC", "RESTRICTED", "CONFIDENTIAL", "SECRET"]
LEVELS: tuple[str, ...] = get_args(Level)

Tlp = Literal["CLEAR", "GREEN", "AMBER", "AMBER+STRICT", "RED"]
TLP_VALUES: tuple[str, ...] = get_args(Tlp)

#: Where a legal-assistance or extradition request stands (``status.status`` of a
#: ``cca.request.status.v1``): the one list every network's status vocabulary maps onto.
RequestState = Literal[
    "RECEIVED",
    "ADDITIONAL_INFO_REQUESTED",
    "IN_EXECUTION",
    "EXECUTED",
    "REFUSED",
    "RETURNED_UNEXECUTABLE",
    "WITHDRAWN",
]
REQUEST_STATES: tuple[str, ...] = get_args(RequestState)

#: control characters no canonical text may carry (tab, line feed and carriage return may):
#: U+0000 ends strings in C readers, others rewrite terminals and logs
_CONTROLS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def _no_controls(value: str) -> str:
    found = _CONTROLS.search(value)
    if found is not None:
        raise ValueError(
            f"contains the control character U+{ord(found.group()):04X} at {found.start()}"
        )
    return value


# Bounded text. Limits are generous for real messages and small enough to stop abuse.
ShortText = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=300),
    AfterValidator(_no_controls),
]
Label = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=500),
    AfterValidator(_no_controls),
]
Code = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=64),
    AfterValidator(_no_controls),
]
LongText = Annotated[str, StringConstraints(max_length=1_100_000), AfterValidator(_no_controls)]
Slug = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9-]{1,31}$")]


@lru_cache(maxsize=1)
def _alpha2_codes() -> frozenset[str]:
    # XK (Kosovo) is user-assigned but used by INTERPOL and the EU.
    return frozenset(c.alpha_2 for c in pycountry.countries) | {"XK"}


def _check_country(value: str) -> str:
    if value not in _alpha2_codes():
        raise ValueError(f"'{value}' is not an ISO 3166-1 alpha-2 country code")
    return value


def _check_iccs(value: str) -> str:
    if not re.fullmatch(r"\d{2}|\d{4,6}", value):
        raise ValueError(f"'{value}' is not an ICCS code (2, 4, 5 or 6 digits)")
    if not is_known_iccs(value):
        raise ValueError(f"'{value}' is not a code of the ICCS 1.0 classification")
    return value


def _check_partial_date(value: str) -> str:
    match = re.fullmatch(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?", value)
    if match is None:
        raise ValueError(f"'{value}' is not a date of the form YYYY, YYYY-MM or YYYY-MM-DD")
    year, month, day = (int(g) if g else None for g in match.groups())
    assert year is not None
    if year < 1800:
        raise ValueError(f"'{value}' is before 1800")
    try:
        date(year, month or 1, day or 1)
    except ValueError as exc:
        raise ValueError(f"'{value}' is not a real date: {exc}") from None
    return value


def _require_utc(value: datetime) -> datetime:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError("time must carry a time zone (UTC)")
    return value.astimezone(UTC)


def _strip(value: object) -> object:
    return value.strip() if isinstance(value, str) else value


Country = Annotated[
    str,
    BeforeValidator(_strip),
    StringConstraints(pattern=r"^[A-Z]{2}$"),
    AfterValidator(_check_country),
    Field(description="ISO 3166-1 alpha-2 country code"),
]
IccsCode = Annotated[
    str,
    StringConstraints(pattern=r"^(\d{2}|\d{4,6})$"),
    AfterValidator(_check_iccs),
    Field(description="UNODC ICCS 1.0 code (2, 4, 5 or 6 digits)"),
]
PartialDate = Annotated[
    str,
    StringConstraints(pattern=r"^\d{4}(-\d{2}(-\d{2})?)?$"),
    AfterValidator(_check_partial_date),
    Field(description="YYYY, YYYY-MM or YYYY-MM-DD"),
]
UtcDateTime = Annotated[datetime, AfterValidator(_require_utc)]
