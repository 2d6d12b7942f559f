"""Canonical sample data for each event type, shared by the unit tests."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from contract.envelope import CanonicalEvent, case_id, event_id
from schemas import EVENT_MODELS, CanonicalData

SENT = datetime(2026, 11, 27, 22, 42, 10, tzinfo=UTC)


def base(reference: str = "REF-1", network: str = "oas-hien") -> dict[str, Any]:
    return {
        "reference": reference,
        "origin": {"network": network, "country": "GT", "authority": "Ministerio Público"},
        "classification": {"level": "CONFIDENTIAL", "original": "CONFIDENTIAL", "tlp": "AMBER"},
        "offences": [
            {"label": "Tránsito internacional de drogas", "iccs": "06012", "statute": "art. 36"},
            {"label": "Asociación ilícita", "iccs": "09051"},
        ],
        "persons": [
            {
                "full_name": "Marco Antonio López Hernández",
                "given_names": "Marco Antonio",
                "family_names": "López Hernández",
                "birth_date": "1979-03",
                "nationalities": ["GT"],
                "role": "ACCUSED",
                "documents": [{"kind": "PASSPORT", "number": "199384211", "issuer": "GT"}],
            }
        ],
        "locations": [{"name": "Puerto Barrios", "country": "GT", "lat": 15.7278, "lon": -88.5944}],
        "countries": ["GT", "MX"],
        "summary": "Una estructura trasladó cocaína desde Izabal hacia Chiapas.",
    }


EXTRA: dict[str, dict[str, Any]] = {
    "cca.case.referral.v1": {"victims": {"count": 7, "minors": 2}},
    "cca.mla.request.v1": {
        "request": {
            "requesting": "GT",
            "requested": "MX",
            "measures": ["BANK_RECORDS", "FREEZE_ASSETS"],
            "urgency": "URGENT",
            "reply_by": "2026-12-15",
            "legal_basis": {"treaty": "IACMACM", "text": "Convención Interamericana"},
        }
    },
    "cca.extradition.request.v1": {
        "request": {
            "requesting": "BR",
            "requested": "PY",
            "warrant": {"issued": "2026-10-02", "court": "1ª Vara Federal de Ponta Porã"},
        }
    },
    "cca.request.status.v1": {
        "request_reference": "HIEN-MLA-2026-000481",
        "status": {"request_reference": "HIEN-MLA-2026-000481", "status": "IN_EXECUTION"},
    },
    "cca.intel.report.v1": {
        "level": "TACTICAL",
        "grading": {"source": "B", "information": 2},
        "groups": [{"ref": "threat-actor--1", "name": "Clan del Golfo", "aliases": ["AGC"]}],
        "vessels": [{"name": "MSC ANYA", "imo": "9454436", "flag": "PA"}],
        "links": [{"source": "threat-actor--1", "relationship": "located-at", "target": "loc--1"}],
    },
    "cca.notice.v1": {
        "notice": {
            "kind": "RED",
            "status": "ACTIVE",
            "warrants": [{"issuing_country": "UY", "charge": "Tráfico", "iccs": "06012"}],
        }
    },
}


def data_dict(event_type: str, **overrides: Any) -> dict[str, Any]:
    return {**base(), **EXTRA[event_type], **overrides}


def data(event_type: str, **overrides: Any) -> CanonicalData:
    return EVENT_MODELS[event_type].model_validate(data_dict(event_type, **overrides))


#: the native digest of every sample event (its id is derived from it, as the router checks)
SAMPLE_SHA256 = "0" * 64


def event(event_type: str, network: str = "oas-hien", **overrides: Any) -> CanonicalEvent:
    """A sample event of ``event_type`` from ``network``, its id derived as an adapter
    derives one."""
    overrides.setdefault("provenance", {"media_type": "application/xml", "sha256": SAMPLE_SHA256})
    if network != "oas-hien":
        overrides.setdefault("origin", {**base()["origin"], "network": network})
    payload = data(event_type, **overrides)
    case = case_id(network, payload.reference)
    return CanonicalEvent(
        id=event_id(network, event_type, SAMPLE_SHA256, case),
        source=f"urn:cca:net:{network}",
        type=event_type,
        time=SENT,
        subject=payload.reference,
        caseid=case,
        classification=payload.classification.level,
        tlp=payload.classification.tlp,
        data=payload,
    )


ALL_TYPES = sorted(EVENT_MODELS)
__all__ = ["ALL_TYPES", "SENT", "data", "data_dict", "date", "event"]
