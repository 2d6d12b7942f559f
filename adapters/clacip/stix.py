"""Standard STIX objects validated by the ``stix2`` library, with its errors made Rejects.

Only the objects the translation uses go through ``stix2`` (the report and the objects it
references): the library costs about 0.15 ms per object, and objects the report does not
reference are ignored by the rules, so they must not sink the message either.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import stix2

from adapters.clacip.bundle import StixObject
from adapters.clacip.fields import where
from adapters.sdk.contract import Reject


def validated(obj: StixObject) -> StixObject:
    """The object as ``stix2`` reads it (values coerced to their STIX types).

    Custom ``x_`` properties are allowed and kept as sent.
    """
    try:
        parsed: Any = stix2.parse(dict(obj), allow_custom=True, version="2.1")
    except RecursionError:
        raise Reject(f"{where(obj)}: a property is nested too deeply") from None
    except Exception as exc:  # the library's errors are many; each one refuses the message
        detail = " ".join(str(exc).split())[:300] or type(exc).__name__
        raise Reject(f"{where(obj)}: not valid STIX 2.1: {detail}") from None
    if isinstance(parsed, dict):  # a type stix2 does not know: nothing was checked
        raise Reject(f"{where(obj)}: not a standard STIX 2.1 object")
    result: StixObject = parsed
    return result


def utc(value: object, prop: str, obj: StixObject) -> datetime:
    """A ``stix2`` timestamp as a plain aware UTC datetime."""
    if not isinstance(value, datetime) or value.tzinfo is None:
        raise Reject(f"{prop} in {where(obj)}: missing or not a timestamp")
    return datetime.combine(value.date(), value.timetz()).astimezone(UTC)
