"""The CCA router service: one consumer group over ``cca.canonical.v1``, scaled by partitions."""

from __future__ import annotations

import time
from dataclasses import dataclass

from faststream.kafka import KafkaBroker

from adapters.sdk.registry import adapter_class, slugs
from contract import topology
from contract.seal import ROUTER_PRINCIPAL
from contract.topology import CANONICAL, ROUTER_GROUP
from hub.core.desks import Desks, load_desks
from hub.core.records import Batch, Inbound
from hub.core.router_core import Pending, RouterCore, Tally, prepare
from hub.core.routing import Router
from hub.core.state.cases import CaseDesks
from hub.core.state.integrity import StateMac
from hub.core.state.seen import SeenByPartition
from hub.core.verifier import ParallelVerifier
from hub.keys.reload import RegistryReloader
from hub.keys.store import KeyStore, NoSigningKeyError
from hub.ops.metrics import metrics
from hub.reloading import Reloading
from hub.services.batching import BatchConsumer
from hub.services.outbox import Outbox
from hub.services.state_loader import RouterStateListener
from hub.services.transport import Transport, as_transport
from hub.settings import HubSettings

GROUP = ROUTER_GROUP


def replies_through_router(network: str) -> bool:
    try:
        return topology.replies_through_router(adapter_class(network))
    except LookupError:
        return False


@dataclass(frozen=True, slots=True)
class RouterBatch:
    pending: Pending
    tally: Tally


def _count_reload(what: str, ok: bool) -> None:
    metrics().config_reloads.labels(what, "ok" if ok else "failed").inc()


class RouterService:
    def __init__(
        self,
        settings: HubSettings,
        broker: KafkaBroker | Transport,
        outbox: Outbox | None = None,
    ) -> None:
        self.settings = settings
        transport = as_transport(broker, settings)
        self.seen = SeenByPartition(settings.dedup_ids_per_partition)
        self.cases = CaseDesks()
        self.keys = RegistryReloader(settings.registry_path, on_reload=_count_reload)
        self.verifier = ParallelVerifier(self.keys.current)
        # desks are configuration: a changed file takes effect from the next batch on
        self.desks: Reloading[Desks] | None = (
            Reloading(settings.desks, load_desks, what="desks", on_reload=_count_reload)
            if settings.desks is not None
            else None
        )
        initial = self.desks.current() if self.desks is not None else load_desks(None)
        self._desks_in_use = initial
        # the router's own key: seals its receipts and MACs its state (every key of it
        # still held here checks the state written before a rotation)
        router_keys = KeyStore(settings.state_dir).signers(ROUTER_PRINCIPAL)
        if not router_keys:
            raise NoSigningKeyError(
                f"no signing key for {ROUTER_PRINCIPAL} "
                f"(create one with `hub keys create {ROUTER_PRINCIPAL}`)"
            )
        self.state_mac = StateMac(router_keys)
        self.core = RouterCore(
            Router(initial),
            self.seen,
            self.cases,
            replies_for=replies_through_router,
            networks=frozenset(slugs()),
            instance=settings.instance,
            partitions=lambda topic: transport.partitions(self.consumer.subscriber, topic),
            state_mac=self.state_mac,
            receipt_signer=router_keys[0],
        )
        self.outbox = outbox or transport.outbox(GROUP)
        self.listener = RouterStateListener(
            transport.state_log(), self.seen, self.cases, mac=self.state_mac
        )
        self.consumer = BatchConsumer(
            transport,
            name="router",
            topics=[CANONICAL],
            group_id=GROUP,
            outbox=self.outbox,
            work=self.work,
            after_commit=self.committed,
            listener=self.listener,
            max_records=settings.batch_max_records,
            batch_timeout_ms=settings.batch_timeout_ms,
            stuck_after_s=settings.stuck_after_s,
        )

    def _current_router(self) -> None:
        if self.desks is None:
            return
        desks = self.desks.current()
        if desks is not self._desks_in_use:
            self._desks_in_use = desks
            self.core.router = Router(desks)

    async def work(self, records: list[Inbound]) -> Batch:
        self._current_router()
        m = metrics()
        t0 = time.perf_counter()
        items = [prepare(r) for r in records]
        to_verify = [i.verify for i in items if i.verify is not None]
        t1 = time.perf_counter()
        answers = iter(await self.verifier.verify_many(to_verify))
        verdicts = [next(answers) if i.verify is not None else None for i in items]
        t2 = time.perf_counter()
        batch = Batch()
        tally = Tally()
        pending = self.core.decide(items, verdicts, batch, tally)
        t3 = time.perf_counter()
        m.stage_seconds.labels("validate").observe(t1 - t0)
        m.stage_seconds.labels("verify").observe(t2 - t1)
        m.stage_seconds.labels("route").observe(t3 - t2)
        batch.context = RouterBatch(pending, tally)
        return batch

    def committed(self, batch: Batch) -> None:
        context = batch.context
        assert isinstance(context, RouterBatch)
        tally = context.tally
        self.core.apply(context.pending)
        m = metrics()
        for (network, desk), n in tally.routed.items():
            m.messages_out.labels(network, desk).inc(n)
        for (network, reason), n in tally.refused.items():
            m.dlq.labels(network, "router").inc(n)
            if reason not in ("invalid",):
                m.signature_failures.labels(network, reason).inc(n)
            else:
                m.rejected.labels(network, "router:invalid").inc(n)
        for network, n in tally.duplicates.items():
            m.duplicates.labels(network).inc(n)
        now = time.time()
        for network, arrived in tally.arrivals:
            m.end_to_end_seconds.labels(network).observe(max(0.0, now - arrived))
