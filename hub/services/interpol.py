"""The notice feed service: polls the notices web service and publishes what changed.

Each group of updates is published in one Kafka transaction; only then does the poller
record their content hashes. A crash in between publishes them again on restart with the
same event ids, and the router drops the duplicates: nothing lost, nothing twice.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from datetime import UTC, datetime
from pathlib import Path

from adapters.interpol import InterpolAdapter
from adapters.interpol.client import FeedClient
from adapters.interpol.poller import NoticePoller, Update
from adapters.interpol.state import NoticeState
from adapters.sdk.contract import Rejected, Translated
from adapters.sdk.pipeline import finish
from contract.envelope.sealing import signed_record
from contract.signing import Signer
from hub.core.dlq import Reason, reason_headers
from hub.core.records import Batch, Outbound
from hub.ops.metrics import metrics
from hub.services.outbox import Outbox
from hub.topics import CANONICAL, native_dlq

logger = logging.getLogger(__name__)
SLUG = "interpol"
FLUSH_EVERY = 200


def update_output(
    adapter: InterpolAdapter, signer: Signer, update: Update, now: datetime
) -> Outbound:
    """The record an update becomes: a signed canonical event, or a dead letter."""
    item = update.item
    if not isinstance(item, Rejected):
        result = finish(adapter, item, now)
        if isinstance(result, Translated):
            key, value, headers = signed_record(result.event, signer)
            trace = [("hub.received.ms", str(int(now.timestamp() * 1000)).encode())]
            return Outbound(CANONICAL, key, value, [*headers, *trace])
        item = result
    reason = Reason(
        stage=item.stage,
        class_name="adapters.interpol",
        exception_class=item.error_class,
        message=item.reason,
        network=SLUG,
    )
    return Outbound(
        native_dlq(SLUG),
        update.entity_id.encode(),
        update.native,
        reason_headers(f"feed:{update.kind.lower()}", 0, -1, reason),
    )


class InterpolService:
    def __init__(
        self, base_url: str, state_path: Path, outbox: Outbox, signer: Signer, interval_s: float
    ) -> None:
        self.adapter = InterpolAdapter()
        self.signer = signer
        self.outbox = outbox
        self.interval_s = interval_s
        self.client = FeedClient(base_url)
        self.poller = NoticePoller(self.client, NoticeState.load(state_path))
        self.polls = 0
        self.running = False

    async def poll_once(self) -> int:
        """One pass over the feed; returns the number of updates published."""
        published = 0
        pending: list[Update] = []
        batch = Batch()

        async def flush() -> None:
            nonlocal batch, published
            if not pending:
                return
            await self.outbox.commit(batch)
            for update in pending:
                self.poller.confirm(update)
            await self.poller.commit()
            published += len(pending)
            self._count(batch)
            pending.clear()
            batch = Batch()

        async for update in self.poller.poll():
            batch.outputs.append(
                update_output(self.adapter, self.signer, update, datetime.now(UTC))
            )
            pending.append(update)
            if len(pending) >= FLUSH_EVERY:
                await flush()
        await flush()
        m = metrics()
        for report in self.poller.reports:
            outcome = "complete" if report.complete else "incomplete"
            m.interpol_polls.labels(report.kind.lower(), outcome).inc()
        self.polls += 1
        return published

    def _count(self, batch: Batch) -> None:
        m = metrics()
        events = sum(1 for o in batch.outputs if o.topic == CANONICAL)
        m.events_out.labels(SLUG).inc(events)
        m.messages_in.labels(SLUG).inc(len(batch.outputs))
        m.last_message.labels(SLUG).set(time.time())
        if len(batch.outputs) > events:
            m.dlq.labels(SLUG, "adapter").inc(len(batch.outputs) - events)

    async def run(self, stop: asyncio.Event) -> None:
        self.running = True
        try:
            while not stop.is_set():
                try:
                    await self.poll_once()
                except Exception:  # the feed or the broker failed: keep the place, try again
                    logger.exception("notice feed poll failed; retrying at the next interval")
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), timeout=self.interval_s)
        finally:
            self.running = False
            await self.client.aclose()
