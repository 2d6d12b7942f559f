"""Countries and places as refco writes them: Spanish names and demonyms, "lat,lon" pairs."""

from __future__ import annotations

import re

from adapters.sdk.contract import Reject
from adapters.sdk.jsonread import Obj
from adapters.sdk.normalize import countries
from contract.quoting import quote
from schemas import Location

_COORDINATES = re.compile(r"([+-]?\d{1,3}(?:\.\d+)?)\s*,\s*([+-]?\d{1,3}(?:\.\d+)?)")


def country(name: str, path: str) -> str:
    """A country's Spanish name (accents and case optional) → ISO alpha-2."""
    code = countries.to_alpha2(name)
    if code is None:
        raise Reject(f"country '{quote(name)}' in {path}: not a known country name")
    return code


def nationality(demonym: str, path: str) -> str:
    """A Spanish demonym, masculine or feminine (``hondureña``) → ISO alpha-2."""
    code = countries.to_alpha2(demonym)
    if code is None:
        raise Reject(f"nationality '{quote(demonym)}' in {path}: not a known demonym")
    return code


def coordinates(text: str, path: str) -> tuple[float, float]:
    """``"lat,lon"`` in decimal degrees, each within its range."""
    match = _COORDINATES.fullmatch(text.strip())
    if match is None:
        raise Reject(f"coordinates '{quote(text)}' in {path}: not \"lat,lon\" in decimal degrees")
    lat, lon = float(match.group(1)), float(match.group(2))
    if not -90 <= lat <= 90:
        raise Reject(f"coordinates '{quote(text)}' in {path}: latitude {lat} is outside ±90")
    if not -180 <= lon <= 180:
        raise Reject(f"coordinates '{quote(text)}' in {path}: longitude {lon} is outside ±180")
    return lat, lon


def location(item: object, path: str) -> Location:
    """One entry of ``lugares``: ``descripcion`` is required, ``pais`` and ``coordenadas``
    may be left out."""
    place = Obj(item, path)
    name = place.text("descripcion")
    where = place.maybe_text("pais")
    spot = place.maybe_text("coordenadas")
    lat, lon = coordinates(spot, place.at("coordenadas")) if spot else (None, None)
    return Location(
        name=name,
        country=country(where, place.at("pais")) if where else None,
        lat=lat,
        lon=lon,
    )
