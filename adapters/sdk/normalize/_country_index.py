"""The lookup table behind ``countries.to_alpha2``: every spelling a network may use, mapped to
its alpha-2 code.

Sources are merged in tiers, most authoritative first: ISO codes, the names in
``data/countries.json``, pycountry's English names, the listed demonyms, then generated
forms (feminine and plural demonyms, names without their ", Republic of" tail). A key that
two countries claim within one tier is dropped, and a lower tier can never fill it: the
lookup answers None rather than guess.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from importlib.resources import files
from typing import Any

import pycountry

from adapters.sdk.normalize.text import fold

_NOT_WORD = re.compile(r"[^a-z0-9]+")


def key(text: str) -> str:
    """Comparison key: folded, dots dropped (``EE.UU.`` = ``EEUU``), punctuation as spaces."""
    folded = fold(text).replace("&", " and ").replace(".", "")
    return _NOT_WORD.sub(" ", folded).strip()


def inflect_iberian(base: str) -> Iterator[str]:
    """Feminine and plural forms of a Spanish or Portuguese demonym (masculine singular)."""
    yield base
    stem = base[:-1]
    if base.endswith("ense"):
        yield base + "s"
    elif base.endswith("ao"):  # pt alemão: alemã, alemães, alemãs
        yield from (base[:-2] + "a", base[:-2] + "aes", base[:-2] + "as", base + "s")
    elif base.endswith("o"):
        yield from (stem + "a", base + "s", stem + "as")
    elif base.endswith(("es", "an", "ol")):  # francés, alemán, español (and pt -ês)
        yield from (base + "a", base + "es", base + "as")
        if base.endswith("ol"):  # pt espanhóis
            yield stem + "is"
    elif base.endswith(("i", "u")):  # marroquí, hindú
        yield from (base + "es", base + "s")
    else:  # belga, croata, -e
        yield base + "s"


def inflect_french(base: str) -> Iterator[str]:
    """Feminine and plural forms of a French demonym (masculine singular)."""
    yield base
    if base.endswith("en"):
        yield from (base + "ne", base + "nes", base + "s")
    elif base.endswith("e"):
        yield base + "s"
    elif base.endswith(("s", "x")):
        yield from (base + "e", base + "es")
    else:
        yield from (base + "e", base + "s", base + "es")


def inflect_english(base: str) -> Iterator[str]:
    yield base
    yield base + "s"


def _derived_names(name: str) -> Iterator[str]:
    """'Bolivia, Plurinational State of' -> 'Bolivia'; 'Holy See (Vatican City State)' -> both."""
    if "," in name:
        yield name.split(",", 1)[0]
    if "(" in name:
        yield re.sub(r"\(.*?\)", " ", name)
        inner = re.findall(r"\((.*?)\)", name)
        yield from inner


@dataclass(frozen=True)
class CountryIndex:
    by_key: dict[str, str]
    alpha2: frozenset[str]
    alpha3_to_2: dict[str, str]
    alpha2_to_3: dict[str, str]
    aliases: dict[str, str]  # codes networks use that ISO reserves: UK -> GB


def _merge(tiers: Iterable[Iterable[tuple[str, str]]]) -> dict[str, str]:
    index: dict[str, str] = {}
    blocked: set[str] = set()
    for tier in tiers:
        claims: dict[str, set[str]] = {}
        for text, code in tier:
            k = key(text)
            if k:
                claims.setdefault(k, set()).add(code)
        for k, codes in claims.items():
            if k in index or k in blocked:
                continue
            if len(codes) == 1:
                index[k] = next(iter(codes))
            else:
                blocked.add(k)
    return index


def build() -> CountryIndex:
    raw: dict[str, Any] = json.loads(
        files("adapters.sdk.normalize.data").joinpath("countries.json").read_text("utf-8")
    )
    iso = list(pycountry.countries)
    alpha2 = frozenset(c.alpha_2 for c in iso) | frozenset(raw["extra_codes"])
    a3_to_2 = {c.alpha_3: c.alpha_2 for c in iso}
    a2_to_3 = {c.alpha_2: c.alpha_3 for c in iso}
    data: dict[str, dict[str, list[str]]] = raw["countries"]
    unknown = set(data) - alpha2
    if unknown:
        raise ValueError(f"countries.json: not ISO alpha-2 codes: {sorted(unknown)}")

    def english_names() -> Iterator[tuple[str, str]]:
        for c in iso:
            for attr in ("name", "official_name", "common_name"):
                if (value := getattr(c, attr, None)) is not None:
                    yield value, c.alpha_2

    def demonyms() -> Iterator[tuple[str, str]]:
        for code, entry in data.items():
            for field in ("dem", "fr", "en"):
                yield from ((word, code) for word in entry.get(field, ()))

    def generated() -> Iterator[tuple[str, str]]:
        inflectors = {"dem": inflect_iberian, "fr": inflect_french, "en": inflect_english}
        for code, entry in data.items():
            for field, inflect in inflectors.items():
                for word in entry.get(field, ()):
                    yield from ((form, code) for form in inflect(key(word)))
        for name, code in english_names():
            yield from ((derived, code) for derived in _derived_names(name))
        for code, entry in data.items():
            yield from ((name.replace(" ", ""), code) for name in map(key, entry["names"]))

    codes = [(c, c) for c in alpha2] + [(a3, a2) for a3, a2 in a3_to_2.items()]
    aliases: dict[str, str] = raw["aliases"]
    codes += list(aliases.items())
    names = [(name, code) for code, entry in data.items() for name in entry["names"]]
    by_key = _merge([codes, names, list(english_names()), list(demonyms()), list(generated())])
    return CountryIndex(by_key, alpha2, a3_to_2, a2_to_3, aliases)
