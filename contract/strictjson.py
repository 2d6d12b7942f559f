"""The one strict JSON reader, for every untrusted JSON the hub reads: native messages (through
:mod:`adapters.sdk.jsonread`) and canonical values (the router).

Refused, with a reason an operator can act on: bytes that are not UTF-8, duplicate keys (two
parsers could read two different messages from the same bytes: the signature would cover
one and a consumer act on the other), NaN and Infinity (not JSON), integers too long for
Python to convert (a cheap way to make a reader burn CPU), and nesting too deep to parse.
"""

from __future__ import annotations

import json
import sys
from typing import Any

from contract.quoting import quote


class StrictJsonError(ValueError):
    """The bytes are not JSON this hub accepts; the message says why."""


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise StrictJsonError(f"key '{quote(key)}' appears twice in one JSON object")
        out[key] = value
    return out


def _no_constant(name: str) -> Any:
    raise StrictJsonError(f"'{name}' is not a JSON number")


def decode_text(raw: bytes, what: str = "message") -> str:
    """UTF-8 text of ``raw`` (a byte-order mark is dropped)."""
    try:
        return raw.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError as exc:
        raise StrictJsonError(
            f"{what} is not UTF-8 text: invalid byte at offset {exc.start}"
        ) from None


def loads(text: str | bytes, what: str = "message") -> object:
    """The JSON value of ``text``, or :class:`StrictJsonError`. ``what`` names the thing in
    the reason ("message", "value")."""
    if isinstance(text, bytes):
        text = decode_text(text, what)
    try:
        return json.loads(text, object_pairs_hook=_no_duplicates, parse_constant=_no_constant)
    except StrictJsonError:
        raise
    except RecursionError:
        raise StrictJsonError(f"{what} is not usable JSON: nested too deeply") from None
    except json.JSONDecodeError as exc:
        raise StrictJsonError(f"{what} is not valid JSON: {quote(exc)}") from None
    except ValueError:  # the only other one: an integer over the conversion digit limit
        raise StrictJsonError(
            f"{what} is not usable JSON: a number has more than "
            f"{sys.get_int_max_str_digits()} digits"
        ) from None
