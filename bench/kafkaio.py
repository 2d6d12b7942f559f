"""The few broker operations the benchmark needs: topics, offsets, bulk writes and reads."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Iterable, Mapping, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass

from aiokafka import AIOKafkaConsumer
from aiokafka.errors import CoordinatorLoadInProgressError, GroupCoordinatorNotAvailableError
from aiokafka.structs import TopicPartition

from bench.access import bench_access
from hub.access import clients
from hub.services.topics_admin import ensure_topics
from hub.topics import TopicSpec

BIG = 26 * 1024 * 1024
Headers = Sequence[tuple[str, bytes]]
Offsets = dict[TopicPartition, int]


@dataclass(frozen=True, slots=True)
class Outgoing:
    topic: str
    key: bytes | None
    value: bytes
    headers: Headers = ()


@dataclass(frozen=True, slots=True)
class Landed:
    """One record read back: where it is, when its producer made it, and its headers."""

    topic: str
    partition: int
    offset: int
    timestamp_ms: int
    value: bytes
    headers: Headers


async def create_topics(bootstrap: str, names: Iterable[str], partitions: int) -> None:
    await ensure_topics(bench_access(bootstrap), [TopicSpec(name, partitions) for name in names])


@asynccontextmanager
async def _consumer(bootstrap: str, **config: object) -> AsyncIterator[AIOKafkaConsumer]:
    consumer = clients.consumer(
        bench_access(bootstrap), group_id=None, enable_auto_commit=False, **config
    )
    await consumer.start()
    try:
        yield consumer
    finally:
        await consumer.stop()


async def partitions_of(bootstrap: str, topics: Iterable[str]) -> list[TopicPartition]:
    """The partitions each topic really has (a shared broker may hold older topics)."""
    admin = clients.admin(bench_access(bootstrap), client_id="cca-bench")
    await admin.start()
    try:
        described = await admin.describe_topics(sorted(set(topics)))
    finally:
        await admin.close()
    return sorted(
        TopicPartition(t["topic"], p["partition"]) for t in described for p in t["partitions"]
    )


async def end_offsets(
    bootstrap: str, tps: Sequence[TopicPartition], *, committed_only: bool = True
) -> Offsets:
    """Where each partition ends: the last stable offset (``committed_only``) or the high
    watermark, which also counts records of transactions still open."""
    level = "read_committed" if committed_only else "read_uncommitted"
    async with _consumer(bootstrap, isolation_level=level) as consumer:
        return dict(await consumer.end_offsets(list(tps)))


class OffsetWatch:
    """Polls end offsets and group offsets over one pair of long-lived connections."""

    def __init__(self, bootstrap: str) -> None:
        self.bootstrap = bootstrap
        self.admin = clients.admin(bench_access(bootstrap), client_id="cca-bench")
        self.stable = clients.consumer(
            bench_access(bootstrap), group_id=None, isolation_level="read_committed"
        )
        self.high = clients.consumer(bench_access(bootstrap), group_id=None)
        self.reader = clients.consumer(
            bench_access(bootstrap),
            group_id=None,
            isolation_level="read_committed",
            enable_auto_commit=False,
        )

    async def __aenter__(self) -> OffsetWatch:
        await self.admin.start()
        for consumer in (self.stable, self.high, self.reader):
            await consumer.start()
        return self

    async def __aexit__(self, *_: object) -> None:
        for consumer in (self.reader, self.high, self.stable):
            await consumer.stop()
        await self.admin.close()

    async def records_between(self, tp: TopicPartition, start: int, end: int) -> bool:
        """Whether any committed record lies in [start, end): markers and the records of
        aborted transactions take offsets too, so a gap in offsets need not hold any."""
        self.reader.assign([tp])
        self.reader.seek(tp, start)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            batch = await self.reader.getmany(tp, timeout_ms=200)
            if any(r.offset < end for r in batch.get(tp, ())):
                return True
            if await self.reader.position(tp) >= end:
                return False
        raise TimeoutError(f"could not read {tp} from {start} to {end}")

    async def ends(self, tps: Sequence[TopicPartition]) -> tuple[Offsets, Offsets]:
        """(last stable offsets, high watermarks)."""
        stable, high = await asyncio.gather(
            self.stable.end_offsets(list(tps)), self.high.end_offsets(list(tps))
        )
        return dict(stable), dict(high)

    async def committed(self, group: str, tps: Sequence[TopicPartition]) -> Offsets:
        """The group's committed offsets; none while its coordinator is not up yet."""
        try:
            answer = await self.admin.list_consumer_group_offsets(group, partitions=list(tps))
        except (GroupCoordinatorNotAvailableError, CoordinatorLoadInProgressError):
            return {}
        return {tp: meta.offset for tp, meta in answer.items() if meta is not None}


async def write(
    bootstrap: str, records: Iterable[Outgoing], *, timestamps_ms: Iterable[int] | None = None
) -> int:
    """Write records as fast as the broker takes them (``acks=all``, idempotent)."""
    producer = clients.producer(
        bench_access(bootstrap),
        acks="all",
        enable_idempotence=True,
        linger_ms=5,
        max_request_size=BIG,
        max_batch_size=256 * 1024,
    )
    await producer.start()
    count = 0
    try:
        futures = []
        stamps = iter(timestamps_ms) if timestamps_ms is not None else None
        for r in records:
            stamp = next(stamps) if stamps is not None else None
            futures.append(
                await producer.send(
                    r.topic, r.value, key=r.key, headers=list(r.headers), timestamp_ms=stamp
                )
            )
            count += 1
            if len(futures) >= 5000:
                await asyncio.gather(*futures)
                futures.clear()
        await asyncio.gather(*futures)
    finally:
        await producer.stop()
    return count


async def read(
    bootstrap: str,
    start: Mapping[TopicPartition, int],
    end: Mapping[TopicPartition, int],
    *,
    timeout_s: float = 120.0,
) -> list[Landed]:
    """Every committed record between ``start`` and ``end`` of each partition."""
    wanted = {tp: off for tp, off in end.items() if off > start.get(tp, 0)}
    out: list[Landed] = []
    if not wanted:
        return out
    async with _consumer(
        bootstrap,
        isolation_level="read_committed",
        fetch_max_bytes=64 * 1024 * 1024,
        max_partition_fetch_bytes=8 * 1024 * 1024,
    ) as consumer:
        consumer.assign(list(wanted))
        for tp in wanted:
            consumer.seek(tp, start.get(tp, 0))
        deadline = time.monotonic() + timeout_s
        while wanted and time.monotonic() < deadline:
            batches = await consumer.getmany(timeout_ms=500, max_records=20_000)
            for tp, records in batches.items():
                for r in records:
                    if r.offset < end.get(tp, 0):
                        out.append(
                            Landed(
                                tp.topic,
                                tp.partition,
                                r.offset,
                                r.timestamp,
                                r.value or b"",
                                list(r.headers or ()),
                            )
                        )
            for tp in list(wanted):
                if await consumer.position(tp) >= wanted[tp]:
                    del wanted[tp]
                    consumer.pause(tp)
    if wanted:
        raise TimeoutError(f"could not read up to the end of {sorted(map(str, wanted))}")
    return out
