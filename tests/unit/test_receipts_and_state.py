"""Receipts and router state are trusted only when the router wrote them.

Findings of the hostile-client review, each failing on the code as it was: an unsigned
record on a receipts topic made the adapter send a forged acknowledgement to REFCO; a
predicted event id written to the seen-state topic made a genuine message vanish; a case
entry written to the case-state topic misrouted a status update; an unreadable record on
any of them stopped the lane."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Sequence
from datetime import UTC, datetime, timedelta

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from adapters.sdk import get_adapter
from contract.envelope import to_kafka
from contract.envelope.sealing import sign_event
from contract.keys.registry import KeyRegistry
from contract.seal import ROUTER_PRINCIPAL, sealed_headers
from contract.signing import Signer
from contract.topology import (
    CASE_STATE,
    ROUTER_DLQ,
    SEEN_STATE,
    WITHHELD,
    native_out,
    receipts_topic,
)
from hub.core.adapter_core import receipt_or_refusal
from hub.core.dissemination import Held
from hub.core.dlq import read_reason
from hub.core.records import Inbound
from hub.core.state.cases import CaseDesks, encode_desks
from hub.core.state.integrity import StateMac
from hub.core.state.seen import SeenByPartition
from hub.core.state.withheld import Withheld
from hub.core.state.withheld import encode as encode_withheld
from hub.services.state_loader import RouterMemory, load_state
from tests.samples import event

NOW = datetime.now(UTC)


def _key(registry: KeyRegistry, name: str) -> Signer:
    private = Ed25519PrivateKey.generate()
    record = registry.add(
        name,
        private.public_key(),
        not_before=datetime(2020, 1, 1, tzinfo=UTC),
        not_after=NOW + timedelta(days=30),
    )
    return Signer(record.key_id, private)


@pytest.fixture
def keys() -> tuple[KeyRegistry, Signer, Signer]:
    registry = KeyRegistry()
    return registry, _key(registry, "oas-hien"), _key(registry, ROUTER_PRINCIPAL)


def _receipt(signer: Signer) -> tuple[bytes, bytes, list[tuple[str, bytes]]]:
    key, value, headers = to_kafka(sign_event(event("cca.mla.request.v1"), signer))
    return key, value, [*headers, ("hub.desks", b"drug-trafficking")]


def test_a_receipt_sealed_by_the_router_is_answered(
    keys: tuple[KeyRegistry, Signer, Signer],
) -> None:
    registry, network, router = keys
    topic = receipts_topic("oas-hien")
    key, value, headers = _receipt(network)
    record = Inbound(topic, 0, 5, key, value, sealed_headers(router, topic, key, value, headers))
    reply, dead = receipt_or_refusal(get_adapter("oas-hien"), record, NOW, registry)
    assert dead is None
    assert reply is not None
    assert reply.topic == native_out("oas-hien")


@pytest.mark.parametrize("case", ["unsealed", "sealed-for-another-topic", "garbage", "network-key"])
def test_a_receipt_the_router_did_not_write_is_dead_lettered_and_never_answered(
    keys: tuple[KeyRegistry, Signer, Signer], case: str
) -> None:
    registry, network, router = keys
    topic = receipts_topic("oas-hien")
    key, value, headers = _receipt(network)
    if case == "unsealed":
        record = Inbound(topic, 0, 5, key, value, headers)
    elif case == "sealed-for-another-topic":
        other = receipts_topic("refco")
        record = Inbound(
            topic, 0, 5, key, value, sealed_headers(router, other, key, value, headers)
        )
    elif case == "garbage":
        record = Inbound(topic, 0, 5, b"k", b'{"a": ' + b"9" * 5000 + b"}", [("ce_id", b"\xff")])
    else:
        record = Inbound(
            topic, 0, 5, key, value, sealed_headers(network, topic, key, value, headers)
        )
    reply, dead = receipt_or_refusal(get_adapter("oas-hien"), record, NOW, registry)
    assert reply is None
    assert dead is not None
    assert dead.topic == ROUTER_DLQ
    assert dead.value == record.value
    reason = read_reason(dead.headers)
    assert reason["stage"] == "receipt"
    assert reason["offset"] == "5"
    assert reason["exception.message"]


class FakeStateLog:
    def __init__(self, records: Sequence[Inbound]) -> None:
        self.records = list(records)

    async def replay(self, partitions: Sequence[tuple[str, int]]) -> AsyncIterator[list[Inbound]]:
        wanted = set(partitions)
        yield [r for r in self.records if (r.topic, r.partition) in wanted]


def _state(mac: StateMac | None, topic: str, key: bytes, value: bytes, offset: int) -> Inbound:
    headers = [mac.header(topic, key, value)] if mac is not None else []
    return Inbound(topic, 2, offset, key, value, headers)


async def test_state_without_the_routers_mac_is_refused_and_the_rest_still_loads(
    keys: tuple[KeyRegistry, Signer, Signer],
) -> None:
    _, _, router = keys
    mac = StateMac([router])
    forger = StateMac([Signer("cca-router-20260101-00000000", Ed25519PrivateKey.generate())])
    log = FakeStateLog(
        [
            _state(mac, SEEN_STATE, b"genuine-id", b"1", 0),
            _state(None, SEEN_STATE, b"predicted-id", b"1", 1),
            _state(forger, SEEN_STATE, b"forged-id", b"1", 2),
            _state(mac, CASE_STATE, b"CCA-CASE", encode_desks(("drug-trafficking",)), 0),
            _state(None, CASE_STATE, b"CCA-CASE", encode_desks(("cybercrime",)), 1),
            _state(mac, CASE_STATE, b"CCA-BAD", b"not json at all", 2),
        ]
    )
    seen, cases = SeenByPartition(100), CaseDesks()
    loaded = await load_state(log, [2], RouterMemory(seen, cases), mac=mac)
    assert loaded.read == 6
    assert sum(loaded.refused.values()) == 4
    assert "genuine-id" in seen.partition(2)
    assert "predicted-id" not in seen.partition(2)
    assert "forged-id" not in seen.partition(2)
    assert cases.get(2, "CCA-CASE") == ("drug-trafficking",)
    assert cases.get(2, "CCA-BAD") is None
    assert json.dumps(loaded.refused)  # reasons are plain text, for the log and the note


def _withheld(event_id: str, desk: str) -> bytes:
    return encode_withheld(
        Withheld(
            event_id=event_id,
            case_id="CCA-CASE",
            network="refco",
            type="cca.case.referral.v1",
            level="SECRET",
            tlp=None,
            held=(Held(desk, "level", "cleared for CONFIDENTIAL"),),
            released=(),
            headers=(("ce_id", event_id.encode()),),
            value=b"{}",
            withheld_at="2026-12-07T00:00:00Z",
            router="0",
        )
    )


async def test_withheld_entries_load_only_with_the_routers_mac_and_under_their_own_key(
    keys: tuple[KeyRegistry, Signer, Signer],
) -> None:
    _, _, router = keys
    mac = StateMac([router])
    log = FakeStateLog(
        [
            _state(mac, WITHHELD, b"held-1", _withheld("held-1", "corruption"), 0),
            _state(None, WITHHELD, b"forged", _withheld("forged", "corruption"), 1),
            _state(mac, WITHHELD, b"other-key", _withheld("held-2", "corruption"), 2),
            _state(mac, WITHHELD, b"junk", b"[1, 2]", 3),
        ]
    )
    memory = RouterMemory(SeenByPartition(100), CaseDesks())
    loaded = await load_state(log, [2], memory, mac=mac)
    assert loaded.read == 4
    assert sum(loaded.refused.values()) == 3
    assert [e.event_id for e in memory.withheld.entries(2)] == ["held-1"]
