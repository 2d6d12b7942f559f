"""The hub's reply on net.oas-hien.out: one StatusUpdate RECEIVED per accepted request, and
nothing for a status update or for a document that went to the dead-letter topic."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

from adapters.oas_hien import OasHienAdapter
from adapters.sdk.contract import Receipt, Rejected, Translated
from adapters.sdk.pipeline import translate

ADAPTER = OasHienAdapter()
GOLDEN = Path(__file__).parent / "golden"
NS = "{urn:oas:hien:1.0}"


def receipt(case: str, received: datetime) -> Receipt:
    results = translate(ADAPTER, (GOLDEN / case / "native.xml").read_bytes(), received=received)
    return Receipt(
        received=received,
        accepted=tuple(r.event for r in results if isinstance(r, Translated)),
        rejected=tuple(r for r in results if isinstance(r, Rejected)),
    )


def test_an_accepted_request_is_acknowledged_received_with_its_cca_case_id() -> None:
    received = datetime(2026, 11, 27, 18, 0, 5, tzinfo=timezone(timedelta(hours=-5)))
    answered = receipt("mla_request_in_prefixed_namespace", received)
    reply = ADAPTER.render(answered)
    assert reply is not None
    assert reply.startswith(b'<?xml version="1.0" encoding="UTF-8"?>\n')
    root = ET.fromstring(reply)
    assert root.tag == f"{NS}StatusUpdate"
    assert [child.tag.removeprefix(NS) for child in root] == [
        "RequestId",
        "Sent",
        "FromState",
        "Status",
        "Note",
    ]
    assert root.findtext(f"{NS}RequestId") == "HIEN-MLA-2026-000481"
    assert root.findtext(f"{NS}Sent") == "2026-11-27T23:00:05Z"  # the receipt time, in UTC
    assert root.findtext(f"{NS}FromState") == "CCA"
    assert root.findtext(f"{NS}Status") == "RECEIVED"
    (event,) = answered.accepted
    assert root.findtext(f"{NS}Note") == f"CCA case id: {event.caseid}"


def test_an_extradition_request_is_acknowledged_too() -> None:
    reply = ADAPTER.render(receipt("extradition_request_in_default_namespace", datetime.now(UTC)))
    assert reply is not None
    assert ET.fromstring(reply).findtext(f"{NS}RequestId") == "HIEN-EXT-2026-000077"


def test_a_status_update_gets_no_reply() -> None:
    answered = receipt("status_update_lands_on_the_request_case", datetime.now(UTC))
    assert len(answered.accepted) == 1
    assert ADAPTER.render(answered) is None


def test_a_rejected_document_gets_no_reply() -> None:
    answered = receipt("doctype_with_internal_entity_rejected", datetime.now(UTC))
    assert answered.accepted == ()
    assert len(answered.rejected) == 1
    assert ADAPTER.render(answered) is None


def test_a_reply_echoed_back_in_is_refused_not_answered() -> None:
    reply = ADAPTER.render(receipt("mla_request_in_prefixed_namespace", datetime.now(UTC)))
    assert reply is not None
    (result,) = translate(ADAPTER, reply)
    assert isinstance(result, Rejected)
    assert "is the hub itself" in result.reason
    assert result.reference == "HIEN-MLA-2026-000481"
