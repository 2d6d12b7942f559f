"""Shared canonical schemas of the hub: pydantic models and their generated JSON Schemas.

Every canonical message is one of six event types; each type has one data model here.
The JSON Schema files in ``schemas/json/`` are generated from these models
(``hub schemas generate``) for agencies that do not use Python.
"""

from schemas.models.events import (
    EVENT_MODELS,
    CanonicalData,
    CaseReferral,
    ExtraditionRequest,
    IntelReport,
    MlaRequest,
    Notice,
    RequestStatus,
    model_for_type,
)
from schemas.models.parts import (
    Classification,
    CriminalGroup,
    Document,
    Grading,
    LegalBasis,
    Link,
    Location,
    NoticeDetails,
    NoticeWarrant,
    Offence,
    Origin,
    Person,
    Provenance,
    RequestDetails,
    StatusDetails,
    Vehicle,
    Vessel,
    Victims,
    Warrant,
)
from schemas.models.values import LEVELS, REQUEST_STATES, TLP_VALUES, Level, RequestState, Tlp

__all__ = [
    "EVENT_MODELS",
    "LEVELS",
    "REQUEST_STATES",
    "TLP_VALUES",
    "CanonicalData",
    "CaseReferral",
    "Classification",
    "CriminalGroup",
    "Document",
    "ExtraditionRequest",
    "Grading",
    "IntelReport",
    "LegalBasis",
    "Level",
    "Link",
    "Location",
    "MlaRequest",
    "Notice",
    "NoticeDetails",
    "NoticeWarrant",
    "Offence",
    "Origin",
    "Person",
    "Provenance",
    "RequestDetails",
    "RequestState",
    "RequestStatus",
    "StatusDetails",
    "Tlp",
    "Vehicle",
    "Vessel",
    "Victims",
    "Warrant",
    "model_for_type",
]
