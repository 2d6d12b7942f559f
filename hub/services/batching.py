"""One batch subscriber whose handler turns records into a :class:`Batch` and commits it
through an outbox. On any failure the batch is rolled back and its partitions are rewound,
so nothing is skipped; the next fetch retries it.

The subscriber is made by a :class:`~hub.services.transport.Transport`: FastStream on the
real broker, or the in-memory broker of the tests; this module does not know which."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from aiokafka.abc import ConsumerRebalanceListener
from aiokafka.errors import ProducerFenced
from faststream.kafka import KafkaBroker

from hub.core.records import Batch, Inbound
from hub.ops.metrics import metrics
from hub.services.outbox import Outbox
from hub.services.transport import KafkaTransport, Subscriber, Subscription, Transport
from hub.settings import HubSettings

logger = logging.getLogger(__name__)

Work = Callable[[list[Inbound]], Awaitable[Batch]]
AfterCommit = Callable[[Batch], None]


class _Assignment(ConsumerRebalanceListener):  # type: ignore[misc]
    """Tracks the partitions this consumer owns. A rebalance waits for the batch in flight
    (the lock), so no transaction commits offsets of a partition that has already moved."""

    def __init__(self, lock: asyncio.Lock, inner: ConsumerRebalanceListener | None) -> None:
        self.lock = lock
        self.inner = inner
        self.owned: set[tuple[str, int]] = set()
        #: False until the first rebalance (a transport may have none)
        self.active = False

    async def on_partitions_revoked(self, revoked: Any) -> None:
        self.active = True
        async with self.lock:
            for tp in revoked:
                self.owned.discard((tp.topic, tp.partition))
            if self.inner is not None:
                await self.inner.on_partitions_revoked(revoked)

    async def on_partitions_assigned(self, assigned: Any) -> None:
        self.active = True
        async with self.lock:
            if self.inner is not None:
                await self.inner.on_partitions_assigned(assigned)
            for tp in assigned:
                self.owned.add((tp.topic, tp.partition))


class FatalServiceError(RuntimeError):
    """This process must stop (e.g. fenced by a newer instance of itself)."""


class BatchConsumer:
    def __init__(
        self,
        transport: Transport | KafkaBroker,
        *,
        name: str,
        topics: Sequence[str],
        group_id: str,
        outbox: Outbox,
        work: Work,
        after_commit: AfterCommit | None = None,
        listener: ConsumerRebalanceListener | None = None,
        max_records: int = 500,
        batch_timeout_ms: int = 50,
        retry_delay_s: float = 0.5,
        max_retry_delay_s: float = 10.0,
        stuck_after_s: float = 30.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.name = name
        self.outbox = outbox
        self.work = work
        self.after_commit = after_commit
        self.retry_delay_s = retry_delay_s
        self.max_retry_delay_s = max_retry_delay_s
        #: a batch failing this long (for a reason not of one record: those are dead-
        #: lettered by the work itself) makes the service not ready, with the reason
        self.stuck_after_s = stuck_after_s
        self.clock = clock
        self.consecutive_failures = 0
        self.failing_since: float | None = None
        self.last_failure = ""
        #: when the batch in progress started (None between batches)
        self.batch_started: float | None = None
        self.lock = asyncio.Lock()
        self.assignment = _Assignment(self.lock, listener)
        self.fatal: asyncio.Future[object] | None = None
        self.committed_batches = 0
        if isinstance(transport, KafkaBroker):  # the broker alone: its settings from the env
            transport = KafkaTransport(transport, HubSettings())
        self.transport = transport
        self.subscriber: Subscriber = transport.subscribe(
            Subscription(
                name=name,
                topics=tuple(topics),
                group_id=group_id,
                listener=self.assignment,
                max_records=max_records,
                batch_timeout_ms=batch_timeout_ms,
            ),
            self.handle,
        )

    async def handle(self, records: list[Inbound]) -> None:
        """One fetched batch, as the transport delivers it."""
        async with self.lock:
            # records fetched before a rebalance that moved their partition are not ours
            if self.assignment.active:
                owned = self.assignment.owned
                records = [r for r in records if (r.topic, r.partition) in owned]
            if records:
                await self._process(records)

    async def _process(self, records: list[Inbound]) -> None:
        self.batch_started = self.clock()
        try:
            await self._attempt(records)
        finally:
            self.batch_started = None

    async def _attempt(self, records: list[Inbound]) -> None:
        try:
            batch = await self.work(records)
            started = time.perf_counter()
            await self.outbox.commit(batch)
            metrics().stage_seconds.labels("publish").observe(time.perf_counter() - started)
        except ProducerFenced as exc:
            logger.error("%s: fenced by a newer instance; stopping", self.name)
            self._stop_process(exc)
            raise FatalServiceError(str(exc)) from exc
        except Exception as exc:
            metrics().batch_failures.labels(self.name).inc()
            delay = self._failed(exc)
            logger.exception(
                "%s: batch of %d failed (%d in a row); retrying in %.1f s",
                self.name,
                len(records),
                self.consecutive_failures,
                delay,
            )
            self.transport.failed(self.subscriber, records, exc)
            await asyncio.sleep(delay)
            return
        self.consecutive_failures = 0
        self.failing_since = None
        self.committed_batches += 1
        if self.after_commit is not None:
            self.after_commit(batch)

    async def commit_own(
        self, make: Callable[[set[int] | None], Batch | None], topic: str
    ) -> Batch | None:
        """A batch of the service's own making, with no input records (a release of what it
        held back), for the partitions of ``topic`` this member owns, committed through the
        same outbox under the batch lock: it never interleaves with a rebalance or with
        a batch of records. A failure is raised to the caller, which tries again later."""
        async with self.lock:
            owned = {p for t, p in self.assignment.owned if t == topic}
            if self.assignment.active and not owned:
                return None
            batch = make(owned if self.assignment.active else None)
            if batch is None or not batch.outputs:
                return None
            try:
                await self.outbox.commit(batch)
            except ProducerFenced as exc:
                logger.error("%s: fenced by a newer instance; stopping", self.name)
                self._stop_process(exc)
                raise FatalServiceError(str(exc)) from exc
            return batch

    def _failed(self, exc: BaseException) -> float:
        """Record a failed batch; the back-off before the retry (doubling, bounded)."""
        self.consecutive_failures += 1
        if self.failing_since is None:
            self.failing_since = self.clock()
        self.last_failure = f"{type(exc).__name__}: {exc}"[:300]
        return float(
            min(self.retry_delay_s * 2 ** (self.consecutive_failures - 1), self.max_retry_delay_s)
        )

    def stuck(self) -> str | None:
        """Why this consumer is not making progress, once it has failed for longer than the
        bound; None while it is fine (or has not been failing that long)."""
        now = self.clock()
        if self.batch_started is not None and now - self.batch_started >= self.stuck_after_s:
            since = f"; before it: {self.last_failure}" if self.failing_since else ""
            return f"a batch has been in progress for {now - self.batch_started:.0f} s{since}"
        if self.failing_since is None:
            return None
        failing = now - self.failing_since
        if failing < self.stuck_after_s:
            return None
        return (
            f"{self.consecutive_failures} batches in a row failed over {failing:.0f} s; "
            f"last: {self.last_failure}"
        )

    def _stop_process(self, exc: BaseException) -> None:
        if self.fatal is not None and not self.fatal.done():
            self.fatal.set_result(exc)
