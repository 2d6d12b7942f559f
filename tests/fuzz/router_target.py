"""Harness for the router's record intake: any batch of records through ``prepare``, the
signature check and ``RouterCore.decide``.

The input is read (:mod:`tests.fuzz.reader`) as up to four records. Per record, a flag byte
says what the harness does for the fuzzer, which could never forge an Ed25519 signature
nor guess a murmur2 partition on its own:

- ``SIGN``: sign whatever attributes and value the record carries, with the key of the
  network its source names (or, with ``WRONG_KEY``, another network's key; with
  ``EXPIRED_KEY``, a key whose validity has ended), so that hostile data gets past
  verification and into the event model and the routing;
- ``CASE_KEY``: the record key is the ``ce_caseid`` header; ``HOME``: the partition is the
  one the key maps to;
- ``DERIVE_ID``: before signing, ``ce_id`` becomes the id the router derives from the
  record's network, type, case and ``data.provenance.sha256`` (a fuzzer could not compute
  that UUID either);
- ``REPEAT``: the record is the previous one again (a redelivery);
- ``NO_VALUE``: a null value (a tombstone).

The contract checked: nothing raises, and every record ends in exactly one of routed (at
least one desk record, its seen-id and its provenance, every desk copy carrying the bytes
that were verified), dropped as a duplicate (nothing at all), or one record on
``cca.dlq.v1`` carrying the record's own key and value and a reason; the batch's offsets
cover every record, and no event is routed twice on one case. The same batch offered again after the
first has committed routes nothing: what was routed is now a duplicate, what was refused
is refused again.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import cast

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from contract import strictjson
from contract.envelope.binary import header_attributes
from contract.envelope.identity import event_id
from contract.keys.registry import KeyRegistry
from contract.merkle import MerkleLog
from contract.signing import Signer, canonical_json
from contract.topology import (
    CANONICAL,
    CUSTODY_HEADS,
    PROGRESS_STATE,
    PROVENANCE,
    ROUTER_DLQ,
    SEEN_STATE,
    WITHHELD,
    WITHHELD_NOTICE_TYPE,
    network_of,
)
from hub.core.custody import decode_head, index_of
from hub.core.desks import load_desks
from hub.core.dlq import read_reason
from hub.core.records import Batch, Inbound, Outbound
from hub.core.router_core import Prepared, RouterCore, Tally, key_partition, prepare
from hub.core.routing import Router
from hub.core.state.cases import CaseDesks
from hub.core.state.seen import SeenByPartition
from hub.core.state.withheld import decode as decode_withheld
from hub.core.verifier import verify_items
from tests.fuzz.finding import Finding
from tests.fuzz.reader import ByteReader, byte, chunk

PARTITIONS = 6
#: partitions a record may claim: two more than the topic has
CLAIMED_PARTITIONS = PARTITIONS + 2
MAX_RECORDS = 4
MAX_HEADERS = 16
NETWORKS = ("aiamp", "ameripol", "clacip", "interpol", "oas-hien", "refco", "rempm")
#: the networks the router answers through (``hub.services.router.replies_through_router``)
REPLYING = frozenset({"aiamp", "ameripol", "interpol", "oas-hien", "refco"})
#: the verification clock and the router's clock: fixed, so a replay behaves the same
NOW = datetime(2026, 11, 30, 12, 0, 0, tzinfo=UTC)

SIGN = 0x01
CASE_KEY = 0x02
HOME = 0x04
REPEAT = 0x08
NO_VALUE = 0x10
WRONG_KEY = 0x20
EXPIRED_KEY = 0x40
DERIVE_ID = 0x80
#: what a seed of a well-formed record uses: signed by the harness, id, key and partition right
PLACED = SIGN | CASE_KEY | HOME | DERIVE_ID


def _private(name: str) -> Ed25519PrivateKey:
    """Keys from fixed seeds, so that the signatures in the committed corpus stay valid."""
    return Ed25519PrivateKey.from_private_bytes(hashlib.sha256(name.encode()).digest())


@dataclass(frozen=True)
class Keys:
    registry: KeyRegistry
    signers: dict[str, Signer]
    expired: dict[str, Signer]


def _registered(registry: KeyRegistry, network: str, seed: str, not_after: datetime) -> Signer:
    private = _private(seed)
    record = registry.add(
        network,
        private.public_key(),
        not_before=datetime(2020, 1, 1, tzinfo=UTC),
        not_after=not_after,
    )
    return Signer(record.key_id, private)


def make_keys() -> Keys:
    registry = KeyRegistry()
    signers: dict[str, Signer] = {}
    expired: dict[str, Signer] = {}
    for network in NETWORKS:
        signers[network] = _registered(
            registry, network, f"fuzz/{network}", datetime(2030, 1, 1, tzinfo=UTC)
        )
        expired[network] = _registered(
            registry, network, f"fuzz/{network}/expired", datetime(2021, 1, 1, tzinfo=UTC)
        )
    return Keys(registry, signers, expired)


# ---- reading a batch out of the fuzz bytes -----------------------------------------------


@dataclass(frozen=True)
class Spec:
    """One record as the fuzz input describes it, before the harness's help."""

    flags: int
    partition: int
    key: bytes | None
    value: bytes | None
    headers: tuple[tuple[str, bytes | None], ...]


