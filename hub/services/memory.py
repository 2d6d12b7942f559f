"""An in-memory broker behind the transport seam, for running the services in tests.

Why the hub's own and not FastStream's ``TestKafkaBroker``: the test broker hands each
published message straight to the matching handler, with offset 0 on partition 0, headers
re-encoded from a ``str`` mapping plus its own ``content-type`` and ``correlation_id``,
and no log, consumer group or committed offset. The hub's services depend on exactly what
it leaves out: their outputs leave through an outbox (an aiokafka transaction), not through
FastStream publishing; a failed batch is *rewound* and fetched again (there is no consumer
to seek, so the batch would be lost); the router's memory is rebuilt from the state topics
on assignment; and dead letters must keep the original headers byte for byte. So the seam
sits below FastStream, at "deliver batches to a consumer, commit through an outbox", and
this module implements that seam with a few honest pieces:

- :class:`MemoryLog`: topics of the hub's plan as partitioned append-only logs with real
  offsets (keys partitioned as aiokafka's default partitioner does), and each group's
  committed offsets. An outbox commit appends a batch's outputs and moves its group's
  offsets in one step, as a Kafka transaction does for a ``read_committed`` reader.
- :class:`MemoryTransport`: one fetch loop per subscription, from the group's commit (or
  the start), ``max_records`` at a time; a failed batch is fetched again from its first
  offset; every failure is kept so that :meth:`MemoryTransport.join` re-raises it in the
  test (as Dramatiq's ``StubBroker.join(fail_fast=True)`` does).

One member per group: a subscription is assigned every partition of its topics.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator, Mapping, Sequence
from dataclasses import dataclass, field

from aiokafka.partitioner import DefaultPartitioner
from aiokafka.structs import TopicPartition

from hub.core.records import Headers, Inbound, Outbound
from hub.services.outbox import MemoryOutbox
from hub.services.state_loader import StateLog
from hub.services.transport import Handle, Subscriber, Subscription


class UnknownTopicError(LookupError):
    """A write to a topic that is not in the plan (the hub never auto-creates topics)."""


@dataclass(slots=True)
class _Topic:
    partitions: list[list[Inbound]]
    #: every record in the order it was appended, across partitions
    appended: list[Inbound] = field(default_factory=list)
    next_keyless: int = 0


class MemoryLog:
    """The topics of a plan, their records, and the consumer groups' committed offsets."""

    def __init__(self, topics: Mapping[str, int]) -> None:
        self._topics = {name: _Topic([[] for _ in range(n)]) for name, n in topics.items()}
        self._committed: dict[str, dict[tuple[str, int], int]] = {}
        self._waiters: list[asyncio.Future[None]] = []
        self._partitioner = DefaultPartitioner()

    def _topic(self, name: str) -> _Topic:
        try:
            return self._topics[name]
        except KeyError:
            raise UnknownTopicError(f"topic {name!r} is not in the hub's plan") from None

    def partitions(self, topic: str) -> int:
        return len(self._topic(topic).partitions)

    def append(
        self,
        topic: str,
        key: bytes | None,
        value: bytes | None,
        headers: Headers = (),
        *,
        partition: int | None = None,
        timestamp_ms: int | None = None,
    ) -> Inbound:
        """Write one record; returns it as a consumer will read it."""
        self._append(topic, key, value, headers, partition, timestamp_ms)
        self.wake()
        return self._topic(topic).appended[-1]

    def _append(
        self,
        topic: str,
        key: bytes | None,
        value: bytes | None,
        headers: Headers,
        partition: int | None,
        timestamp_ms: int | None,
    ) -> None:
        t = self._topic(topic)
        count = len(t.partitions)
        if partition is None:
            if key is None:
                partition, t.next_keyless = t.next_keyless % count, t.next_keyless + 1
            else:
                every = list(range(count))
                partition = int(self._partitioner(key, every, every))
        if not 0 <= partition < count:
            raise UnknownTopicError(f"{topic} has no partition {partition}")
        log = t.partitions[partition]
        record = Inbound(
            topic,
            partition,
            len(log),
            key,
            value,
            tuple(headers),
            timestamp_ms if timestamp_ms is not None else int(time.time() * 1000),
        )
        log.append(record)
        t.appended.append(record)

    def commit(
        self,
        group_id: str,
        outputs: Sequence[Outbound],
        offsets: Mapping[tuple[str, int], int],
    ) -> None:
        """A batch's outputs and its group's offsets, all or nothing."""
        for out in outputs:  # check first: a refused batch leaves no trace
            self._topic(out.topic)
        for out in outputs:
            self._append(out.topic, out.key, out.value, out.headers, out.partition, None)
        self._committed.setdefault(group_id, {}).update(offsets)
        self.wake()

    def committed(self, group_id: str, topic: str, partition: int) -> int | None:
        return self._committed.get(group_id, {}).get((topic, partition))

    def end(self, topic: str, partition: int) -> int:
        return len(self._topic(topic).partitions[partition])

    def read(self, topic: str, partition: int, start: int, limit: int) -> list[Inbound]:
        return self._topic(topic).partitions[partition][start : start + limit]

    def records(self, topic: str) -> list[Inbound]:
        """Everything on a topic, in the order it was written."""
        return list(self._topic(topic).appended)

    async def replay(self, partitions: Sequence[tuple[str, int]]) -> AsyncIterator[list[Inbound]]:
        """:class:`~hub.services.state_loader.StateLog`: the records there are now."""
        for topic, partition in partitions:
            records = self._topic(topic).partitions[partition][:]
            if records:
                yield records

    def wake(self) -> None:
        """Something changed: every :meth:`changed` waiter looks again."""
        waiters, self._waiters = self._waiters, []
        for waiter in waiters:
            if not waiter.done():
                waiter.set_result(None)

    def changed(self) -> asyncio.Future[None]:
        """Done at the next change (a write, a commit, a consumer going idle or failing).

        A plain method, not a coroutine: the waiter is registered the moment the caller has
        looked, so no change between looking and waiting goes unseen."""
        waiter: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._waiters.append(waiter)
        return waiter


