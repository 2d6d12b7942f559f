"""The objects a report references, each mapped to its canonical part.

Standard types (``threat-actor``, ``location``, ``relationship``) are validated by
``stix2`` first; CLACIP's custom types, which ``stix2`` cannot know, are read through the
typed helpers of :mod:`adapters.clacip.fields`.
"""

from __future__ import annotations

import re
from typing import TypeVar

from pydantic import ValidationError

from adapters.clacip.bundle import StixObject
from adapters.clacip.fields import number, text, texts, unique, where
from adapters.clacip.stix import validated
from adapters.sdk.contract import Reject
from adapters.sdk.normalize import countries, dates, names
from contract.quoting import quote
from contract.validation import describe_validation_error
from schemas import CriminalGroup, Link, Location, Person, Vehicle, Vessel

P = TypeVar("P", Person, Location, CriminalGroup, Vessel, Vehicle, Link)

_IMO = re.compile(r"(?:IMO)?\s*(\d{7})", re.IGNORECASE)


def country(obj: StixObject, prop: str) -> str | None:
    value = text(obj, prop)
    if value is None:
        return None
    code = countries.to_alpha2(value)
    if code is None:
        raise Reject(f"{prop} '{quote(value)}' in {where(obj)}: not a known country")
    return code


def person(obj: StixObject) -> Person:
    """An ``x-clacip-person``: a subject of the intelligence report."""
    given, family = text(obj, "given_names"), text(obj, "family_names")
    if given is None and family is None:
        raise Reject(f"{where(obj)}: a person needs given_names or family_names")
    try:
        name = names.from_parts(given, family)
    except ValueError as exc:
        raise Reject(f"name of {where(obj)}: {exc}") from None
    birth = text(obj, "birth_date")
    try:
        birth_date = dates.partial_date(birth) if birth else None
    except ValueError as exc:
        raise Reject(f"birth_date '{quote(birth)}' in {where(obj)}: {exc}") from None
    if birth and birth_date is None:
        raise Reject(f"birth_date '{quote(birth)}' in {where(obj)}: not a date")
    nationalities = []
    for value in texts(obj, "nationalities"):
        code = countries.to_alpha2(value)
        if code is None:
            raise Reject(
                f"nationalities item '{quote(value)}' in {where(obj)}: not a known country"
            )
        nationalities.append(code)
    return _build(
        obj,
        Person,
        full_name=name.full_name,
        given_names=name.given_names,
        family_names=name.family_names,
        birth_date=birth_date,
        nationalities=unique(nationalities),
        role="SUBJECT",
    )


def location(obj: StixObject) -> Location:
    """A STIX ``location``, named by its most specific readable part."""
    loc = validated(obj)
    lat, lon = number(loc, "latitude"), number(loc, "longitude")
    code = country(loc, "country")
    region = text(loc, "administrative_area") or text(loc, "region")
    name = (
        text(loc, "city")
        or text(loc, "name")
        or region
        or code
        or (f"{lat}, {lon}" if lat is not None and lon is not None else None)
    )
    if name is None:
        raise Reject(f"{where(obj)}: a location needs a city, name, region, country or coordinates")
    return _build(obj, Location, name=name, country=code, lat=lat, lon=lon, region=region)


def group(obj: StixObject) -> CriminalGroup:
    """A STIX ``threat-actor``: a criminal group."""
    actor = validated(obj)
    name = text(actor, "name")
    if name is None:
        raise Reject(f"{where(obj)}: a threat-actor needs a name")
    return _build(
        obj,
        CriminalGroup,
        ref=text(actor, "id"),
        name=name,
        aliases=unique(texts(actor, "aliases")),
        kinds=unique(texts(actor, "threat_actor_types")),
    )


def vessel(obj: StixObject) -> Vessel:
    """An ``x-clacip-vessel``; the IMO number is kept as its seven digits."""
    imo = text(obj, "imo")
    digits = None
    if imo is not None:
        match = _IMO.fullmatch(imo)
        if match is None:
            raise Reject(f"imo '{quote(imo)}' in {where(obj)}: an IMO number has seven digits")
        digits = match.group(1)
    return _build(
        obj,
        Vessel,
        ref=text(obj, "id"),
        name=text(obj, "name"),
        imo=digits,
        flag=country(obj, "flag"),
    )


def vehicle(obj: StixObject) -> Vehicle:
    """An ``x-clacip-vehicle``."""
    return _build(
        obj,
        Vehicle,
        ref=text(obj, "id"),
        plate=text(obj, "plate"),
        country=country(obj, "country"),
        make=text(obj, "make"),
        description=text(obj, "description"),
    )


def link(obj: StixObject) -> Link:
    """A STIX ``relationship`` between two objects, by their STIX ids."""
    rel = validated(obj)
    return _build(
        obj,
        Link,
        source=text(rel, "source_ref"),
        relationship=text(rel, "relationship_type"),
        target=text(rel, "target_ref"),
    )


def _build(obj: StixObject, model: type[P], **values: object) -> P:
    """The part, or a Reject naming the STIX object whose value the model refused."""
    try:
        return model.model_validate(values)
    except ValidationError as exc:
        raise Reject(f"{where(obj)}: {describe_validation_error(exc)}") from None
