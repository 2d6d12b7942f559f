"""Consumer lag of the hub's groups, read from the broker.

Lag is what a group still has to read: from the offset it resumes at (its commit, or the
earliest offset when it has none) to the partition's last stable offset, the end a
``read_committed`` consumer can reach. The broker keeps these numbers, so the lag is right
even when the service that should read is down: that is when it matters.

Transactions leave a commit marker after their records and the hub commits "last record
+ 1", so a group that has read everything sits one offset short of the end on topics
written in transactions (the canonical and receipts topics). Gaps of up to
:data:`SETTLE_MAX` offsets are therefore *settled*: read, and counted in records a
``read_committed`` consumer actually gets. Larger gaps are reported as offsets; they
overstate the lag by the markers in them, at most one per transaction.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Protocol

from aiokafka import AIOKafkaConsumer
from aiokafka.admin import AIOKafkaAdminClient
from aiokafka.structs import TopicPartition

from adapters.sdk.registry import adapter_class
from hub.ops.metrics import HubMetrics, metrics
from hub.topics import CANONICAL, native_in, receipts_topic

logger = logging.getLogger(__name__)

LAG_INTERVAL_S = 5.0
"""Seconds between two collections in a running service."""
SETTLE_MAX = 32
"""Gaps up to this many offsets are read to tell records from transaction markers."""
SETTLE_TIMEOUT_S = 2.0
GROUP_PREFIX = "cca-"


@dataclass(frozen=True, slots=True)
class GroupTopics:
    """A consumer group and the topics it reads."""

    group: str
    topics: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Bounds:
    start: int  # earliest offset still in the log
    end: int  # last stable offset


@dataclass(frozen=True, slots=True)
class PartitionLag:
    group: str
    topic: str
    partition: int
    committed: int | None  # None: the group has committed nothing here
    end: int
    lag: int


def resume_offset(committed: int | None, bounds: Bounds) -> int:
    """Where the group reads next: its commit, or the earliest offset when it has none or
    retention has removed what it points at (the hub's consumers reset to earliest)."""
    if committed is None or committed < bounds.start:
        return bounds.start
    return committed


def gap(committed: int | None, bounds: Bounds) -> int:
    """Offsets between where the group resumes and the end."""
    return max(0, bounds.end - resume_offset(committed, bounds))


def to_settle(
    committed: dict[tuple[str, TopicPartition], int | None],
    bounds: dict[TopicPartition, Bounds],
    max_gap: int = SETTLE_MAX,
) -> dict[TopicPartition, tuple[int, int]]:
    """The (from, to) offset ranges worth reading: small, non-empty gaps."""
    ranges: dict[TopicPartition, tuple[int, int]] = {}
    for (_, tp), offset in committed.items():
        b = bounds.get(tp)
        if b is not None and 0 < gap(offset, b) <= max_gap:
            ranges[tp] = (resume_offset(offset, b), b.end)
    return ranges


def partition_lags(
    committed: dict[tuple[str, TopicPartition], int | None],
    bounds: dict[TopicPartition, Bounds],
    visible: dict[tuple[TopicPartition, int, int], int],
) -> list[PartitionLag]:
    """One lag per (group, partition); ``visible`` holds settled ranges' record counts."""
    out = []
    for (group, tp), offset in sorted(committed.items(), key=lambda i: (i[0][0], *i[0][1])):
        b = bounds.get(tp)
        if b is None:
            continue
        span = (tp, resume_offset(offset, b), b.end)
        lag = visible.get(span, gap(offset, b))
        out.append(PartitionLag(group, tp.topic, tp.partition, offset, b.end, lag))
    return out


def hub_groups(
    networks: Iterable[str], *, polled: frozenset[str] = frozenset({"interpol"})
) -> list[GroupTopics]:
    """Every consumer group of a hub running these networks' adapters: the router, one
    adapter group per network (a polled feed has none), and a receipts group for each
    network that gets its replies through the router."""
    groups = [GroupTopics("cca-router", (CANONICAL,))]
    for slug in sorted(networks):
        if slug in polled:
            continue
        groups.append(GroupTopics(f"cca-adapter-{slug}", (native_in(slug),)))
        cls = adapter_class(slug)
        if cls.replies and not cls.batch_receipts:
            groups.append(GroupTopics(f"cca-receipts-{slug}", (receipts_topic(slug),)))
    return groups


def merged(*lists: Iterable[GroupTopics]) -> list[GroupTopics]:
    """One entry per group, with the union of the topics the lists give it."""
    topics: dict[str, dict[str, None]] = {}
    for groups in lists:
        for g in groups:
            topics.setdefault(g.group, {}).update(dict.fromkeys(g.topics))
    return [GroupTopics(group, tuple(names)) for group, names in topics.items()]


class LagSource(Protocol):
    async def start(self) -> None: ...
    async def stop(self) -> None: ...
    async def ping(self) -> None: ...
    async def lag(self, groups: Sequence[GroupTopics]) -> list[PartitionLag]: ...


class LagReader:
    """An admin client and a ``read_committed`` consumer without a group, reused between
    reads. Every method needs :meth:`start` first."""

    def __init__(
        self,
        bootstrap: str | Sequence[str],
        *,
        client_id: str = "cca-hub-lag",
        request_timeout_ms: int = 10_000,
    ) -> None:
        servers = [bootstrap] if isinstance(bootstrap, str) else list(bootstrap)
        self.bootstrap = ",".join(servers)
        self.admin = AIOKafkaAdminClient(
            bootstrap_servers=servers, client_id=client_id, request_timeout_ms=request_timeout_ms
        )
        self.consumer = AIOKafkaConsumer(
            bootstrap_servers=servers,
            client_id=client_id,
            group_id=None,
            isolation_level="read_committed",
            enable_auto_commit=False,
            request_timeout_ms=request_timeout_ms,
            max_partition_fetch_bytes=1024 * 1024,
        )
        self._settled: dict[tuple[TopicPartition, int, int], int] = {}

    async def start(self) -> None:
        await self.admin.start()
        await self.consumer.start()

    async def stop(self) -> None:
        try:
            await self.consumer.stop()
        finally:
            await self.admin.close()

    async def ping(self) -> None:
        """One request the broker must answer."""
        await self.admin.describe_cluster()

    async def partitions(self, topics: Iterable[str]) -> dict[str, int]:
        """Partition counts of the topics that exist."""
        names = sorted(set(topics))
        if not names:
            return {}
        found = {}
        for topic in await self.admin.describe_topics(names):
            if topic["error_code"] == 0 and topic["partitions"]:
                found[str(topic["topic"])] = len(topic["partitions"])
        return found

    async def bounds(self, tps: Sequence[TopicPartition]) -> dict[TopicPartition, Bounds]:
        if not tps:
            return {}
        # assigned (and paused: nothing is fetched), the topics' metadata comes in one
        # request; otherwise the client learns one unknown topic per retry round
        self.consumer.assign(list(tps))
        self.consumer.pause(*tps)
        starts = await self.consumer.beginning_offsets(list(tps))
        ends = await self.consumer.end_offsets(list(tps))
        return {tp: Bounds(int(starts[tp]), int(ends[tp])) for tp in tps}

    async def groups(self, prefix: str = GROUP_PREFIX) -> list[str]:
        """Consumer groups on the broker whose name starts with ``prefix``."""
        return sorted(
            str(g[0])
            for g in await self.admin.list_consumer_groups()
            if str(g[0]).startswith(prefix)
        )

    async def committed_topics(self, group: str) -> tuple[str, ...]:
        """The topics a group has committed offsets on, for a group the plan does not know."""
        found = await self.admin.list_consumer_group_offsets(group)
        return tuple(sorted({tp.topic for tp in found}))

    async def committed(
        self, group: str, tps: Sequence[TopicPartition]
    ) -> dict[TopicPartition, int | None]:
        found = await self.admin.list_consumer_group_offsets(group, partitions=list(tps))
        out: dict[TopicPartition, int | None] = dict.fromkeys(tps)
        for tp, meta in found.items():
            out[tp] = int(meta.offset) if meta.offset >= 0 else None
        return out

    async def visible(
        self, ranges: dict[TopicPartition, tuple[int, int]], timeout_s: float = SETTLE_TIMEOUT_S
    ) -> dict[TopicPartition, int]:
        """Records a ``read_committed`` reader gets in each [from, to) range. Ranges not
        read to their end within the timeout are left out."""
        if not ranges:
            return {}
        consumer = self.consumer
        consumer.assign(list(ranges))
        try:
            for tp, (first, _) in ranges.items():
                consumer.seek(tp, first)
            counts = dict.fromkeys(ranges, 0)
            pending = set(ranges)
            deadline = time.monotonic() + timeout_s
            while pending and time.monotonic() < deadline:
                fetched = await consumer.getmany(*pending, timeout_ms=100)
                for tp, records in fetched.items():
                    counts[tp] += sum(1 for r in records if r.offset < ranges[tp][1])
                for tp in list(pending):
                    if await consumer.position(tp) >= ranges[tp][1]:
                        pending.discard(tp)
            return {tp: n for tp, n in counts.items() if tp not in pending}
        finally:
            consumer.pause(*ranges)

    async def lag(self, groups: Sequence[GroupTopics]) -> list[PartitionLag]:
        """The lag of every partition of every group's topics (missing topics skipped)."""
        counts = await self.partitions(t for g in groups for t in g.topics)
        committed: dict[tuple[str, TopicPartition], int | None] = {}
        for g in groups:
            tps = [TopicPartition(t, p) for t in g.topics if t in counts for p in range(counts[t])]
            if tps:
                for tp, offset in (await self.committed(g.group, tps)).items():
                    committed[(g.group, tp)] = offset
        bounds = await self.bounds(sorted({tp for _, tp in committed}))
        ranges = to_settle(committed, bounds)
        spans = {(tp, first, end) for tp, (first, end) in ranges.items()}
        known = {span: n for span, n in self._settled.items() if span in spans}
        unread = {tp: r for tp, r in ranges.items() if (tp, *r) not in known}
        for tp, n in (await self.visible(unread)).items():
            known[(tp, *unread[tp])] = n
        self._settled = known
        return partition_lags(committed, bounds, known)


def export(lags: Iterable[PartitionLag], m: HubMetrics) -> None:
    for lag in lags:
        m.consumer_lag.labels(lag.group, lag.topic, str(lag.partition)).set(lag.lag)


class LagCollector:
    """Sets ``hub_consumer_lag`` for a service's groups every ``interval_s``. Each
    collection is also the service's proof that it reaches the broker: ``connected``."""

    def __init__(
        self,
        source: Callable[[], LagSource],
        groups: Sequence[GroupTopics],
        *,
        interval_s: float = LAG_INTERVAL_S,
        timeout_s: float = 10.0,
        after_each: Callable[[], None] | None = None,
        m: HubMetrics | None = None,
    ) -> None:
        self.source = source
        self.groups = list(groups)
        self.interval_s = interval_s
        self.timeout_s = timeout_s
        self.after_each = after_each
        self.metrics = m or metrics()
        self.connected = False
        self.collections = 0
        self._reader: LagSource | None = None

    async def collect_once(self) -> list[PartitionLag]:
        """One collection; on any failure the reader is dropped and rebuilt next time."""
        self.collections += 1
        try:
            async with asyncio.timeout(self.timeout_s):
                reader = await self._started_reader()
                if self.groups:
                    lags = await reader.lag(self.groups)
                else:
                    await reader.ping()
                    lags = []
        except Exception as exc:
            if self.connected or self.collections == 1:
                logger.warning("consumer lag not collected: %s", str(exc) or type(exc).__name__)
            self.connected = False
            await self._drop_reader()
            return []
        self.connected = True
        export(lags, self.metrics)
        return lags

    async def _started_reader(self) -> LagSource:
        if self._reader is None:
            reader = self.source()
            try:
                await reader.start()
            except BaseException:
                await _quietly_stop(reader)
                raise
            self._reader = reader
        return self._reader

    async def _drop_reader(self) -> None:
        reader, self._reader = self._reader, None
        if reader is not None:
            await _quietly_stop(reader)

    async def run(self, stop: asyncio.Event) -> None:
        try:
            while not stop.is_set():
                await self.collect_once()
                if self.after_each is not None:
                    self.after_each()
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), timeout=self.interval_s)
        finally:
            self.connected = False
            await self._drop_reader()


async def _quietly_stop(reader: LagSource) -> None:
    try:
        await reader.stop()
    except Exception:
        logger.debug("lag reader did not stop cleanly", exc_info=True)