def read_specs(data: bytes) -> list[Spec]:
    reader = ByteReader(data)
    count = 1 + reader.byte() % MAX_RECORDS
    specs: list[Spec] = []
    for _ in range(count):
        flags = reader.byte()
        partition = reader.byte()
        key = reader.chunk()
        value = reader.chunk()
        headers: list[tuple[str, bytes | None]] = []
        for _ in range(reader.byte() % (MAX_HEADERS + 1)):
            name = (reader.chunk() or b"").decode("utf-8", "replace")
            headers.append((name, reader.chunk()))
        specs.append(Spec(flags, partition, key, value, tuple(headers)))
    return specs


def write_specs(specs: Sequence[Spec]) -> bytes:
    """The fuzz input that :func:`read_specs` reads back as ``specs`` (for seeds)."""
    if not 1 <= len(specs) <= MAX_RECORDS:
        raise ValueError(f"a batch has 1 to {MAX_RECORDS} records")
    out = [byte(len(specs) - 1)]
    for spec in specs:
        out += [byte(spec.flags), byte(spec.partition), chunk(spec.key), chunk(spec.value)]
        out.append(byte(len(spec.headers)))
        for name, value in spec.headers:
            out += [chunk(name.encode()), chunk(value)]
    return b"".join(out)


def _signed_headers(
    spec: Spec, keys: Keys
) -> tuple[tuple[tuple[str, bytes | None], ...], dict[str, str] | None]:
    """The spec's headers with a signature the harness made (when it can), and the
    attributes they carry (None when they are unreadable)."""
    try:
        attributes = header_attributes(spec.headers)
    except Exception:
        return spec.headers, None
    if not spec.flags & SIGN or spec.value is None:
        return spec.headers, attributes
    try:
        data = canonical_json(strictjson.loads(spec.value, "value"))
    except Exception:
        return spec.headers, attributes
    network = network_of(attributes.get("source", ""))
    if spec.flags & DERIVE_ID:
        attributes = _with_derived_id(attributes, network, data)
    if network not in keys.signers:
        network = "oas-hien"
    if spec.flags & WRONG_KEY:
        network = NETWORKS[(NETWORKS.index(network) + 1) % len(NETWORKS)]
    signer = (keys.expired if spec.flags & EXPIRED_KEY else keys.signers)[network]
    try:
        signature = signer.sign(attributes, data)
    except Exception:
        return spec.headers, attributes
    dropped = ("ce_signature", "ce_keyid", *(("ce_id",) if spec.flags & DERIVE_ID else ()))
    kept = tuple((n, v) for n, v in spec.headers if n not in dropped)
    derived = (("ce_id", attributes["id"].encode()),) if spec.flags & DERIVE_ID else ()
    signed = (
        *kept,
        *derived,
        ("ce_signature", signature.encode()),
        ("ce_keyid", signer.key_id.encode()),
    )
    attributes.update(signature=signature, keyid=signer.key_id)
    return signed, attributes


def _with_derived_id(attributes: dict[str, str], network: str, data: bytes) -> dict[str, str]:
    """The attributes with ``id`` as the router derives it (unchanged when it cannot be)."""
    try:
        provenance = json.loads(data).get("provenance") or {}
        digest = provenance["sha256"]
        if not isinstance(digest, str):
            return attributes
        derived = event_id(
            network or "", attributes.get("type", ""), digest, attributes.get("caseid", "")
        )
    except Exception:
        return attributes
    return {**attributes, "id": derived}


