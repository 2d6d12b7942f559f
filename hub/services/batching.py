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
    ) -> None:
        self.name = name
        self.outbox = outbox
        self.work = work
        self.after_commit = after_commit
        self.retry_delay_s = retry_delay_s
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
            logger.exception("%s: batch of %d failed; rewinding to retry", self.name, len(records))
            self.transport.failed(self.subscriber, records, exc)
            await asyncio.sleep(self.retry_delay_s)
            return
        self.committed_batches += 1
        if self.after_commit is not None:
            self.after_commit(batch)

    def _stop_process(self, exc: BaseException) -> None:
        if self.fatal is not None and not self.fatal.done():
            self.fatal.set_result(exc)
