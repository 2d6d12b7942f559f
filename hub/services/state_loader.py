"""Rebuild the router's memory for the partitions it is given, from the state topics."""

from __future__ import annotations

import logging
from collections.abc import Iterable

from aiokafka import AIOKafkaConsumer
from aiokafka.abc import ConsumerRebalanceListener
from aiokafka.structs import TopicPartition

from hub.core.state.cases import CaseDesks, decode_desks
from hub.core.state.seen import SeenByPartition
from hub.topics import CANONICAL, CASE_STATE, SEEN_STATE

logger = logging.getLogger(__name__)


async def load_state(
    bootstrap: str, partitions: Iterable[int], seen: SeenByPartition, cases: CaseDesks
) -> int:
    """Read the state topics' partitions from the start to their end; returns records read."""
    parts = sorted(set(partitions))
    if not parts:
        return 0
    tps = [TopicPartition(t, p) for p in parts for t in (SEEN_STATE, CASE_STATE)]
    consumer = AIOKafkaConsumer(
        bootstrap_servers=bootstrap,
        group_id=None,
        enable_auto_commit=False,
        isolation_level="read_committed",
        auto_offset_reset="earliest",
    )
    await consumer.start()
    read = 0
    try:
        consumer.assign(tps)
        await consumer.seek_to_beginning(*tps)
        ends = await consumer.end_offsets(tps)
        for p in parts:
            seen.drop(p)
            cases.drop(p)
        remaining = {tp for tp in tps if ends[tp] > 0}
        while remaining:
            batches = await consumer.getmany(*remaining, timeout_ms=500)
            for tp, records in batches.items():
                for r in records:
                    read += 1
                    if r.key is None:
                        continue
                    if tp.topic == SEEN_STATE:
                        seen.partition(tp.partition).add(r.key.decode())
                    elif r.value is not None:
                        try:
                            cases.put(tp.partition, r.key.decode(), decode_desks(r.value))
                        except ValueError:
                            logger.warning("skipping unreadable case state at %s", tp)
            for tp in list(remaining):
                if await consumer.position(tp) >= ends[tp]:
                    remaining.discard(tp)
    finally:
        await consumer.stop()
    return read


class RouterStateListener(ConsumerRebalanceListener):  # type: ignore[misc]
    """Loads the router's memory for partitions it is given; forgets those it gives up.
    Called by the batch consumer with its batch lock held."""

    def __init__(self, bootstrap: str, seen: SeenByPartition, cases: CaseDesks) -> None:
        self.bootstrap = bootstrap
        self.seen = seen
        self.cases = cases

    async def on_partitions_revoked(self, revoked: Iterable[TopicPartition]) -> None:
        for tp in revoked:
            if tp.topic == CANONICAL:
                self.seen.drop(tp.partition)
                self.cases.drop(tp.partition)

    async def on_partitions_assigned(self, assigned: Iterable[TopicPartition]) -> None:
        parts = [tp.partition for tp in assigned if tp.topic == CANONICAL]
        count = await load_state(self.bootstrap, parts, self.seen, self.cases)
        logger.info("router: partitions %s assigned; %d state records loaded", parts, count)
