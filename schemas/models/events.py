"""The six canonical event types and the data model each carries."""

from __future__ import annotations

from typing import ClassVar, Literal

from pydantic import Field

from schemas.models.parts import (
    Classification,
    CriminalGroup,
    Grading,
    Link,
    Location,
    NoticeDetails,
    Offence,
    Origin,
    Part,
    Person,
    Provenance,
    RequestDetails,
    StatusDetails,
    Vehicle,
    Vessel,
    Victims,
)
from schemas.models.values import Code, Country, LongText, ShortText

TYPE_REFERRAL = "cca.case.referral.v1"
TYPE_MLA = "cca.mla.request.v1"
TYPE_EXTRADITION = "cca.extradition.request.v1"
TYPE_STATUS = "cca.request.status.v1"
TYPE_INTEL = "cca.intel.report.v1"
TYPE_NOTICE = "cca.notice.v1"


class CanonicalData(Part):
    """The minimum every canonical type carries (DESIGN.md, "Canonical data")."""

    event_type: ClassVar[str]

    reference: Code = Field(description="the network's own id for the message")
    origin: Origin
    classification: Classification
    offences: list[Offence] = Field(default_factory=list, max_length=100)
    persons: list[Person] = Field(default_factory=list, max_length=1000)
    locations: list[Location] = Field(default_factory=list, max_length=1000)
    countries: list[Country] = Field(
        default_factory=list, max_length=250, description="every state the message involves"
    )
    summary: LongText = ""
    title: ShortText | None = None
    provenance: Provenance | None = None
    cyber: bool = Field(default=False, description="flagged cyber-related by the sender")


class CaseReferral(CanonicalData):
    event_type: ClassVar[str] = TYPE_REFERRAL
    kind: Literal["REFERRAL", "SPONTANEOUS_INFORMATION", "JOINT_INVESTIGATION_TEAM"] = "REFERRAL"
    victims: Victims | None = None
    authority: ShortText | None = None


class MlaRequest(CanonicalData):
    event_type: ClassVar[str] = TYPE_MLA
    request: RequestDetails


class ExtraditionRequest(CanonicalData):
    event_type: ClassVar[str] = TYPE_EXTRADITION
    request: RequestDetails


class RequestStatus(CanonicalData):
    event_type: ClassVar[str] = TYPE_STATUS
    request_reference: Code
    status: StatusDetails


class IntelReport(CanonicalData):
    event_type: ClassVar[str] = TYPE_INTEL
    level: Literal["STRATEGIC", "TACTICAL", "OPERATIONAL"] | None = None
    grading: Grading | None = None
    priority: Code | None = None
    request_for_information: bool = False
    groups: list[CriminalGroup] = Field(default_factory=list, max_length=200)
    vessels: list[Vessel] = Field(default_factory=list, max_length=200)
    vehicles: list[Vehicle] = Field(default_factory=list, max_length=200)
    links: list[Link] = Field(default_factory=list, max_length=2000)


class Notice(CanonicalData):
    event_type: ClassVar[str] = TYPE_NOTICE
    notice: NoticeDetails


EVENT_MODELS: dict[str, type[CanonicalData]] = {
    model.event_type: model
    for model in (CaseReferral, MlaRequest, ExtraditionRequest, RequestStatus, IntelReport, Notice)
}


def model_for_type(event_type: str) -> type[CanonicalData]:
    """The data model of a canonical event type; KeyError names the unknown type."""
    try:
        return EVENT_MODELS[event_type]
    except KeyError:
        raise KeyError(f"unknown canonical event type '{event_type}'") from None
