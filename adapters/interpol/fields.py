"""Readers of single notice fields: each returns the canonical value or None for a null or
missing field, and refuses a present but unreadable value with a Reject that names it.

Shapes are read by the shared :class:`~adapters.sdk.jsonread.Obj`, named after the notice
(``'forename' in notice 2021/75051``) since a summary sits at no useful path. What is the
feed's own stays here: names have their white space collapsed, a single country code
stands for a list of one, and the summary-only fields are read leniently.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Literal

from adapters.sdk.contract import Reject
from adapters.sdk.jsonread import Obj
from adapters.sdk.normalize import countries, dates
from contract.quoting import quote

Sex = Literal["M", "F", "U"]
_SEXES: dict[str, Sex] = {"M": "M", "F": "F", "U": "U"}


def text(obj: Mapping[str, object], key: str, where: str) -> str | None:
    """A text field with its white space collapsed; None when null, missing or blank."""
    found = raw_text(obj, key, where)
    return " ".join(found.split()) if found else None


def raw_text(obj: Mapping[str, object], key: str, where: str) -> str | None:
    """A free-text field trimmed but otherwise as sent; None when null, missing or blank."""
    return Obj(obj, "", within=where).maybe_text(key)


def country(obj: Mapping[str, object], key: str, where: str) -> str | None:
    """An ISO 3166-1 alpha-2 country from a country field (``UY``, also ``URY``)."""
    value = text(obj, key, where)
    if value is None:
        return None
    return _alpha2(value, key, where)


def country_list(obj: Mapping[str, object], key: str, where: str) -> list[str]:
    """A list of countries (``nationalities``); null or missing is an empty list."""
    value = obj.get(key)
    if value is None:
        return []
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list):
        raise Reject(f"{key} '{quote(value)}' in {where}: not a list of country codes")
    found: list[str] = []
    for item in value:
        if item is None:
            continue
        if not isinstance(item, str):
            raise Reject(f"{key} entry '{quote(item)}' in {where}: not a country code")
        if not item.strip():
            continue
        code = _alpha2(item.strip(), key, where)
        if code not in found:
            found.append(code)
    return found


def _alpha2(value: str, key: str, where: str) -> str:
    if len(value) == 2 and countries.is_alpha2(value):  # the feed's usual form: no lookup
        return value
    code = countries.to_alpha2(value)
    if code is None:
        raise Reject(f"{key} '{quote(value)}' in {where}: not an ISO 3166-1 country code")
    return code


def birth_date(obj: Mapping[str, object], key: str, where: str) -> str | None:
    """``YYYY/MM/DD`` or ``YYYY`` (also ``YYYY/MM``, ISO) → ISO partial date."""
    value = text(obj, key, where)
    if value is None:
        return None
    try:
        iso = dates.partial_date(value)
    except ValueError:
        iso = None
    if iso is None:
        raise Reject(
            f"{key} '{quote(value)}' in {where}: not a real date of the form YYYY/MM/DD or YYYY"
        )
    return iso


def sex(obj: Mapping[str, object], key: str, where: str) -> Sex | None:
    """``sex_id``: M, F or U (unknown)."""
    value = text(obj, key, where)
    if value is None:
        return None
    found = _SEXES.get(value.upper())
    if found is None:
        raise Reject(f"{key} '{quote(value)}' in {where}: not M, F or U")
    return found


def codes(obj: Mapping[str, object], key: str) -> list[str]:
    """A list of the service's own codes (eye colours, languages), kept only for the
    summary; anything that is not a short text is left out."""
    value = obj.get(key)
    items = value if isinstance(value, list) else [value]
    return [" ".join(v.split()) for v in items if isinstance(v, str) and 0 < len(v.strip()) <= 40]


def measure(obj: Mapping[str, object], key: str, unit: str) -> str | None:
    """A height or weight for the summary (a number gets ``unit``); None unless a number or
    a short text."""
    value = obj.get(key)
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float):
        return f"{value:g} {unit}" if value == value and abs(value) < 1e6 else None
    if isinstance(value, str) and 0 < len(value.strip()) <= 20:
        return value.strip()
    return None
