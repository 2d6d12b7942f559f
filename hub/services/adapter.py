"""An adapter service: ``net.<slug>.in`` → signed canonical events (or the DLQ), and the
router's receipts → the network's native replies on ``net.<slug>.out``."""

from __future__ import annotations

import asyncio
import logging
import time
from dataclasses import dataclass
from datetime import UTC, datetime

from faststream.kafka import KafkaBroker

from adapters.sdk.contract import Rejected
from adapters.sdk.registry import get_adapter
from contract.signing import Signer
from contract.topology import (
    adapter_group,
    native_in,
    receipts_group,
    receipts_topic,
    replies_through_router,
)
from hub.core.adapter_core import AdapterCore, AdapterTally, receipt_or_refusal, refusal
from hub.core.records import Batch, Inbound
from hub.keys.reload import RegistryReloader
from hub.keys.store import KeyStore
from hub.ops.metrics import metrics
from hub.services.batching import BatchConsumer
from hub.services.offload import Offloader
from hub.services.outbox import Outbox
from hub.services.transport import Transport, as_transport
from hub.settings import HubSettings

logger = logging.getLogger(__name__)
SIGNER_REFRESH_S = 60.0


@dataclass(frozen=True, slots=True)
class AdapterBatch:
    records: int
    tally: AdapterTally
    last_ms: int


class AdapterService:
    def __init__(
        self,
        settings: HubSettings,
        broker: KafkaBroker | Transport,
        slug: str,
        *,
        outbox: Outbox | None = None,
        receipts_outbox: Outbox | None = None,
        signer: Signer | None = None,
        offloader: Offloader | None = None,
    ) -> None:
        self.settings = settings
        self.adapter = get_adapter(slug)
        self.slug = slug
        self.store = KeyStore(settings.state_dir)
        self._fixed_signer = signer
        self._signer = signer or self.store.signer_for(slug)
        self._signer_at = time.monotonic()
        self.core = AdapterCore(self.adapter, self._signer)
        #: where messages over ``settings.offload_bytes`` are translated; None: all inline
        self.offloader = offloader
        transport = as_transport(broker, settings)
        group = adapter_group(slug)
        self.consumer = BatchConsumer(
            transport,
            name=f"adapter-{slug}",
            topics=[native_in(slug)],
            group_id=group,
            outbox=outbox or transport.outbox(group),
            work=self.work,
            after_commit=self.committed,
            max_records=min(settings.batch_max_records, 100),
            batch_timeout_ms=settings.batch_timeout_ms,
            stuck_after_s=settings.stuck_after_s,
        )
        self.receipts: BatchConsumer | None = None
        #: the public keys, to check the router's seal on receipts
        self.keys: RegistryReloader | None = None
        if replies_through_router(self.adapter):
            self.keys = RegistryReloader(settings.registry_path)
            rgroup = receipts_group(slug)
            self.receipts = BatchConsumer(
                transport,
                name=f"receipts-{slug}",
                topics=[receipts_topic(slug)],
                group_id=rgroup,
                outbox=receipts_outbox or transport.outbox(rgroup),
                work=self.work_receipts,
                after_commit=self.receipts_committed,
                max_records=settings.batch_max_records,
                batch_timeout_ms=settings.batch_timeout_ms,
                stuck_after_s=settings.stuck_after_s,
            )

    @property
    def outboxes(self) -> list[Outbox]:
        return [c.outbox for c in (self.consumer, self.receipts) if c is not None]

    def _current_signer(self) -> Signer:
        if self._fixed_signer is None and time.monotonic() - self._signer_at > SIGNER_REFRESH_S:
            self._signer = self.store.signer_for(self.slug)
            self._signer_at = time.monotonic()
            self.core.signer = self._signer
        return self._signer

    async def work(self, records: list[Inbound]) -> Batch:
        self._current_signer()
        batch = Batch()
        tally = AdapterTally()
        for record in records:
            native = record.value or b""
            if self.offloader is None or len(native) <= self.settings.offload_bytes:
                self.core.process(record, batch, tally)
                continue
            # off the event loop: translated in a worker, signed in a thread
            receipt_at = self.core.receipt_at()
            prepared = await self.offloader.prepare(
                self.slug, native, self.core.received(record), receipt_at
            )
            if isinstance(prepared, Rejected):
                prepared = refusal(self.adapter, prepared, receipt_at)
            await asyncio.to_thread(self.core.assemble, record, prepared, batch, tally)
        batch.context = AdapterBatch(len(records), tally, max(r.timestamp_ms for r in records))
        return batch

    def committed(self, batch: Batch) -> None:
        context = batch.context
        assert isinstance(context, AdapterBatch)
        count, tally, last_ms = context.records, context.tally, context.last_ms
        m = metrics()
        m.messages_in.labels(self.slug).inc(count)
        m.events_out.labels(self.slug).inc(tally.translated)
        m.last_message.labels(self.slug).set(last_ms / 1000)
        for reason, n in tally.rejected.items():
            m.rejected.labels(self.slug, reason).inc(n)
            m.dlq.labels(self.slug, "adapter").inc(n)
        if tally.receipts:
            m.receipts.labels(self.slug).inc(tally.receipts)
        hist = m.stage_seconds.labels("translate")
        for seconds in tally.translate_s:
            hist.observe(seconds)

    async def work_receipts(self, records: list[Inbound]) -> Batch:
        batch = Batch()
        now = datetime.now(UTC)
        registry = self.keys.current() if self.keys is not None else None
        sent = refused = 0
        for record in records:
            out, dead = receipt_or_refusal(self.adapter, record, now, registry)
            if out is not None:
                batch.outputs.append(out)
                sent += 1
            if dead is not None:
                logger.warning(
                    "receipt at %s/%d@%d refused: %s",
                    record.topic,
                    record.partition,
                    record.offset,
                    dict(dead.headers).get("__connect.errors.exception.message", b"").decode(),
                )
                batch.outputs.append(dead)
                refused += 1
            batch.consumed(record)
        batch.context = (sent, refused)
        return batch

    def receipts_committed(self, batch: Batch) -> None:
        if not isinstance(batch.context, tuple):
            return
        sent, refused = batch.context
        m = metrics()
        if sent:
            m.receipts.labels(self.slug).inc(sent)
        if refused:
            m.dlq.labels(self.slug, "receipts").inc(refused)
