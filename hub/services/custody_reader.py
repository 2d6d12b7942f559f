"""Reading the custody logs, and what they point at, back from the broker.

Everything is read ``read_committed`` from the start of each partition with no consumer
group, so reading changes nothing on the broker. A record that fails the router's check
(its state MAC on the custody topics, its seal on the desk topics) is **foreign**: not
written by this hub's router. Foreign records are counted, and the caller decides whether
they are a problem (on a broker shared by several hubs, as in tests, they are expected).
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TypeAlias

from aiokafka import AIOKafkaConsumer, ConsumerRecord
from aiokafka.structs import TopicPartition

from contract.custody import TreeHead, decode_head
from contract.envelope.binary import header_attributes
from contract.envelope.event import EnvelopeError
from contract.envelope.sealing import verify_wire
from contract.keys.registry import KeyRegistry
from contract.seal import check_seal
from contract.signing import VerificationError
from contract.topology import (
    CUSTODY_HEADS,
    NATIVE_OFFSET_HEADER,
    NATIVE_PARTITION_HEADER,
    NATIVE_TOPIC_HEADER,
    PROVENANCE,
    WITHHELD_NOTICE_TYPE,
    desk_topic,
)
from hub.access.clients import KafkaAccess, admin, consumer
from hub.core.custody import index_of
from hub.core.state.integrity import StateMac

__all__ = [
    "Custody",
    "Deliveries",
    "Located",
    "read_custody",
    "read_deliveries",
    "read_offsets",
]

log = logging.getLogger(__name__)
Record: TypeAlias = ConsumerRecord[bytes, bytes]


@dataclass
class Custody:
    """Each partition's entries (index header, value) in offset order, its heads, and how
    many records were foreign."""

    entries: dict[int, list[tuple[int | None, bytes]]] = field(default_factory=dict)
    heads: dict[int, list[bytes]] = field(default_factory=dict)
    foreign: int = 0

    def logs(self) -> dict[int, list[bytes]]:
        return {p: [v for _, v in rows] for p, rows in self.entries.items()}

    def signed_heads(self) -> dict[int, list[TreeHead]]:
        """The heads that decode (the audit names those that do not)."""
        out: dict[int, list[TreeHead]] = {}
        for part, raws in self.heads.items():
            for raw in raws:
                try:
                    out.setdefault(part, []).append(decode_head(raw))
                except (KeyError, ValueError):
                    continue
        return out

    def head_records(self) -> list[tuple[int, bytes]]:
        return [(p, raw) for p, raws in sorted(self.heads.items()) for raw in raws]


@dataclass
class Deliveries:
    """(desk, event id) of every event record on the desk topics, and the foreign count."""

    records: list[tuple[str, str]] = field(default_factory=list)
    foreign: int = 0


@dataclass(frozen=True, slots=True)
class Located:
    """A record read at its place."""

    topic: str
    partition: int
    offset: int
    value: bytes
    headers: tuple[tuple[str, bytes], ...]

    def attributes(self) -> dict[str, str]:
        return header_attributes(self.headers)

    def native_at(self) -> tuple[str, int, int] | None:
        """Where the adapter read this canonical event's native original, from its trace
        headers; None when it carries none (a polled source)."""
        found = dict(self.headers)
        try:
            return (
                found[NATIVE_TOPIC_HEADER].decode(),
                int(found[NATIVE_PARTITION_HEADER]),
                int(found[NATIVE_OFFSET_HEADER]),
            )
        except (KeyError, ValueError, UnicodeDecodeError):
            return None


def _reader(access: KafkaAccess) -> AIOKafkaConsumer:
    return consumer(
        access,
        group_id=None,
        isolation_level="read_committed",
        enable_auto_commit=False,
        fetch_max_bytes=64 * 1024 * 1024,
        max_partition_fetch_bytes=32 * 1024 * 1024,
        client_id="cca-hub-custody",
    )


async def _partitions(access: KafkaAccess, topics: Iterable[str]) -> list[TopicPartition]:
    """Every partition of ``topics`` that exist (an absent topic has none)."""
    names = list(topics)
    client = admin(access, client_id="cca-hub-custody")
    await client.start()
    try:
        described = await client.describe_topics(names)
    finally:
        await client.close()
    out: list[TopicPartition] = []
    for topic in described:
        if topic["error_code"] == 0:
            # a topic's partitions are numbered 0 … n-1
            out += [TopicPartition(str(topic["topic"]), p) for p in range(len(topic["partitions"]))]
    return out


async def _read_all(
    reader: AIOKafkaConsumer,
    tps: Sequence[TopicPartition],
    each: Callable[[Record], None],
    starts: Mapping[TopicPartition, int] | None = None,
    stop: Callable[[TopicPartition, int], bool] | None = None,
) -> None:
    """Every committed record of ``tps`` from ``starts`` (the beginning) up to the end
    offsets as they were when reading began, or until ``stop(tp, offset)`` says enough."""
    if not tps:
        return
    reader.assign(list(tps))
    ends = await reader.end_offsets(list(tps))
    begins = await reader.beginning_offsets(list(tps))
    remaining: set[TopicPartition] = set()
    for tp in tps:
        first = max(begins[tp], (starts or {}).get(tp, 0))
        if first < ends[tp]:
            reader.seek(tp, first)
            remaining.add(tp)
    while remaining:
        batches = await reader.getmany(*remaining, timeout_ms=500)
        for tp, records in batches.items():
            for record in records:
                if record.offset < ends[tp]:
                    each(record)
                if stop is not None and stop(tp, record.offset):
                    remaining.discard(tp)
                    break
        for tp in list(remaining):
            if await reader.position(tp) >= ends[tp]:
                remaining.discard(tp)


async def _with_reader(
    access: KafkaAccess, work: Callable[[AIOKafkaConsumer], Awaitable[None]]
) -> None:
    reader = _reader(access)
    await reader.start()
    try:
        await work(reader)
    finally:
        await reader.stop()


async def read_custody(access: KafkaAccess, mac: StateMac | None = None) -> Custody:
    """Every custody entry and tree head on the broker; with ``mac``, only those carrying
    the router's state MAC (the others counted as foreign)."""
    found = Custody()

    def each(record: Record) -> None:
        headers = list(record.headers)
        if mac is not None and mac.check(record.topic, record.key, record.value, headers):
            found.foreign += 1
            return
        value = record.value or b""
        if record.topic == PROVENANCE:
            found.entries.setdefault(record.partition, []).append((index_of(headers), value))
        else:
            found.heads.setdefault(record.partition, []).append(value)

    async def work(reader: AIOKafkaConsumer) -> None:
        await _read_all(reader, await _partitions(access, (PROVENANCE, CUSTODY_HEADS)), each)

    await _with_reader(access, work)
    return found


