"""Hostile records at the router's intake, without a broker: one record never stops the
batch, and what the router verified is exactly what it forwards.

Each test here is a finding of the hostile-client review: every one failed on the router as
it was (an exception out of ``prepare`` that wedged the partition, or the raw value and
headers forwarded after verifying a re-parsed view)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from contract.envelope import to_kafka
from contract.envelope.binary import header_attributes
from contract.envelope.event import EnvelopeError
from contract.envelope.sealing import sign_event
from contract.keys.registry import KeyRegistry
from contract.signing import Signer, canonical_json
from contract.topology import CANONICAL, ROUTER_DLQ, desk_topic, receipts_topic
from hub.core.desks import load_desks
from hub.core.dlq import read_reason
from hub.core.records import Batch, Inbound, Outbound
from hub.core.router_core import RouterCore, Tally, key_partition, prepare
from hub.core.routing import Router
from hub.core.state.cases import CaseDesks
from hub.core.state.seen import SeenByPartition
from hub.core.verifier import verify_items
from tests.samples import event

PARTITIONS = 6


@pytest.fixture(scope="module")
def keys() -> tuple[Signer, KeyRegistry]:
    registry = KeyRegistry()
    signers = {}
    for network in ("oas-hien", "refco", "aiamp"):
        private = Ed25519PrivateKey.generate()
        record = registry.add(
            network,
            private.public_key(),
            not_before=datetime(2020, 1, 1, tzinfo=UTC),
            not_after=datetime.now(UTC) + timedelta(days=30),
        )
        signers[network] = Signer(record.key_id, private)
    return signers["oas-hien"], registry


def core(partitions: int | None = PARTITIONS) -> RouterCore:
    return RouterCore(
        Router(load_desks()),
        SeenByPartition(1000),
        CaseDesks(),
        replies_for=lambda n: n == "oas-hien",
        networks=frozenset({"oas-hien", "refco", "aiamp"}),
        partitions=lambda _topic: partitions,
    )


def signed(signer: Signer, **overrides: object) -> tuple[bytes, bytes, list[tuple[str, bytes]]]:
    return to_kafka(sign_event(event("cca.mla.request.v1", **overrides), signer))


def placed(
    key: bytes, value: bytes | None, headers: list[tuple[str, bytes]], offset: int = 0
) -> Inbound:
    """A record on the partition its key maps to, as the adapters' producers place it."""
    return Inbound(CANONICAL, key_partition(key, PARTITIONS), offset, key, value, headers)


def run(rc: RouterCore, registry: KeyRegistry, *records: Inbound) -> tuple[Batch, Tally]:
    items = [prepare(r) for r in records]
    answers = iter(verify_items(registry, [i.verify for i in items if i.verify], datetime.now(UTC)))
    verdicts = [next(answers) if i.verify else None for i in items]
    batch, tally = Batch(), Tally()
    pending = rc.decide(items, verdicts, batch, tally)
    rc.apply(pending)
    return batch, tally


def on(batch: Batch, topic: str) -> list[Outbound]:
    return [o for o in batch.outputs if o.topic == topic]


def reason(output: Outbound) -> str:
    return read_reason(output.headers)["exception.message"]


def desk_outputs(batch: Batch) -> list[Outbound]:
    return [o for o in batch.outputs if o.topic.startswith("cca.desk.")]


def refusal(batch: Batch) -> str:
    """The reason of the one record the batch refused (and routed nothing)."""
    assert not desk_outputs(batch)
    (dead,) = on(batch, ROUTER_DLQ)
    return reason(dead)


# ---- one record never stops the batch -----------------------------------------------------


