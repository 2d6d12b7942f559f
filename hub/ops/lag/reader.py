"""Reading lag from the broker: committed offsets, partition bounds, and the records a
``read_committed`` reader gets in small gaps. The broker keeps these numbers, so the lag is
right even when the service that should read is down: that is when it matters."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterable, Sequence
from typing import Any, Protocol

from aiokafka.errors import GroupCoordinatorNotAvailableError, TopicAuthorizationFailedError
from aiokafka.structs import TopicPartition

from hub.access import clients
from hub.access.clients import KafkaAccess
from hub.ops.lag.arithmetic import Bounds, PartitionLag, partition_lags, to_settle
from hub.ops.lag.groups import GroupTopics

SETTLE_TIMEOUT_S = 2.0
GROUP_PREFIX = "cca-"
_COORDINATOR_ATTEMPTS = 5


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
        access: KafkaAccess,
        *,
        client_id: str = "cca-hub-lag",
        request_timeout_ms: int = 10_000,
    ) -> None:
        self.bootstrap = access.bootstrap
        self.admin = clients.admin(
            access, client_id=client_id, request_timeout_ms=request_timeout_ms
        )
        self.consumer = clients.consumer(
            access,
            client_id=client_id,
            group_id=None,
            isolation_level="read_committed",
            enable_auto_commit=False,
            request_timeout_ms=request_timeout_ms,
            max_partition_fetch_bytes=1024 * 1024,
        )
        self._settled: dict[tuple[TopicPartition, int, int], int] = {}
        #: topics this principal may not read (learnt from the broker's refusals)
        self.unreadable: set[str] = set()

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
        found = await self._group_offsets(group)
        return tuple(sorted({tp.topic for tp in found}))

    async def _group_offsets(
        self, group: str, partitions: list[TopicPartition] | None = None
    ) -> dict[TopicPartition, Any]:
        """The group's commits. On a broker where no group has ever committed, the first
        question creates the offsets topic and its coordinator is briefly unknown: asked
        again (a few times, a second apart)."""
        for attempt in range(_COORDINATOR_ATTEMPTS):
            try:
                found: dict[TopicPartition, Any] = await self.admin.list_consumer_group_offsets(
                    group, partitions=partitions
                )
                return found
            except GroupCoordinatorNotAvailableError:
                if attempt + 1 == _COORDINATOR_ATTEMPTS:
                    raise
                await asyncio.sleep(1.0)
        raise AssertionError("unreachable")

    async def committed(
        self, group: str, tps: Sequence[TopicPartition]
    ) -> dict[TopicPartition, int | None]:
        found = await self._group_offsets(group, list(tps))
        out: dict[TopicPartition, int | None] = dict.fromkeys(tps)
        for tp, meta in found.items():
            out[tp] = int(meta.offset) if meta.offset >= 0 else None
        return out

    async def visible(
        self, ranges: dict[TopicPartition, tuple[int, int]], timeout_s: float = SETTLE_TIMEOUT_S
    ) -> dict[TopicPartition, int]:
        """Records a ``read_committed`` reader gets in each [from, to) range. Ranges not
        read to their end within the timeout are left out."""
        ranges = {tp: r for tp, r in ranges.items() if tp.topic not in self.unreadable}
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
                try:
                    fetched = await consumer.getmany(*pending, timeout_ms=100)
                except TopicAuthorizationFailedError as denied:
                    # this principal may describe the topic, not read it: its lag is the
                    # offset gap (a commit marker too many per transaction at most)
                    self.unreadable |= _denied_topics(denied, pending)
                    pending = {tp for tp in pending if tp.topic not in self.unreadable}
                    for tp in [tp for tp in counts if tp.topic in self.unreadable]:
                        del counts[tp]
                    continue
                for tp, records in fetched.items():
                    counts[tp] += sum(1 for r in records if r.offset < ranges[tp][1])
                for tp in list(pending):
                    if await consumer.position(tp) >= ranges[tp][1]:
                        pending.discard(tp)
            return {tp: n for tp, n in counts.items() if tp not in pending}
        finally:
            consumer.pause(*ranges)

    async def tail(
        self, tps: Sequence[TopicPartition], window: int = 64, timeout_s: float = SETTLE_TIMEOUT_S
    ) -> dict[TopicPartition, list[tuple[bytes | None, bytes | None]]]:
        """The last ``window`` committed records (key, value) of each partition, oldest
        first; a partition not read to its end within the timeout is left out."""
        bounds = await self.bounds(tps)
        ranges = {tp: (max(b.start, b.end - window), b.end) for tp, b in bounds.items()}
        ranges = {tp: r for tp, r in ranges.items() if r[0] < r[1]}
        out: dict[TopicPartition, list[tuple[bytes | None, bytes | None]]] = {
            tp: [] for tp in bounds if tp not in ranges
        }
        if not ranges:
            return out
        consumer = self.consumer
        consumer.assign(list(ranges))
        try:
            for tp, (first, _) in ranges.items():
                consumer.seek(tp, first)
            got: dict[TopicPartition, list[tuple[bytes | None, bytes | None]]] = {
                tp: [] for tp in ranges
            }
            pending = set(ranges)
            deadline = time.monotonic() + timeout_s
            while pending and time.monotonic() < deadline:
                fetched = await consumer.getmany(*pending, timeout_ms=100)
                for tp, records in fetched.items():
                    got[tp] += [(r.key, r.value) for r in records if r.offset < ranges[tp][1]]
                for tp in list(pending):
                    if await consumer.position(tp) >= ranges[tp][1]:
                        pending.discard(tp)
            out.update({tp: rows for tp, rows in got.items() if tp not in pending})
            return out
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


def _denied_topics(
    error: TopicAuthorizationFailedError, asked: Iterable[TopicPartition]
) -> set[str]:
    """The topics a refusal names; every topic asked for when it names none."""
    named: set[str] = set()
    for arg in error.args:
        named |= (
            {arg}
            if isinstance(arg, str)
            else {str(a) for a in arg}
            if isinstance(arg, set | list | tuple)
            else set()
        )
    return named or {tp.topic for tp in asked}
