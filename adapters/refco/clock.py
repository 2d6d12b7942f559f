"""refco's dates: ``fecha`` (``dd/mm/yyyy HH:MM``) in the local time of the referring
country, and birth dates (``dd/mm/yyyy``).

The interface agreement fixes one offset per member country and none of them keeps
daylight saving time, so a fixed table is exact (and a time-zone database is not needed).
A country outside the table has no agreed local time: its message is refused rather than
guessed.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from adapters.sdk.contract import Reject
from adapters.sdk.normalize import dates
from contract.quoting import quote

#: hours from UTC of each referring country (refco.md, field ``fecha``)
OFFSETS: dict[str, int] = {
    "GT": -6,
    "SV": -6,
    "HN": -6,
    "NI": -6,
    "CR": -6,
    "BZ": -6,
    "MX": -6,
    "PA": -5,
    "DO": -4,
}
FECHA_FORMAT = "%d/%m/%Y %H:%M"


def sent_at(fecha: str, country: str, path: str = "fecha") -> datetime:
    """The UTC instant of ``fecha`` read in ``country``'s agreed local time."""
    offset = OFFSETS.get(country)
    if offset is None:
        raise Reject(
            f"country '{country}' in pais: refco agrees no local time for it, "
            "so 'fecha' cannot be placed in UTC"
        )
    try:
        return dates.local_to_utc(fecha, FECHA_FORMAT, timedelta(hours=offset))
    except ValueError as exc:
        raise Reject(f"date in {path}: {exc}") from None


def birth_date(text: str, path: str) -> str:
    """``dd/mm/yyyy`` → ``YYYY-MM-DD`` (a year or year and month alone are kept as such)."""
    try:
        found = dates.partial_date(text)
    except ValueError as exc:
        raise Reject(f"date in {path}: {exc}") from None
    if found is None:
        raise Reject(f"date '{quote(text)}' in {path}: blank")
    return found