@pytest.mark.parametrize(
    "value",
    [
        b'{"a": ' + b"9" * 5000 + b"}",  # an integer over Python's conversion limit
        b"[" * 100_000 + b"]" * 100_000,  # nesting past the recursion limit
        b'{"a": NaN}',
        b"\xff\xfe not utf-8",
        b'{"a": 1, "a": 2}',
    ],
    ids=["5000-digit-integer", "deep-nesting", "nan", "not-utf8", "duplicate-keys"],
)
def test_an_unreadable_value_is_dead_lettered_and_the_valid_record_behind_it_routed(
    keys: tuple[Signer, KeyRegistry], value: bytes
) -> None:
    signer, registry = keys
    key, good_value, headers = signed(signer)
    poison = placed(key, value, headers, offset=0)
    good = placed(key, good_value, headers, offset=1)
    batch, _tally = run(core(), registry, poison, good)
    dead = on(batch, ROUTER_DLQ)
    assert len(dead) == 1
    assert dead[0].value == value
    assert desk_outputs(batch), "the valid record behind the poison one was not routed"
    assert batch.offsets[(CANONICAL, poison.partition)] == 2


def test_attributes_that_make_verification_raise_are_refused_not_raised(
    keys: tuple[Signer, KeyRegistry],
) -> None:
    signer, registry = keys
    key, value, headers = signed(signer)
    without_source = [(k, v) for k, v in headers if k != "ce_source"]
    batch, _ = run(core(), registry, placed(key, value, without_source))
    assert len(on(batch, ROUTER_DLQ)) == 1
    assert not desk_outputs(batch)


# ---- what is verified is what is delivered -------------------------------------------------


def test_a_tlp_header_that_contradicts_the_signed_data_is_refused(
    keys: tuple[Signer, KeyRegistry],
) -> None:
    signer, registry = keys
    key, value, headers = signed(signer)
    assert json.loads(value)["classification"]["tlp"] == "AMBER"
    forged = [(k, b"CLEAR" if k == "ce_tlp" else v) for k, v in headers]
    batch, _ = run(core(), registry, placed(key, value, forged))
    assert "tlp differs" in refusal(batch)


@pytest.mark.parametrize(
    "extra",
    [("ce_source", b"urn:cca:net:aiamp"), ("Ce_Source", b"urn:cca:net:aiamp")],
    ids=["second-source", "case-variant-source"],
)
def test_a_second_or_case_variant_attribute_header_is_refused(
    keys: tuple[Signer, KeyRegistry], extra: tuple[str, bytes]
) -> None:
    signer, registry = keys
    key, value, headers = signed(signer)
    batch, _ = run(core(), registry, placed(key, value, [*headers, extra]))
    assert not desk_outputs(batch)
    assert len(on(batch, ROUTER_DLQ)) == 1


def test_header_attributes_refuses_a_repeated_content_type() -> None:
    with pytest.raises(EnvelopeError, match="appears twice"):
        header_attributes([("content-type", b"application/json")] * 2)


def test_a_forged_key_in_front_of_the_real_one_is_refused(
    keys: tuple[Signer, KeyRegistry],
) -> None:
    signer, registry = keys
    key, value, headers = signed(signer)
    forged = b'{"summary": "nothing to see",' + value[1:]
    batch, _ = run(core(), registry, placed(key, forged, headers))
    assert "appears twice" in refusal(batch)


def test_a_re_encoded_value_is_forwarded_as_the_canonical_bytes_it_was_verified_as(
    keys: tuple[Signer, KeyRegistry],
) -> None:
    signer, registry = keys
    key, value, headers = signed(signer)
    re_encoded = json.dumps(json.loads(value), indent=2, ensure_ascii=True).encode()
    assert re_encoded != value
    noise = [("x-note", b"anything"), ("hub.received.ms", b"1700000000000")]
    batch, _ = run(core(), registry, placed(key, re_encoded, [*headers, *noise]))
    delivered = desk_outputs(batch) + on(batch, receipts_topic("oas-hien"))
    assert delivered
    for output in delivered:
        assert output.value == value == canonical_json(json.loads(re_encoded))
        names = [name for name, _ in output.headers]
        assert "x-note" not in names
        assert names[: len(headers)] == [name for name, _ in headers]
        assert dict(output.headers)["hub.received.ms"] == b"1700000000000"


def test_unknown_ce_headers_are_not_forwarded(keys: tuple[Signer, KeyRegistry]) -> None:
    signer, registry = keys
    key, value, headers = signed(signer)
    batch, _ = run(core(), registry, placed(key, value, [*headers, ("ce_level", b"PUBLIC")]))
    for output in desk_outputs(batch):
        assert "ce_level" not in dict(output.headers)


