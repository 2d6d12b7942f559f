"""Countries as networks write them (codes, names, demonyms) to ISO 3166-1 alpha-2.

``to_alpha2`` accepts alpha-2 (and AIAMP's ``UK``), alpha-3, country names in Spanish,
Portuguese, French and English with their usual short forms, and nationality words in
both genders and in the plural; accents, case and stray spaces do not matter. Unknown or
ambiguous input gives None: a wrong country is worse than none.
"""

from __future__ import annotations

import re
from functools import cache

from adapters.sdk.normalize._country_index import CountryIndex, build, key

_MAX_CHARS = 200
_LEADING = re.compile(
    r"^(?:(?:el|la|los|las|o|a|os|as|the|le|les|l)\s+)?"
    r"(?:(?:republica|republique|republic|reino|kingdom|estado|state)\s+"
    r"(?:(?:federativa|plurinacional|bolivariana|oriental)\s+)?(?:de|del|do|da|of|du|d)\s+"
    r"(?:(?:el|la|los|las|o|a|os|as|the|le|les|l)\s+)?)?"
)


@cache
def _index() -> CountryIndex:
    return build()


def _candidates(text: str) -> list[str]:
    """The keys to try, most literal first."""
    whole = key(text)
    bare = key(re.sub(r"\(.*?\)", " ", text))
    stripped = _LEADING.sub("", bare, count=1)
    return [whole, bare, stripped, whole.replace(" ", "")]


def to_alpha2(text: str | None) -> str | None:
    """The alpha-2 code for a country code, name or demonym; None when unknown or ambiguous."""
    if not isinstance(text, str) or len(text) > _MAX_CHARS:
        return None
    by_key = _index().by_key
    for candidate in _candidates(text):
        if candidate and (code := by_key.get(candidate)) is not None:
            return code
    return None


def is_alpha2(code: str) -> bool:
    """True for an assigned alpha-2 code in canonical form (upper case), or XK (Kosovo)."""
    return code in _index().alpha2


def alpha3_to_alpha2(code: str) -> str | None:
    """``COL`` -> ``CO``; case and surrounding spaces do not matter. None when unknown."""
    return _index().alpha3_to_2.get(code.strip().upper()) if isinstance(code, str) else None


def alpha2_to_alpha3(code: str) -> str | None:
    """``CO`` -> ``COL`` (``UK`` -> ``GBR``); None when unknown or without an alpha-3 (XK)."""
    if not isinstance(code, str):
        return None
    index = _index()
    upper = code.strip().upper()
    return index.alpha2_to_3.get(index.aliases.get(upper, upper))