async def read_deliveries(
    access: KafkaAccess, desks: Sequence[str], registry: KeyRegistry
) -> Deliveries:
    """Every event delivered to ``desks`` (their withholding notices left out). A desk
    record whose origin signature does not hold under ``registry`` (a notice: whose router
    seal does not) is counted as foreign."""
    found = Deliveries()
    desk_of = {desk_topic(d): d for d in desks}

    def each(record: Record) -> None:
        headers = list(record.headers)
        value = record.value or b""
        try:
            if dict(headers).get("ce_type") == WITHHELD_NOTICE_TYPE.encode():
                check_seal(registry, record.topic, record.key, record.value, headers)
                return
            attributes = header_attributes(headers)
            verify_wire(registry, attributes, value)
        except (VerificationError, EnvelopeError, KeyError):
            found.foreign += 1
            return
        found.records.append((desk_of[record.topic], attributes.get("id", "")))

    async def work(reader: AIOKafkaConsumer) -> None:
        await _read_all(reader, await _partitions(access, list(desk_of)), each)

    await _with_reader(access, work)
    return found


async def read_offsets(
    access: KafkaAccess, wanted: Iterable[tuple[str, int, int]]
) -> dict[tuple[str, int, int], Located]:
    """The records at (topic, partition, offset) that are still on the broker."""
    by_tp: dict[TopicPartition, set[int]] = defaultdict(set)
    for topic, part, offset in wanted:
        by_tp[TopicPartition(topic, part)].add(offset)
    found: dict[tuple[str, int, int], Located] = {}

    def each(record: Record) -> None:
        if record.offset in by_tp[TopicPartition(record.topic, record.partition)]:
            found[(record.topic, record.partition, record.offset)] = Located(
                record.topic,
                record.partition,
                record.offset,
                record.value or b"",
                tuple((k, v) for k, v in record.headers),
            )

    async def work(reader: AIOKafkaConsumer) -> None:
        tps = list(by_tp)
        await _read_all(
            reader,
            tps,
            each,
            starts={tp: min(offsets) for tp, offsets in by_tp.items()},
            stop=lambda tp, offset: offset >= max(by_tp[tp]),
        )

    if by_tp:
        await _with_reader(access, work)
    return found