# ---- de-duplication whatever the arrival partition ---------------------------------------


def test_the_same_event_on_another_partition_is_refused_not_routed_twice(
    keys: tuple[Signer, KeyRegistry],
) -> None:
    signer, registry = keys
    key, value, headers = signed(signer)
    home = placed(key, value, headers)
    elsewhere = Inbound(CANONICAL, (home.partition + 1) % PARTITIONS, 0, key, value, headers)
    rc = core()
    first, _ = run(rc, registry, home)
    again, _ = run(rc, registry, elsewhere)
    assert desk_outputs(first)
    assert "is not the one case" in refusal(again)


def test_a_record_whose_key_is_not_its_case_id_is_refused(
    keys: tuple[Signer, KeyRegistry],
) -> None:
    signer, registry = keys
    _key, value, headers = signed(signer)
    other = b"CCA-AAAA-AAAA-AAAA-AAAA"
    record = Inbound(CANONICAL, key_partition(other, PARTITIONS), 0, other, value, headers)
    batch, _ = run(core(), registry, record)
    assert "key is not" in refusal(batch)


@pytest.mark.parametrize(
    "change",
    [
        {"caseid": "CCA-AAAA-AAAA-AAAA-AAAA"},  # the same id re-signed on another case
        {"id": "00000000-0000-5000-8000-000000000000"},  # an id chosen by the writer
    ],
    ids=["another-case", "chosen-id"],
)
def test_an_event_whose_id_is_not_derived_from_its_signed_data_is_refused(
    keys: tuple[Signer, KeyRegistry], change: dict[str, str]
) -> None:
    """One id names one case: else a network's key could put one id on two partitions,
    each of which remembers only its own routed ids, and the event would be routed twice."""
    signer, registry = keys
    original = event("cca.mla.request.v1")
    key, value, headers = to_kafka(sign_event(original.model_copy(update=change), signer))
    batch, _ = run(core(), registry, placed(key, value, headers))
    assert "is not the one its network, type, case and native digest give" in refusal(batch)


def test_an_event_without_a_provenance_digest_is_refused(
    keys: tuple[Signer, KeyRegistry],
) -> None:
    signer, registry = keys
    key, value, headers = signed(signer, provenance=None)
    batch, _ = run(core(), registry, placed(key, value, headers))
    assert "no provenance digest" in refusal(batch)


def test_the_partition_rule_is_the_producers_default_partitioner() -> None:
    from aiokafka.partitioner import DefaultPartitioner

    for n in range(200):
        key = f"CCA-{n:04d}".encode()
        assert key_partition(key, PARTITIONS) == DefaultPartitioner()(
            key, list(range(PARTITIONS)), []
        )


def test_desk_routing_is_unchanged_for_a_well_placed_event(
    keys: tuple[Signer, KeyRegistry],
) -> None:
    signer, registry = keys
    key, value, headers = signed(signer)
    batch, tally = run(core(), registry, placed(key, value, headers))
    desks = {o.topic for o in desk_outputs(batch)}
    assert desks
    assert desks <= {desk_topic(d) for d in (*load_desks().names, "triage")}
    assert not on(batch, ROUTER_DLQ)
    assert sum(tally.routed.values()) == len(desks)


def test_trace_headers_are_forwarded_only_in_their_well_formed_shape(
    keys: tuple[Signer, KeyRegistry],
) -> None:
    signer, registry = keys
    key, value, headers = signed(signer)
    good = [("hub.native.topic", b"net.oas-hien.in"), ("hub.native.offset", b"41")]
    bad = [
        ("hub.native.partition", b"-1; drop"),
        ("hub.received.ms", b"1"),
        ("hub.received.ms", b"2"),
    ]
    batch, _ = run(core(), registry, placed(key, value, [*headers, *good, *bad]))
    for output in desk_outputs(batch):
        trace = [(k, v) for k, v in output.headers if k.startswith("hub.")]
        assert trace == good
    forged = [("hub.native.topic", b"net.aiamp.in")]
    batch, _ = run(core(), registry, placed(key, value, [*headers, *forged], offset=1))
    assert batch.outputs
    for output in desk_outputs(batch):
        assert "hub.native.topic" not in dict(output.headers)
