"""The router's decisions, without a broker: verify, validate, de-duplicate, route, refuse."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from contract.envelope import to_kafka
from contract.envelope.sealing import sign_event
from contract.keys.registry import KeyRegistry
from contract.signing import Signer
from contract.topology import (
    CASE_STATE,
    CUSTODY_HEADS,
    PROGRESS_STATE,
    PROVENANCE,
    ROUTER_DLQ,
    SEEN_STATE,
    receipts_topic,
)
from hub.core.desks import load_desks
from hub.core.dlq import read_reason
from hub.core.records import Batch, Inbound, Outbound
from hub.core.router_core import Pending, RouterCore, Tally, prepare
from hub.core.routing import Router
from hub.core.state.cases import CaseDesks
from hub.core.state.seen import SeenByPartition
from hub.core.verifier import verify_items
from tests.samples import event


@pytest.fixture(scope="module")
def keys() -> tuple[Signer, KeyRegistry]:
    private = Ed25519PrivateKey.generate()
    registry = KeyRegistry()
    record = registry.add(
        "oas-hien",
        private.public_key(),
        not_before=datetime(2020, 1, 1, tzinfo=UTC),
        not_after=datetime.now(UTC) + timedelta(days=30),
    )
    return Signer(record.key_id, private), registry


def core() -> RouterCore:
    return RouterCore(
        Router(load_desks()),
        SeenByPartition(1000),
        CaseDesks(),
        replies_for=lambda n: n == "oas-hien",
        networks=frozenset({"oas-hien"}),
    )


def inbound(
    signer: Signer,
    event_type: str = "cca.mla.request.v1",
    offset: int = 0,
    tamper: bool = False,
    **overrides: object,
) -> Inbound:
    key, value, headers = to_kafka(sign_event(event(event_type, **overrides), signer))
    if tamper:
        value = value.replace(b"REF-1", b"REF-2")
    return Inbound("cca.canonical.v1", 2, offset, key, value, headers)


def run(rc: RouterCore, registry: KeyRegistry, *records: Inbound) -> tuple[Batch, Tally, Pending]:
    items = [prepare(r) for r in records]
    answers = iter(verify_items(registry, [i.verify for i in items if i.verify], datetime.now(UTC)))
    verdicts = [next(answers) if i.verify else None for i in items]
    batch, tally = Batch(), Tally()
    pending = rc.decide(items, verdicts, batch, tally)
    return batch, tally, pending


def topics(outputs: list[Outbound]) -> list[str]:
    return [o.topic for o in outputs]


def test_a_signed_event_goes_to_its_desks_with_receipt_provenance_and_state(keys) -> None:  # type: ignore[no-untyped-def]
    signer, registry = keys
    record = inbound(signer)
    batch, tally, _ = run(core(), registry, record)
    assert topics(batch.outputs) == [
        CASE_STATE,
        "cca.desk.drug-trafficking.v1",
        receipts_topic("oas-hien"),
        SEEN_STATE,
        PROVENANCE,
        CUSTODY_HEADS,
        PROGRESS_STATE,
    ]
    desk = batch.outputs[1]
    assert desk.value == record.value
    assert desk.key == record.key
    assert batch.offsets == {("cca.canonical.v1", 2): 1}
    progress = json.loads(batch.outputs[-1].value or b"")
    assert progress == {"next": 1, "partition": 2, "router": "0", "topic": "cca.canonical.v1"}
    assert batch.outputs[-1].partition == 2
    provenance = json.loads(batch.outputs[-3].value or b"")
    assert provenance["signature_verified"] is True
    assert provenance["desks"] == ["drug-trafficking"]
    assert tally.routed == {("oas-hien", "drug-trafficking"): 1}
    assert all(o.partition == 2 for o in batch.outputs if o.topic in (SEEN_STATE, CASE_STATE))


def test_a_tampered_event_is_refused_to_the_dlq_and_reaches_no_desk(keys) -> None:  # type: ignore[no-untyped-def]
    signer, registry = keys
    batch, tally, _ = run(core(), registry, inbound(signer, tamper=True))
    assert topics(batch.outputs) == [ROUTER_DLQ, PROGRESS_STATE]
    reason = read_reason(batch.outputs[0].headers)
    assert reason["exception.class.name"] == "bad_signature"
    assert reason["stage"] == "verify"
    assert reason["topic"] == "cca.canonical.v1"
    assert reason["offset"] == "0"
    assert tally.refused == {("oas-hien", "bad_signature"): 1}


def test_an_event_signed_by_an_unknown_key_is_refused(keys) -> None:  # type: ignore[no-untyped-def]
    _, registry = keys
    stranger = Signer("oas-hien-20260101-deadbeef", Ed25519PrivateKey.generate())
    batch, _, _ = run(core(), registry, inbound(stranger))
    assert read_reason(batch.outputs[0].headers)["exception.class.name"] == "unknown_key"


def test_an_unsigned_or_unreadable_record_is_refused_as_invalid(keys) -> None:  # type: ignore[no-untyped-def]
    _, registry = keys
    garbage = Inbound("cca.canonical.v1", 0, 5, b"k", b"not json", [("ce_id", b"x")])
    batch, tally, _ = run(core(), registry, garbage)
    assert topics(batch.outputs) == [ROUTER_DLQ, PROGRESS_STATE]
    assert batch.outputs[0].value == b"not json"
    assert tally.refused == {("unknown", "invalid"): 1}


def test_a_duplicate_is_dropped_within_a_batch_and_after_it_is_committed(keys) -> None:  # type: ignore[no-untyped-def]
    signer, registry = keys
    rc = core()
    batch, tally, pending = run(rc, registry, inbound(signer, offset=0), inbound(signer, offset=1))
    assert topics(batch.outputs).count("cca.desk.drug-trafficking.v1") == 1
    assert tally.duplicates == {"oas-hien": 1}
    rc.apply(pending)
    again, tally2, _ = run(rc, registry, inbound(signer, offset=2))
    assert topics(again.outputs) == [PROGRESS_STATE]  # a duplicate moves the progress on
    assert tally2.duplicates == {"oas-hien": 1}
    assert again.offsets == {("cca.canonical.v1", 2): 3}


def test_a_batch_that_is_not_committed_leaves_no_memory(keys) -> None:  # type: ignore[no-untyped-def]
    signer, registry = keys
    rc = core()
    run(rc, registry, inbound(signer))  # never applied: its transaction failed
    batch, _, _ = run(rc, registry, inbound(signer))
    assert "cca.desk.drug-trafficking.v1" in topics(batch.outputs)


def test_a_status_update_reaches_the_desks_of_its_request(keys) -> None:  # type: ignore[no-untyped-def]
    signer, registry = keys
    rc = core()
    request = inbound(
        signer, "cca.mla.request.v1", offences=[{"label": "Lavado de dinero", "iccs": "07041"}]
    )
    _, _, pending = run(rc, registry, request)
    rc.apply(pending)
    status = inbound(signer, "cca.request.status.v1", offset=1, offences=[])
    assert status.key == request.key  # same case: the sample shares the reference
    batch, _, _ = run(rc, registry, status)
    assert "cca.desk.money-laundering.v1" in topics(batch.outputs)
    assert "cca.desk.triage.v1" not in topics(batch.outputs)
