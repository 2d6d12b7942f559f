"""The CCA router service: one consumer group over ``cca.canonical.v1``, scaled by partitions."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from dataclasses import dataclass
from datetime import UTC, date, datetime

from faststream.kafka import KafkaBroker

from adapters.sdk.registry import adapter_class, slugs
from contract import topology
from contract.seal import ROUTER_PRINCIPAL
from contract.topology import CANONICAL, ROUTER_GROUP
from hub.core.clearance import DEFAULT_CLEARANCES, Clearances, load_clearances
from hub.core.custody import CustodyLogs
from hub.core.desks import Desks, load_desks
from hub.core.records import Batch, Inbound
from hub.core.router_core import Cleared, Pending, RouterCore, Tally, prepare
from hub.core.routing import Router
from hub.core.state.cases import CaseDesks
from hub.core.state.integrity import StateMac
from hub.core.state.seen import SeenByPartition
from hub.core.state.withheld import WithheldByPartition
from hub.core.verifier import ParallelVerifier
from hub.keys.reload import RegistryReloader
from hub.keys.store import KeyStore, NoSigningKeyError
from hub.ops.metrics import metrics
from hub.reloading import Reloading
from hub.services.batching import BatchConsumer
from hub.services.outbox import Outbox
from hub.services.state_loader import RouterMemory, RouterStateListener
from hub.services.transport import Transport, as_transport
from hub.settings import HubSettings

GROUP = ROUTER_GROUP
logger = logging.getLogger(__name__)


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
        # the desks' clearances, like the desks: a changed file counts from the next batch
        # (and the next release round) on; a registry that cannot be read stops the start
        self.clearances: Reloading[Clearances] = Reloading(
            settings.clearances or DEFAULT_CLEARANCES,
            load_clearances,
            what="clearances",
            on_reload=_count_reload,
        )
        self.withheld = WithheldByPartition()
        self.custody = CustodyLogs(
            every=settings.custody_head_every, interval_s=settings.custody_head_interval_s
        )
        #: the clearances and the version of what is held at the last release round
        self._last_round: tuple[Cleared, int] | None = None
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
            cleared=self.cleared,
            withheld=self.withheld,
            custody=self.custody,
        )
        self.outbox = outbox or transport.outbox(GROUP)
        self.listener = RouterStateListener(
            transport.state_log(),
            RouterMemory(self.seen, self.cases, self.withheld, self.custody),
            mac=self.state_mac,
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

    def today(self) -> date:
        return datetime.fromtimestamp(self.core.clock(), UTC).date()

    def cleared(self) -> Cleared:
        """Each desk's clearance in force today, from the registry as it is now."""
        return self.clearances.current().levels(self._desks_in_use.names, self.today())

    def _release(self, owned: set[int] | None) -> Batch | None:
        parts = (
            sorted(owned)
            if owned is not None
            else sorted({*self.withheld.partitions(), *self.core.custody.partitions()})
        )
        batch = Batch()
        tally = Tally()
        pending = self.core.release(parts, batch, tally)
        batch.context = RouterBatch(pending, tally)
        return batch

    async def release_once(self) -> int:
        """Deliver what the clearances now allow of what is held, and sign the custody logs'
        heads that have waited; the number of desk deliveries. A round looks again only
        when the clearances or what is held changed since the last round that found nothing
        to release, or when custody entries wait for a head."""
        m = metrics()
        m.release_rounds.inc()
        self._current_router()
        m.clearances(self.clearances.current(), self._desks_in_use.names, self.today())
        cleared = self.cleared()
        version = self.withheld.version
        waiting = self.core.custody.unheaded(self.core.custody.partitions())
        if (cleared, version) == self._last_round and not waiting:
            return 0
        batch = await self.consumer.commit_own(self._release, CANONICAL)
        if batch is None:
            self._last_round = (cleared, version)
            return 0
        self.committed(batch)
        context = batch.context
        assert isinstance(context, RouterBatch)
        return sum(context.tally.released.values())

    async def run_releases(self, stop: asyncio.Event) -> None:
        """Release rounds until ``stop``: each ``release_interval_s``, and a failed one is
        retried at the next (nothing is lost: what is held stays on ``cca.withheld.v1``)."""
        while not stop.is_set():
            try:
                await self.release_once()
            except Exception:
                metrics().batch_failures.labels("router-release").inc()
                self._last_round = None
                logger.exception("router: a release round failed; trying again")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), self.settings.release_interval_s)

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
        for (desk, rule), n in tally.withheld.items():
            m.withheld.labels(desk, rule).inc(n)
        for desk, n in tally.released.items():
            m.released.labels(desk).inc(n)
        m.withheld_pending.set(self.withheld.total())
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