def build_records(specs: Sequence[Spec], keys: Keys) -> list[Inbound]:
    records: list[Inbound] = []
    offsets: dict[int, int] = {}
    for spec in specs:
        headers: Sequence[tuple[str, bytes | None]]
        if spec.flags & REPEAT and records:
            previous = records[-1]
            key, value, headers, partition = (
                previous.key,
                previous.value,
                previous.headers,
                previous.partition,
            )
        else:
            value = None if spec.flags & NO_VALUE else spec.value
            headers, attributes = _signed_headers(
                Spec(spec.flags, spec.partition, spec.key, value, spec.headers), keys
            )
            key = spec.key
            if spec.flags & CASE_KEY and attributes and "caseid" in attributes:
                key = attributes["caseid"].encode("utf-8", "surrogatepass")
            partition = spec.partition % CLAIMED_PARTITIONS
            if spec.flags & HOME and key is not None:
                partition = key_partition(key, PARTITIONS)
        offset = offsets.get(partition, 0)
        offsets[partition] = offset + 1
        # a null header value is what a Kafka client may hand over, though the type says bytes
        wire = cast(Sequence[tuple[str, bytes]], headers)
        records.append(Inbound(CANONICAL, partition, offset, key, value, wire))
    return records


# ---- running the router's intake and checking where every record ended ---------------------


class WatchedBatch(Batch):
    """A batch that remembers, after each record, how far the outputs and duplicates got."""

    def __init__(self, tally: Tally) -> None:
        super().__init__()
        self.tally = tally
        self.marks: list[tuple[int, int]] = []

    def consumed(self, record: Inbound) -> None:
        super().consumed(record)
        self.marks.append((len(self.outputs), sum(self.tally.duplicates.values())))


def new_core() -> RouterCore:
    return RouterCore(
        ROUTER,
        SeenByPartition(1000),
        CaseDesks(),
        replies_for=REPLYING.__contains__,
        networks=frozenset(NETWORKS),
        clock=NOW.timestamp,
        partitions=lambda _topic: PARTITIONS,
    )


def run_batch(core: RouterCore, keys: Keys, records: Sequence[Inbound]) -> list[str]:
    """Route one batch (and apply it, as after its commit); what each record became."""
    items = [prepare(record) for record in records]
    answers = iter(verify_items(keys.registry, [i.verify for i in items if i.verify], NOW))
    verdicts = [next(answers) if item.verify else None for item in items]
    tally = Tally()
    batch = WatchedBatch(tally)
    before = {p: core.custody.log(p).tree.copy() for p in core.custody.partitions()}
    pending = core.decide(items, verdicts, batch, tally)
    fates = check_batch(records, items, batch, before)
    core.apply(pending)
    return fates


def check_batch(
    records: Sequence[Inbound],
    items: Sequence[Prepared],
    batch: WatchedBatch,
    core_logs: dict[int, MerkleLog],
) -> list[str]:
    if len(batch.marks) != len(records):
        raise Finding(f"{len(records)} records but {len(batch.marks)} consumed")
    fates: list[str] = []
    routed_ids: set[tuple[str, str]] = set()
    start, duplicates = 0, 0
    for record, item, (end, dups) in zip(records, items, batch.marks, strict=True):
        outputs = batch.outputs[start:end]
        if dups - duplicates not in (0, 1):
            raise Finding("one record counted as several duplicates")
        if dups > duplicates:
            if outputs:
                raise Finding("a duplicate produced records")
            fates.append("duplicate")
        elif any(o.topic == ROUTER_DLQ for o in outputs):
            _check_refused(record, outputs)
            fates.append("refused")
        else:
            routed_ids.add(_check_routed(record, item, outputs, routed_ids))
            fates.append("routed")
        start, duplicates = end, dups
    tail = batch.outputs[start:]
    heads = [o for o in tail if o.topic == CUSTODY_HEADS]
    tail = [o for o in tail if o.topic != CUSTODY_HEADS]
    if any(o.topic != PROGRESS_STATE for o in tail):
        raise Finding("records after the last one's outputs that are not heads or progress")
    _check_heads(core_logs, batch.outputs, heads)
    for record in records:
        if batch.offsets.get((record.topic, record.partition), 0) < record.offset + 1:
            raise Finding(f"the batch's offsets do not cover {record.partition}@{record.offset}")
    if len(tail) != len(batch.offsets):
        raise Finding("not one progress record per input partition")
    return fates


