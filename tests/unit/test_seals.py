"""The router's seals: receipts carry the router's signature and state records its MAC, so a
record written by anyone else on those topics is refused by whoever reads it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from contract.envelope import to_kafka
from contract.envelope.sealing import sign_event
from contract.keys.registry import KeyRegistry
from contract.seal import ROUTER_PRINCIPAL, SEAL_HEADER, check_seal, sealed_headers
from contract.signing import Signer, VerificationError
from contract.topology import CANONICAL, receipts_topic
from hub.core.desks import load_desks
from hub.core.records import Batch, Inbound
from hub.core.router_core import STATE_TOPICS, RouterCore, Tally, key_partition, prepare
from hub.core.routing import Router
from hub.core.state.cases import CaseDesks
from hub.core.state.integrity import MAC_HEADER, StateMac
from hub.core.state.seen import SeenByPartition
from hub.core.verifier import verify_items
from tests.samples import event

NOW = datetime.now(UTC)


def _key(registry: KeyRegistry, principal: str, *, days: int = 30) -> Signer:
    private = Ed25519PrivateKey.generate()
    record = registry.add(
        principal,
        private.public_key(),
        not_before=datetime(2020, 1, 1, tzinfo=UTC),
        not_after=NOW + timedelta(days=days),
    )
    return Signer(record.key_id, private)


@pytest.fixture
def registry() -> KeyRegistry:
    return KeyRegistry()


def test_a_sealed_record_verifies_and_gives_back_its_headers(registry: KeyRegistry) -> None:
    router = _key(registry, ROUTER_PRINCIPAL)
    headers = [("ce_id", b"1"), ("hub.desks", b"triage")]
    sealed = sealed_headers(router, "t", b"k", b"v", headers)
    assert sealed[-1][0] == SEAL_HEADER
    assert check_seal(registry, "t", b"k", b"v", sealed) == headers


@pytest.mark.parametrize(
    ("topic", "key", "value", "change"),
    [
        ("other", b"k", b"v", None),
        ("t", b"k2", b"v", None),
        ("t", b"k", b"v2", None),
        ("t", b"k", b"v", ("hub.desks", b"drug-trafficking")),
    ],
    ids=["topic", "key", "value", "header"],
)
def test_any_change_to_a_sealed_record_breaks_its_seal(
    registry: KeyRegistry,
    topic: str,
    key: bytes,
    value: bytes,
    change: tuple[str, bytes] | None,
) -> None:
    router = _key(registry, ROUTER_PRINCIPAL)
    sealed = sealed_headers(router, "t", b"k", b"v", [("hub.desks", b"triage")])
    if change is not None:
        sealed = [change if name == change[0] else (name, raw) for name, raw in sealed]
    with pytest.raises(VerificationError) as caught:
        check_seal(registry, topic, key, value, sealed)
    assert caught.value.reason == "bad_signature"


def test_an_unsealed_record_or_one_sealed_by_a_network_key_is_refused(
    registry: KeyRegistry,
) -> None:
    network = _key(registry, "refco")
    with pytest.raises(VerificationError, match="no router seal"):
        check_seal(registry, "t", b"k", b"v", [("ce_id", b"1")])
    forged = sealed_headers(network, "t", b"k", b"v", [])
    with pytest.raises(VerificationError) as caught:
        check_seal(registry, "t", b"k", b"v", forged)
    assert caught.value.reason == "wrong_network"


def test_a_seal_by_an_expired_router_key_is_refused(registry: KeyRegistry) -> None:
    router = _key(registry, ROUTER_PRINCIPAL, days=1)
    sealed = sealed_headers(router, "t", b"k", b"v", [])
    with pytest.raises(VerificationError) as caught:
        check_seal(registry, "t", b"k", b"v", sealed, now=NOW + timedelta(days=2))
    assert caught.value.reason == "expired_key"


def test_the_state_mac_holds_for_the_router_and_no_one_else(registry: KeyRegistry) -> None:
    router = _key(registry, ROUTER_PRINCIPAL)
    mac = StateMac([router])
    header = mac.header("cca.router.seen.v1", b"id", b"1")
    assert mac.check("cca.router.seen.v1", b"id", b"1", [header]) == ""
    assert mac.check("cca.router.seen.v1", b"id", b"2", [header]) == "MAC does not match"
    assert mac.check("cca.router.cases.v1", b"id", b"1", [header]) == "MAC does not match"
    assert mac.check("cca.router.seen.v1", b"id", b"1", []) == "no router MAC"
    assert "more than one" in mac.check("cca.router.seen.v1", b"id", b"1", [header, header])
    stranger = StateMac([_key(registry, ROUTER_PRINCIPAL)])
    assert "does not hold" in stranger.check("cca.router.seen.v1", b"id", b"1", [header])


def test_a_rotated_router_key_still_checks_what_the_old_one_wrote(registry: KeyRegistry) -> None:
    old, new = _key(registry, ROUTER_PRINCIPAL), _key(registry, ROUTER_PRINCIPAL)
    header = StateMac([old]).header("s", b"k", b"v")
    assert StateMac([new, old]).check("s", b"k", b"v", [header]) == ""
    assert StateMac([new, old]).header("s", b"k", b"v")[1].startswith(new.key_id.encode())


def test_the_router_macs_its_state_and_seals_its_receipts(registry: KeyRegistry) -> None:
    network = _key(registry, "oas-hien")
    router = _key(registry, ROUTER_PRINCIPAL)
    mac = StateMac([router])
    core = RouterCore(
        Router(load_desks()),
        SeenByPartition(100),
        CaseDesks(),
        replies_for=lambda n: n == "oas-hien",
        networks=frozenset({"oas-hien"}),
        partitions=lambda _t: 3,
        state_mac=mac,
        receipt_signer=router,
    )
    key, value, headers = to_kafka(sign_event(event("cca.mla.request.v1"), network))
    record = Inbound(CANONICAL, key_partition(key, 3), 0, key, value, headers)
    items = [prepare(record)]
    verdicts = verify_items(registry, [i.verify for i in items if i.verify], NOW)
    batch = Batch()
    core.decide(items, verdicts, batch, Tally())
    state = [o for o in batch.outputs if o.topic in STATE_TOPICS]
    # seen, case, progress, and the custody entry (provenance) with its signed tree head
    assert len(state) == 5
    for out in state:
        assert mac.check(out.topic, out.key, out.value, out.headers) == ""
    receipts = [o for o in batch.outputs if o.topic == receipts_topic("oas-hien")]
    assert len(receipts) == 1
    receipt = receipts[0]
    kept = check_seal(registry, receipt.topic, receipt.key, receipt.value, receipt.headers)
    assert [name for name, _ in kept][-1] == "hub.desks"
    desk_outputs = [o for o in batch.outputs if o.topic.startswith("cca.desk.")]
    assert desk_outputs
    for out in desk_outputs:
        assert all(name not in (MAC_HEADER, SEAL_HEADER) for name, _ in out.headers)