class MemorySubscriber:
    """One subscription's fetch loop. Satisfies :class:`~hub.services.transport.Subscriber`."""

    def __init__(self, log: MemoryLog, subscription: Subscription, handle: Handle) -> None:
        self.log = log
        self.subscription = subscription
        self.handle = handle
        self.positions: dict[tuple[str, int], int] = {}
        self.assigned = False
        self.busy = False
        self.error: BaseException | None = None
        self._task: asyncio.Task[None] | None = None
        self._failures: list[BaseException] = []

    @property
    def group_id(self) -> str | None:
        return self.subscription.group_id

    @property
    def topic_names(self) -> list[str]:
        return list(self.subscription.topics)

    @property
    def running(self) -> bool:
        return self._task is not None and not self._task.done()

    def start(self, failures: list[BaseException]) -> None:
        self._failures = failures
        self._task = asyncio.ensure_future(self._run())

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    def idle(self) -> bool:
        """Started, not in a batch, and at the end of every partition."""
        if self.error is not None:
            return True
        return (
            self.assigned
            and not self.busy
            and all(self.log.end(t, p) <= pos for (t, p), pos in self.positions.items())
        )

    def rewind(self, records: Sequence[Inbound]) -> None:
        for r in records:
            key = (r.topic, r.partition)
            self.positions[key] = min(self.positions.get(key, r.offset), r.offset)

    async def _run(self) -> None:
        group = self.subscription.group_id
        tps = [
            TopicPartition(t, p)
            for t in self.subscription.topics
            for p in range(self.log.partitions(t))
        ]
        try:
            await self.subscription.listener.on_partitions_assigned(tps)
            for tp in tps:
                committed = self.log.committed(group, tp.topic, tp.partition)
                self.positions[(tp.topic, tp.partition)] = committed or 0
            self.assigned = True
            self.log.wake()
            while True:
                records = self._fetch()
                if not records:
                    await self.log.changed()
                    continue
                self.busy = True
                try:
                    await self.handle(records)
                finally:
                    self.busy = False
                    self.log.wake()
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # the consumer stops, as a process would
            self.error = exc
            self._failures.append(exc)
            self.log.wake()

    def _fetch(self) -> list[Inbound]:
        limit = self.subscription.max_records
        out: list[Inbound] = []
        for (topic, partition), position in self.positions.items():
            if len(out) >= limit:
                break
            got = self.log.read(topic, partition, position, limit - len(out))
            if got:
                self.positions[(topic, partition)] = got[-1].offset + 1
                out += got
        return out


class MemoryTransport:
    """:class:`~hub.services.transport.Transport` on a :class:`MemoryLog`."""

    def __init__(self, log: MemoryLog) -> None:
        self.log = log
        self.subscribers: list[MemorySubscriber] = []
        self.outboxes: dict[str, MemoryOutbox] = {}
        #: batch failures and stopped consumers, oldest first, until :meth:`join` raises
        self.failures: list[BaseException] = []

    def subscribe(self, subscription: Subscription, handle: Handle) -> Subscriber:
        subscriber = MemorySubscriber(self.log, subscription, handle)
        self.subscribers.append(subscriber)
        return subscriber

    def failed(
        self, subscriber: Subscriber, records: Sequence[Inbound], error: BaseException
    ) -> None:
        assert isinstance(subscriber, MemorySubscriber)
        subscriber.rewind(records)
        self.failures.append(error)
        self.log.wake()

    def outbox(self, group_id: str) -> MemoryOutbox:
        box = self.outboxes.get(group_id)
        if box is None:
            box = self.outboxes[group_id] = MemoryOutbox(self.log, group_id)
        return box

    def state_log(self) -> StateLog:
        return self.log

    def partitions(self, subscriber: Subscriber, topic: str) -> int | None:
        try:
            return self.log.partitions(topic)
        except UnknownTopicError:
            return None

    def start(self) -> None:
        for subscriber in self.subscribers:
            if not subscriber.running:
                subscriber.start(self.failures)

    async def stop(self) -> None:
        for subscriber in self.subscribers:
            await subscriber.stop()

    def idle(self) -> bool:
        return all(s.idle() for s in self.subscribers)

    async def join(self, timeout_s: float = 30.0, *, fail_fast: bool = True) -> None:
        """Until every consumer has handled everything there is to read.

        ``fail_fast``: raise the first batch failure (or stopped consumer) at once, instead
        of letting the consumer retry it."""
        deadline = time.monotonic() + timeout_s
        while True:
            if fail_fast and self.failures:
                first = self.failures[0]
                self.failures.clear()
                raise first
            stopped = [s.error for s in self.subscribers if s.error is not None]
            if stopped:  # a consumer that stopped never reads again: the hub is broken
                raise stopped[0]
            if self.idle():
                return
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                behind = [s.subscription.name for s in self.subscribers if not s.idle()]
                raise TimeoutError(f"consumers still busy after {timeout_s}s: {behind}")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.log.changed(), remaining)
