"""An adapter service's work for one native record, without a broker: signed canonical
records keyed by case id, dead letters with their reasons, and the receipts."""

from __future__ import annotations

import json
import random
from datetime import UTC, datetime, timedelta

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from adapters.sdk import Rejected, Translated, get_adapter, translate
from contract.envelope import from_kafka, to_kafka
from contract.envelope.binary import header_attributes
from contract.envelope.sealing import verify_wire
from contract.keys.registry import KeyRegistry
from contract.signing import Signer, canonical_json
from contract.topology import (
    CANONICAL,
    RECEIVED_MS_HEADER,
    native_dlq,
    native_in,
    native_out,
)
from hub.core.adapter_core import AdapterCore, AdapterTally, reason_class, receipt_output
from hub.core.dlq import read_reason
from hub.core.records import Batch, Inbound, header
from hub.demo.traffic import GENERATORS

ARRIVED_MS = 1_795_000_000_000
NOW = 1_795_000_100.0


@pytest.fixture(scope="module")
def keys() -> tuple[Signer, KeyRegistry]:
    private = Ed25519PrivateKey.generate()
    registry = KeyRegistry()
    record = registry.add(
        "refco",
        private.public_key(),
        not_before=datetime(2000, 1, 1, tzinfo=UTC),
        not_after=datetime.now(UTC) + timedelta(days=3650),
    )
    return Signer(record.key_id, private), registry


def sample(network: str, *, bad: bool = False, n: int = 7) -> bytes:
    return GENERATORS[network](random.Random(n), n, bad, " [unit]")


def inbound(
    network: str, value: bytes, *, offset: int = 3, timestamp_ms: int = ARRIVED_MS
) -> Inbound:
    return Inbound(
        native_in(network), 1, offset, b"gateway-key", value, [("trace", b"t1")], timestamp_ms
    )


def run(network: str, record: Inbound, signer: Signer) -> tuple[Batch, AdapterTally]:
    core = AdapterCore(get_adapter(network), signer, clock=lambda: NOW)
    batch, tally = Batch(), AdapterTally()
    core.process(record, batch, tally)
    return batch, tally


def test_a_good_message_becomes_signed_canonical_records_keyed_by_case(
    keys: tuple[Signer, KeyRegistry],
) -> None:
    signer, registry = keys
    value = sample("refco")
    batch, tally = run("refco", inbound("refco", value), signer)
    expected = [r for r in translate(get_adapter("refco"), value) if isinstance(r, Translated)]
    canonical = [o for o in batch.outputs if o.topic == CANONICAL]
    assert len(canonical) == len(expected) == tally.translated >= 1
    assert not tally.rejected
    for out, item in zip(canonical, expected, strict=True):
        event = from_kafka(out.value, out.headers)
        assert event.id == item.event.id
        assert out.key == event.caseid.encode()
        attrs = header_attributes(out.headers)
        assert attrs["keyid"] == signer.key_id
        verify_wire(registry, attrs, canonical_json(json.loads(out.value or b"")))
        assert header(out.headers, "hub.native.topic") == native_in("refco").encode()
        assert header(out.headers, "hub.native.partition") == b"1"
        assert header(out.headers, "hub.native.offset") == b"3"
        assert header(out.headers, RECEIVED_MS_HEADER) == str(ARRIVED_MS).encode()
    assert batch.offsets == {(native_in("refco"), 1): 4}
    assert len(tally.translate_s) == 1


def test_the_arrival_time_falls_back_to_the_clock(keys: tuple[Signer, KeyRegistry]) -> None:
    batch, _ = run("refco", inbound("refco", sample("refco"), timestamp_ms=0), keys[0])
    (out,) = [o for o in batch.outputs if o.topic == CANONICAL]
    assert header(out.headers, RECEIVED_MS_HEADER) == str(int(NOW * 1000)).encode()


def test_a_bad_message_is_dead_lettered_with_its_reason_and_original_headers(
    keys: tuple[Signer, KeyRegistry],
) -> None:
    value = sample("refco", bad=True)
    batch, tally = run("refco", inbound("refco", value, offset=9), keys[0])
    results = translate(get_adapter("refco"), value)
    rejected = [r for r in results if isinstance(r, Rejected)]
    assert rejected
    letters = [o for o in batch.outputs if o.topic == native_dlq("refco")]
    assert len(letters) == len(rejected)
    assert not [o for o in batch.outputs if o.topic == CANONICAL]
    for letter, item in zip(letters, rejected, strict=True):
        assert letter.key == b"gateway-key"
        assert letter.value == (item.native if item.native is not None else value)
        assert letter.headers[0] == ("trace", b"t1")
        reason = read_reason(letter.headers)
        assert reason["topic"] == native_in("refco")
        assert reason["partition"] == "1"
        assert reason["offset"] == "9"
        assert reason["stage"] == item.stage
        assert reason["class.name"] == "adapters.refco"
        assert reason["exception.class.name"] == item.error_class
        assert reason["exception.message"] == item.reason
        assert reason["hub.errors.network"] == "refco"
    assert tally.rejected == {reason_class(rejected[0]): len(rejected)}
    assert batch.offsets == {(native_in("refco"), 1): 10}


def test_reason_classes_are_bounded_labels() -> None:
    item = Rejected(stage="parse", reason="x" * 500, error_class="adapters.sdk." + "E" * 100)
    label = reason_class(item)
    assert label.startswith("parse:")
    assert "." not in label.removeprefix("parse:")
    assert len(label) <= 60


def test_a_batch_format_gets_its_receipt_from_the_adapter(
    keys: tuple[Signer, KeyRegistry],
) -> None:
    adapter = get_adapter("rempm")
    assert adapter.replies
    assert adapter.batch_receipts
    batch, tally = run("rempm", inbound("rempm", sample("rempm")), keys[0])
    replies = [o for o in batch.outputs if o.topic == native_out("rempm")]
    assert len(replies) == 1 == tally.receipts
    assert replies[0].key == b"gateway-key"
    assert replies[0].value


def test_a_routed_network_gets_no_receipt_from_the_adapter(
    keys: tuple[Signer, KeyRegistry],
) -> None:
    batch, tally = run("refco", inbound("refco", sample("refco")), keys[0])
    assert not [o for o in batch.outputs if o.topic == native_out("refco")]
    assert tally.receipts == 0


def test_a_routed_event_becomes_the_networks_reply_keyed_by_reference() -> None:
    adapter = get_adapter("refco")
    (item,) = [r for r in translate(adapter, sample("refco")) if isinstance(r, Translated)]
    key, value, headers = to_kafka(item.event)
    record = Inbound("cca.receipts.refco.v1", 0, 5, key, value, headers)
    out = receipt_output(adapter, record, datetime.fromtimestamp(NOW, UTC))
    assert out is not None
    assert out.topic == native_out("refco")
    assert out.key == item.event.data.reference.encode()
    assert out.value


def test_a_network_without_replies_renders_no_receipt() -> None:
    adapter = get_adapter("clacip")
    assert not adapter.replies
    (item, *_) = [r for r in translate(adapter, sample("clacip")) if isinstance(r, Translated)]
    key, value, headers = to_kafka(item.event)
    record = Inbound("cca.receipts.clacip.v1", 0, 0, key, value, headers)
    assert receipt_output(adapter, record, datetime.fromtimestamp(NOW, UTC)) is None
