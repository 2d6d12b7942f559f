"""One ameripol message → one canonical ``IntelReport`` (level OPERATIONAL).

The sending country is the country the ``DE:`` unit names in words (``POLICIA NACIONAL DE
COLOMBIA``), when it names exactly one; otherwise it is left empty rather than guessed
from a place, which may as well be the destination. A vessel's flag state counts among
the states the message involves: it has jurisdiction over the ship.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import get_args

from adapters.ameripol.dtg import parse_dtg
from adapters.ameripol.message import split_message
from adapters.ameripol.persons import person
from adapters.ameripol.things import place, vehicle
from adapters.sdk.contract import Draft, Reject
from adapters.sdk.normalize import countries, levels, offences
from adapters.sdk.normalize.text import fold
from schemas import Classification, IntelReport, Level, Offence, Origin, Vehicle, Vessel

NETWORK = "ameripol"
_LEVELS: dict[str, Level] = {level: level for level in get_args(Level)}
_WORD = re.compile(r"[^\W\d_]+")
#: the longest country name looked for in a unit's name, in words ("REPUBLICA DOMINICANA")
_NAME_WORDS = 4


def parse_message(native: bytes) -> Draft:
    message = split_message(native)
    authority = message.required("de")
    sent = parse_dtg(message.required("fecha"), "FECHA")
    marking = message.required("clasificacion")
    home = sender_country(authority)
    persons = [person(item) for item in message.items if item.section == "personas"]
    places = [place(item) for item in message.items if item.section == "lugares"]
    moving = [vehicle(item) for item in message.items if item.section == "vehiculos"]
    vessels = [v for v in moving if isinstance(v, Vessel)]
    data = IntelReport(
        reference=message.number,
        origin=Origin(network=NETWORK, country=home, authority=authority),
        classification=Classification(level=_level(marking), original=marking),
        offences=[
            Offence(label=label, iccs=offences.classify(label))
            for label in labels(message.value("delitos"))
        ],
        persons=persons,
        locations=places,
        countries=list(
            dict.fromkeys(
                [home] * bool(home)
                + [p.country for p in places if p.country]
                + [c for p in persons for c in p.nationalities]
                + [v.flag for v in vessels if v.flag]
            )
        ),
        summary="\n".join(message.text).strip(),
        title=message.value("asunto") or None,
        level="OPERATIONAL",
        priority=fold(message.value("prioridad")).upper() or None,
        request_for_information=message.request_for_information,
        vessels=vessels,
        vehicles=[v for v in moving if isinstance(v, Vehicle)],
    )
    return Draft(data=data, time=sent, record_bytes=native)


def labels(text: str) -> list[str]:
    """``TRAFICO DE ESTUPEFACIENTES / LAVADO DE ACTIVOS`` → the labels, trimmed."""
    return [" ".join(label.split()) for label in text.split("/") if label.strip()]


@lru_cache(maxsize=1024)
def sender_country(authority: str) -> str | None:
    """The one country a unit's name spells out in words (names and demonyms, never codes:
    ``DE`` in ``POLICIA NACIONAL DE COLOMBIA`` is a preposition, not Germany)."""
    words = _WORD.findall(authority)
    found: set[str] = set()
    covered: set[int] = set()
    for size in range(min(_NAME_WORDS, len(words)), 0, -1):
        for start in range(len(words) - size + 1):
            span = set(range(start, start + size))
            phrase = " ".join(words[start : start + size])
            if span & covered or len(phrase) < 4:
                continue
            code = countries.to_alpha2(phrase)
            if code is not None:
                found.add(code)
                covered |= span
    return found.pop() if len(found) == 1 else None


def _level(marking: str) -> Level:
    """``PUBLICO`` / ``RESERVADO`` / ``CONFIDENCIAL`` / ``SECRETO``."""
    try:
        return _LEVELS[levels.classification_level(marking)]
    except ValueError:
        raise Reject(
            f"marking '{marking}' in CLASIFICACION: not PUBLICO, RESERVADO, CONFIDENCIAL or SECRETO"
        ) from None
