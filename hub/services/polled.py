"""A polled-source service: polls one polled network's service (``adapters.sdk.polled``)
and publishes what changed.

Each group of updates is published in one Kafka transaction; only then does the poller
record them. A crash in between publishes them again on restart with the same event ids,
and the router drops the duplicates: nothing lost, nothing twice. An update becomes its
record through the adapter core, exactly as a consumed native message does; its dead
letter names ``feed:<kind>`` as the place it was read (there is no topic to point at).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from datetime import UTC, datetime
from typing import Any

from adapters.sdk.contract import Rejected
from adapters.sdk.polled import PollConfig, PolledAdapter, PolledUpdate, Poller
from contract.signing import Signer
from contract.topology import CANONICAL, RECEIVED_MS_HEADER, adapter_group
from hub.core.adapter_core import AdapterCore
from hub.core.records import Batch, Inbound, Outbound
from hub.keys.store import KeyStore
from hub.ops.metrics import metrics
from hub.services.outbox import Outbox, group_outbox
from hub.settings import HubSettings

logger = logging.getLogger(__name__)
#: updates published per transaction (and recorded per state save)
FLUSH_EVERY = 200


def update_output(core: AdapterCore, update: PolledUpdate, now: datetime) -> Outbound:
    """The record an update becomes: a signed canonical event, or a dead letter."""
    result = core.result(update.item, now)
    if not isinstance(result, Rejected):
        trace = [(RECEIVED_MS_HEADER, str(int(now.timestamp() * 1000)).encode())]
        return core.signed(result.event, trace)
    read_at = Inbound(
        topic=f"feed:{update.kind.lower()}",
        partition=0,
        offset=-1,
        key=update.entity_id.encode(),
        value=update.native,
    )
    return core.dead_letter(result, read_at)


class PolledService:
    """The poll loop of one polled network, publishing through its own outbox (the
    network's adapter group, so a restarted instance fences its predecessor)."""

    def __init__(
        self,
        adapter: PolledAdapter,
        poller: Poller[Any],
        outbox: Outbox,
        signer: Signer,
        interval_s: float,
    ) -> None:
        self.adapter = adapter
        self.slug = adapter.slug
        self.core = AdapterCore(adapter, signer)
        self.outbox = outbox
        self.interval_s = interval_s
        self.poller = poller
        self.polls = 0
        self.running = False

    @classmethod
    def from_settings(cls, settings: HubSettings, adapter: PolledAdapter) -> PolledService | None:
        """The service of ``adapter``'s network as configured, or None when no URL is set
        for it (the network is then not polled)."""
        source = settings.polled_source(adapter.slug)
        if not source.url:
            return None
        config = PollConfig(source.url, settings.state_dir / adapter.slug, source.interval_s)
        return cls(
            adapter,
            adapter.poller(config),
            group_outbox(settings, adapter_group(adapter.slug)),
            KeyStore(settings.state_dir).signer_for(adapter.slug),
            source.interval_s,
        )

    async def poll_once(self) -> int:
        """One pass over the source; returns the number of updates published."""
        published = 0
        pending: list[PolledUpdate] = []
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
            batch.outputs.append(update_output(self.core, update, datetime.now(UTC)))
            pending.append(update)
            if len(pending) >= FLUSH_EVERY:
                await flush()
        await flush()
        m = metrics()
        for report in self.poller.reports:
            outcome = "complete" if report.complete else "incomplete"
            m.source_polls.labels(self.slug, report.kind.lower(), outcome).inc()
        self.polls += 1
        return published

    def _count(self, batch: Batch) -> None:
        m = metrics()
        events = sum(1 for o in batch.outputs if o.topic == CANONICAL)
        m.events_out.labels(self.slug).inc(events)
        m.messages_in.labels(self.slug).inc(len(batch.outputs))
        m.last_message.labels(self.slug).set(time.time())
        if len(batch.outputs) > events:
            m.dlq.labels(self.slug, "adapter").inc(len(batch.outputs) - events)

    async def run(self, stop: asyncio.Event) -> None:
        self.running = True
        try:
            while not stop.is_set():
                try:
                    await self.poll_once()
                except Exception:  # the source or the broker failed: keep the place, retry
                    logger.exception(
                        "%s poll failed; retrying at the next interval", self.adapter.title
                    )
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), timeout=self.interval_s)
        finally:
            self.running = False
            await self.poller.aclose()
