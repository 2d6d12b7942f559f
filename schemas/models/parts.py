"""The shared parts every canonical type is built from (origin, classification, persons...)."""

from __future__ import annotations

from datetime import date
from typing import Literal, Self

from pydantic import BaseModel, ConfigDict, Field, model_validator

from schemas.models.values import (
    Code,
    Country,
    IccsCode,
    Label,
    Level,
    PartialDate,
    RequestState,
    ShortText,
    Tlp,
)

Role = Literal[
    "ACCUSED", "SUSPECT", "CONVICTED", "WITNESS", "VICTIM", "WANTED", "MISSING", "SUBJECT"
]


class Part(BaseModel):
    """Closed content model: readers can rely on every field they see being known.

    "Add more, never less": a new optional field keeps old data valid, which is what
    the backward-transitive compatibility check in ``schemas.compat`` enforces.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)


class Origin(Part):
    network: str = Field(pattern=r"^[a-z][a-z0-9-]{1,31}$", description="the network's slug")
    country: Country | None = None
    authority: ShortText | None = None


class Classification(Part):
    level: Level
    original: Code = Field(description="the marking as the network sent it")
    tlp: Tlp | None = None


class Offence(Part):
    label: Label = Field(description="the offence as the network named it")
    iccs: IccsCode | None = None
    statute: Label | None = Field(default=None, description="the national law cited, if any")


class Document(Part):
    kind: Code
    number: Code
    issuer: Country | None = None


class Person(Part):
    full_name: ShortText = Field(description="the name exactly as sent")
    given_names: ShortText | None = None
    family_names: ShortText | None = None
    birth_date: PartialDate | None = None
    nationalities: list[Country] = Field(default_factory=list, max_length=10)
    role: Role | None = None
    aliases: list[ShortText] = Field(default_factory=list, max_length=20)
    documents: list[Document] = Field(default_factory=list, max_length=20)
    sex: Literal["M", "F", "U"] | None = None
    place_of_birth: ShortText | None = None


class Location(Part):
    name: ShortText
    country: Country | None = None
    lat: float | None = Field(default=None, ge=-90, le=90)
    lon: float | None = Field(default=None, ge=-180, le=180)
    region: ShortText | None = None

    @model_validator(mode="after")
    def _both_or_neither(self) -> Self:
        if (self.lat is None) != (self.lon is None):
            raise ValueError("lat and lon come together: give both or neither")
        return self


class Victims(Part):
    count: int | None = Field(default=None, ge=0, le=1_000_000)
    minors: int | None = Field(default=None, ge=0, le=1_000_000)


class Grading(Part):
    """Admiralty (NATO) grading: two independent axes, never merged into one string."""

    source: Literal["A", "B", "C", "D", "E", "F"] = Field(description="source reliability")
    information: int = Field(ge=1, le=6, description="information credibility")


class CriminalGroup(Part):
    ref: Code | None = Field(default=None, description="the group's id in the native message")
    name: ShortText
    aliases: list[ShortText] = Field(default_factory=list, max_length=50)
    kinds: list[Code] = Field(default_factory=list, max_length=20)


class Vessel(Part):
    ref: Code | None = None
    name: ShortText | None = None
    imo: str | None = Field(default=None, pattern=r"^\d{7}$")
    flag: Country | None = None


class Vehicle(Part):
    ref: Code | None = None
    description: ShortText | None = None
    plate: Code | None = None
    country: Country | None = None
    make: ShortText | None = None


class Link(Part):
    """A relationship between two things the message mentions, by their native refs."""

    source: Code
    relationship: Code
    target: Code


class LegalBasis(Part):
    treaty: Code | None = None
    text: Label | None = None


class Warrant(Part):
    issued: date | None = None
    court: ShortText | None = None


class RequestDetails(Part):
    """Mutual legal assistance and extradition requests."""

    requesting: Country | None
    requested: Country | None
    measures: list[Code] = Field(default_factory=list, max_length=50)
    urgency: Literal["ROUTINE", "PRIORITY", "URGENT"] | None = None
    reply_by: date | None = None
    legal_basis: LegalBasis | None = None
    authority: ShortText | None = Field(default=None, description="the central authority")
    warrant: Warrant | None = None


class StatusDetails(Part):
    request_reference: Code
    status: RequestState
    from_state: Country | None = None
    note: Label | None = None


class NoticeWarrant(Part):
    issuing_country: Country | None = None
    charge: Label | None = None
    charge_translation: Label | None = None
    iccs: IccsCode | None = None


class NoticeDetails(Part):
    kind: Literal["RED", "YELLOW", "UN"]
    status: Literal["ACTIVE", "WITHDRAWN"]
    warrants: list[NoticeWarrant] = Field(default_factory=list, max_length=100)


class Provenance(Part):
    """Where the canonical message came from, so it can be traced to the native bytes."""

    media_type: Code = Field(description="the native format, e.g. application/xml")
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$", description="digest of the native record")
    record: int | None = Field(default=None, ge=1, description="line or item in a batch")
