"""Rebuild the router's memory for the partitions it is given, from the state topics.

Where the state topics are read from is a :class:`StateLog`: the real broker
(:class:`KafkaStateLog`) or the in-memory one of the tests (``hub.services.memory``); what
the records mean is decided here, once, for both.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from aiokafka.abc import ConsumerRebalanceListener
from aiokafka.structs import TopicPartition

from contract.merkle import leaf_hash
from contract.topology import (
    CANONICAL,
    CASE_STATE,
    CUSTODY_HEADS,
    PROVENANCE,
    SEEN_STATE,
    WITHHELD,
)
from hub.access import clients
from hub.access.clients import KafkaAccess
from hub.core.custody import CustodyLogs, decode_head, index_of
from hub.core.poison import Poisoned, isolate
from hub.core.records import Inbound
from hub.core.state.cases import CaseDesks, decode_desks
from hub.core.state.integrity import StateMac
from hub.core.state.seen import SeenByPartition
from hub.core.state.withheld import WithheldByPartition
from hub.core.state.withheld import decode as decode_withheld
from hub.ops.metrics import metrics

logger = logging.getLogger(__name__)


class StateLog(Protocol):
    def replay(self, partitions: Sequence[tuple[str, int]]) -> AsyncIterator[list[Inbound]]:
        """The committed records of these (topic, partition)s, from the start to the end
        they have now, in groups as they are fetched."""
        ...


class KafkaStateLog:
    """The state topics on the broker, read ``read_committed`` without a consumer group."""

    def __init__(self, access: KafkaAccess) -> None:
        self.access = access

    async def replay(self, partitions: Sequence[tuple[str, int]]) -> AsyncIterator[list[Inbound]]:
        tps = [TopicPartition(t, p) for t, p in partitions]
        consumer = clients.consumer(
            self.access,
            group_id=None,
            enable_auto_commit=False,
            isolation_level="read_committed",
            auto_offset_reset="earliest",
        )
        await consumer.start()
        try:
            consumer.assign(tps)
            await consumer.seek_to_beginning(*tps)
            ends = await consumer.end_offsets(tps)
            remaining = {tp for tp in tps if ends[tp] > 0}
            while remaining:
                batches = await consumer.getmany(*remaining, timeout_ms=500)
                for tp, records in batches.items():
                    yield [
                        Inbound(
                            tp.topic, tp.partition, r.offset, r.key, r.value, r.headers, r.timestamp
                        )
                        for r in records
                    ]
                for tp in list(remaining):
                    if await consumer.position(tp) >= ends[tp]:
                        remaining.discard(tp)
        finally:
            await consumer.stop()


@dataclass
class Loaded:
    """What a state load read, and what it refused (by reason) as not the router's own."""

    read: int = 0
    refused: dict[str, int] = field(default_factory=dict)


@dataclass
class RouterMemory:
    """What the router remembers per partition of the canonical topic."""

    seen: SeenByPartition
    cases: CaseDesks
    withheld: WithheldByPartition = field(default_factory=WithheldByPartition)
    custody: CustodyLogs = field(default_factory=CustodyLogs)

    def drop(self, partition: int) -> None:
        self.seen.drop(partition)
        self.cases.drop(partition)
        self.withheld.drop(partition)
        self.custody.drop(partition)


#: the topics a partition's memory is rebuilt from (the custody log: every provenance
#: record of the partition, in order, and its signed heads)
MEMORY_TOPICS = (SEEN_STATE, CASE_STATE, WITHHELD, PROVENANCE, CUSTODY_HEADS)


def _apply(record: Inbound, memory: RouterMemory) -> None:
    """One state record into the memory (pure: raises on an unreadable record)."""
    if record.key is None:
        return
    if record.topic == SEEN_STATE:
        memory.seen.partition(record.partition).add(record.key.decode())
    elif record.value is None:
        return
    elif record.topic == PROVENANCE:
        log = memory.custody.log(record.partition)
        index = index_of(record.headers)
        if index != len(log.tree):
            raise ValueError(f"custody entry {index} where entry {len(log.tree)} comes next")
        log.tree.append_hash(leaf_hash(record.value))
    elif record.topic == CUSTODY_HEADS:
        head = decode_head(record.value)
        log = memory.custody.log(record.partition)
        if head.size > log.head_size:
            log.head_size = head.size
            log.head_at = record.timestamp_ms / 1000
    elif record.topic == WITHHELD:
        entry = decode_withheld(record.value)
        if entry.event_id.encode() != record.key:
            raise ValueError("withheld entry under another event's key")
        memory.withheld.put(record.partition, entry)
    else:
        memory.cases.put(record.partition, record.key.decode(), decode_desks(record.value))


async def load_state(
    log: StateLog | KafkaAccess,
    partitions: Iterable[int],
    memory: RouterMemory,
    *,
    mac: StateMac | None = None,
) -> Loaded:
    """Read the state topics' partitions from the start to their end.

    With ``mac``, a record without the router's MAC is refused (counted, logged, never
    applied): only what the router itself wrote decides what it routes. An unreadable
    record is refused the same way; it never stops the load. ``log`` may be given as the
    broker's access (:class:`KafkaAccess`)."""
    parts = sorted(set(partitions))
    loaded = Loaded()
    if not parts:
        return loaded
    source = KafkaStateLog(log) if isinstance(log, KafkaAccess) else log
    for p in parts:
        memory.drop(p)
    async for records in source.replay([(t, p) for p in parts for t in MEMORY_TOPICS]):
        for r in records:
            loaded.read += 1
            why = mac.check(r.topic, r.key, r.value, r.headers) if mac is not None else ""
            if not why:
                failed = isolate(lambda rec: _apply(rec, memory), r)
                why = failed.reason if isinstance(failed, Poisoned) else ""
            if why:
                loaded.refused[why] = loaded.refused.get(why, 0) + 1
                logger.warning(
                    "state record at %s/%d@%d refused: %s", r.topic, r.partition, r.offset, why
                )
                metrics().state_refused.labels(r.topic).inc()
    return loaded


class RouterStateListener(ConsumerRebalanceListener):  # type: ignore[misc]
    """Loads the router's memory for partitions it is given; forgets those it gives up.
    Called by the batch consumer with its batch lock held."""

    def __init__(
        self,
        log: StateLog | KafkaAccess,
        memory: RouterMemory,
        *,
        mac: StateMac | None = None,
    ) -> None:
        self.log: StateLog = KafkaStateLog(log) if isinstance(log, KafkaAccess) else log
        self.memory = memory
        self.mac = mac

    async def on_partitions_revoked(self, revoked: Iterable[TopicPartition]) -> None:
        for tp in revoked:
            if tp.topic == CANONICAL:
                self.memory.drop(tp.partition)

    async def on_partitions_assigned(self, assigned: Iterable[TopicPartition]) -> None:
        parts = [tp.partition for tp in assigned if tp.topic == CANONICAL]
        loaded = await load_state(self.log, parts, self.memory, mac=self.mac)
        logger.info(
            "router: partitions %s assigned; %d state records read, %d refused",
            parts,
            loaded.read,
            sum(loaded.refused.values()),
        )
