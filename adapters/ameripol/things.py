"""``VEHICULOS:`` and ``LUGARES:`` items: vessels, other vehicles, places with coordinates."""

from __future__ import annotations

import re
from functools import lru_cache

from adapters.ameripol.message import Item
from adapters.sdk.contract import Reject
from adapters.sdk.normalize import countries
from schemas import Location, Vehicle, Vessel

#: messages name the same few countries again and again
alpha2 = lru_cache(maxsize=512)(countries.to_alpha2)
_VESSEL = re.compile(r"BUQUE\b\s*(?P<rest>.*)", re.IGNORECASE | re.DOTALL)
_QUOTED = re.compile(r'["“”](?P<name>[^"“”]*)["“”]')
_IMO = re.compile(r"\bIMO\s*:?\s*(?P<imo>\S+)", re.IGNORECASE)
_IMO_NUMBER = re.compile(r"\bIMO\s*:?\s*\d{7}\b", re.IGNORECASE)
_FLAG = re.compile(r"\bBANDERA\s*:?\s*(?P<flag>[^\W\d_]+)", re.IGNORECASE)
_COORDINATES = re.compile(
    r"(?P<lat>\d{1,3}(?:\.\d+)?)\s*(?P<ns>[NS])\s+(?P<lon>\d{1,3}(?:\.\d+)?)\s*(?P<ew>[EW])\s*$",
    re.IGNORECASE,
)


def vehicle(item: Item) -> Vessel | Vehicle:
    """``BUQUE "<name>" IMO <7 digits> BANDERA <alpha-3>`` is a vessel, and so is anything
    with an IMO number; anything else is a vehicle described in the words of the message."""
    match = _VESSEL.fullmatch(item.text)
    if match is None and not _IMO_NUMBER.search(item.text):
        return Vehicle(description=item.text)
    rest = match.group("rest") if match else item.text
    quoted = _QUOTED.search(rest)
    imo = _IMO.search(rest)
    flag = _FLAG.search(rest)
    if quoted:
        name = quoted.group("name").strip()
    else:
        ends = [m.start() for m in (imo, flag) if m]
        name = rest[: min(ends)].strip() if ends else rest.strip()
    if imo and not re.fullmatch(r"\d{7}", imo.group("imo")):
        raise Reject(f"IMO number '{imo.group('imo')}' in {item.where}: not 7 digits")
    flag_code = None
    if flag:
        flag_code = alpha2(flag.group("flag"))
        if flag_code is None:
            raise Reject(
                f"flag '{flag.group('flag')}' in BANDERA of {item.where}: not an ISO alpha-3 code"
            )
    return Vessel(name=name or None, imo=imo.group("imo") if imo else None, flag=flag_code)


def place(item: Item) -> Location:
    """``<place>, <region>, <alpha-3> [<lat> <lon>]`` with hemisphere letters (S, W negative)."""
    text = item.text
    lat = lon = None
    coordinates = _COORDINATES.search(text)
    if coordinates:
        lat = _degrees(coordinates.group("lat"), coordinates.group("ns"), 90, item)
        lon = _degrees(coordinates.group("lon"), coordinates.group("ew"), 180, item)
        text = text[: coordinates.start()]
    parts = [part.strip() for part in text.strip().rstrip(",").split(",")]
    if not parts[0]:
        raise Reject(f"no place name in {item.where}: expected <place>, <region>, <alpha-3>")
    country = None
    if len(parts) >= 2:
        country = alpha2(parts[-1])
        if country is None and len(parts) >= 3:
            raise Reject(f"country '{parts[-1]}' in {item.where}: not an ISO alpha-3 code")
        if country is not None:
            parts = parts[:-1]
    region = ", ".join(part for part in parts[1:] if part) or None
    return Location(name=parts[0], region=region, country=country, lat=lat, lon=lon)


def _degrees(text: str, hemisphere: str, limit: int, item: Item) -> float:
    value = float(text)
    if value > limit:
        raise Reject(f"coordinate '{text}{hemisphere}' in {item.where}: outside ±{limit} degrees")
    return -value if hemisphere.upper() in "SW" else value