def _check_heads(
    before: dict[int, MerkleLog], outputs: list[Outbound], heads: list[Outbound]
) -> None:
    """Each custody entry is the next leaf of its partition's log (its index says so), and
    each signed head is the head of its log: the entries it had, then this batch's."""
    logs = {part: log.copy() for part, log in before.items()}
    for out in outputs:
        if out.topic != PROVENANCE:
            continue
        assert out.partition is not None
        log = logs.setdefault(out.partition, MerkleLog(keep_hashes=False))
        if index_of(out.headers) != len(log):
            raise Finding("a custody entry out of its log's order")
        log.append(out.value or b"")
    for out in heads:
        head = decode_head(out.value or b"")
        log = logs.get(out.partition or 0)
        if log is None or head.size != len(log) or head.root != log.root():
            raise Finding("a signed tree head that is not the head of its log")


def _check_refused(record: Inbound, outputs: list[Outbound]) -> None:
    if len(outputs) != 1:
        raise Finding(f"a refused record produced {len(outputs)} records")
    dead = outputs[0]
    if dead.key != record.key or dead.value != record.value:
        raise Finding("the dead-letter record does not carry the record's key and value")
    if not read_reason(dead.headers).get("exception.message", "").strip():
        raise Finding("a dead-letter record without a reason")


def _check_routed(
    record: Inbound, item: Prepared, outputs: list[Outbound], routed: set[tuple[str, str]]
) -> tuple[str, str]:
    on_desks = [o for o in outputs if o.topic.startswith("cca.desk.")]
    notices = [o for o in on_desks if _is_notice(o)]
    desks = [o for o in on_desks if not _is_notice(o)]
    withheld = [o for o in outputs if o.topic == WITHHELD]
    seen = [o for o in outputs if o.topic == SEEN_STATE]
    provenance = [o for o in outputs if o.topic == PROVENANCE]
    if not (desks or withheld) or len(seen) != 1 or len(provenance) != 1:
        raise Finding(
            f"a routed record gave {len(desks)} desk, {len(withheld)} withheld, "
            f"{len(seen)} seen and {len(provenance)} provenance records"
        )
    assert item.verify is not None
    for output in desks:
        if output.value != item.verify.data or output.key != record.key:
            raise Finding("a desk copy differs from what was verified")
    if len(withheld) > 1 or len(notices) != len(withheld):
        raise Finding("a withholding without exactly one entry and one notice on triage")
    for entry in withheld:
        held = decode_withheld(entry.value or b"")
        if held.value != item.verify.data or not held.held:
            raise Finding("a withheld entry that does not hold what was verified")
        if item.verify.data in (notices[0].value or b""):
            raise Finding("the triage notice carries the event's content")
    facts = json.loads(provenance[0].value or b"{}")
    routed_id, case = str(facts["event_id"]), str(facts["case_id"])
    if seen[0].key != routed_id.encode():
        raise Finding("the seen record names another event than the provenance")
    # one id names one case (the router derives it again), so an id is routed once at most,
    # whatever the case and partition it claims (tests/fuzz/test_findings.py)
    if any(seen_id == routed_id for seen_id, _ in routed):
        raise Finding(f"event {routed_id} routed twice in one batch (now on case {case})")
    return routed_id, case


def _is_notice(output: Outbound) -> bool:
    return ("ce_type", WITHHELD_NOTICE_TYPE.encode()) in list(output.headers)


ROUTER = Router(load_desks())

#: what a record may become on a second delivery, given what it became on the first
AGAIN = {"routed": "duplicate", "duplicate": "duplicate", "refused": "refused"}


def router_harness() -> Callable[[bytes], None]:
    keys = make_keys()

    def one_input(data: bytes) -> None:
        records = build_records(read_specs(data), keys)
        core = new_core()
        first = run_batch(core, keys, records)
        again = run_batch(core, keys, records)
        expected = [AGAIN[fate] for fate in first]
        if again != expected:
            raise Finding(f"offered again after it committed, {first} became {again}")

    return one_input
