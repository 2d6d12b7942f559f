"""aiamp's ``cabecera``: who sent what, when, under which specialised network.

An ``id`` whose network differs from ``red`` is refused: ``red`` decides the crime area
(and so the desks) when the labels do not, and the hub cannot tell which of the two the
sender meant.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime

from adapters.sdk.contract import Reject
from adapters.sdk.jsonread import Obj
from adapters.sdk.normalize import countries, dates
from contract.quoting import quote

#: the specialised networks and what each covers
REDES = ("RFAI", "REDTRAM", "CIBERRED", "REDCOR", "REDMA")
TIPOS = ("SOLICITUD_COOPERACION", "INFORMACION_ESPONTANEA", "EQUIPO_CONJUNTO")
IDIOMAS = ("es", "pt")

_ID = re.compile(r"AIAMP-([A-Z]+)-(\d{4})-(\d{1,12})", re.IGNORECASE)
#: a send time outside these bounds is a unit mistake (seconds for milliseconds) or garbage
_EARLIEST_MS = 946_684_800_000  # 2000-01-01T00:00:00Z
_LATEST_MS = 4_102_444_800_000  # 2100-01-01T00:00:00Z


@dataclass(frozen=True)
class Header:
    reference: str
    red: str
    red_as_sent: str
    tipo: str
    sender: str
    country: str
    #: checked (es or pt); the canonical data has no language field
    language: str
    sent: datetime
    restricted: bool


def read_header(header: Obj) -> Header:
    reference = header.text("id")
    red_as_sent = header.text("red")
    red = red_as_sent.upper()
    if red not in REDES:
        raise Reject(
            f"network '{quote(red_as_sent)}' in {header.at('red')}: not one of " + ", ".join(REDES)
        )
    _check_id(reference, red, header)
    tipo = header.text("tipo").upper()
    if tipo not in TIPOS:
        raise Reject(f"type '{quote(tipo)}' in {header.at('tipo')}: not one of " + ", ".join(TIPOS))
    sender = header.text("emisor")
    country = alpha2(header.text("pais_emisor"), header.at("pais_emisor"))
    language = header.text("idioma").lower()
    if language not in IDIOMAS:
        raise Reject(f"language '{quote(language)}' in {header.at('idioma')}: not es or pt")
    sent = _sent(header.integer("emitido_ms"), header.at("emitido_ms"))
    restricted = header.boolean("reserva")
    return Header(reference, red, red_as_sent, tipo, sender, country, language, sent, restricted)


def alpha2(code: str, path: str) -> str:
    """An ISO 3166-1 alpha-2 code as AIAMP writes it (``UK`` for the United Kingdom)."""
    found = countries.to_alpha2(code) if re.fullmatch(r"[A-Za-z]{2}", code) else None
    if found is None:
        raise Reject(f"country '{quote(code)}' in {path}: not an ISO 3166-1 alpha-2 code")
    return found


def _check_id(reference: str, red: str, header: Obj) -> None:
    match = _ID.fullmatch(reference)
    if match is None:
        raise Reject(
            f"id '{quote(reference)}' in {header.at('id')}: not AIAMP-<red>-<year>-<number>"
        )
    if match.group(1).upper() != red:
        raise Reject(
            f"id '{quote(reference)}' in {header.at('id')}: names network {match.group(1)} "
            f"but {header.at('red')} is {red}"
        )


def _sent(millis: int, path: str) -> datetime:
    if not _EARLIEST_MS <= millis < _LATEST_MS:
        hint = " (seconds instead of milliseconds?)" if 0 < millis < _EARLIEST_MS else ""
        raise Reject(f"time {quote(millis)} in {path}: not between 2000 and 2100{hint}")
    sent: datetime = dates.from_epoch_ms(millis)
    return sent.astimezone(UTC)
