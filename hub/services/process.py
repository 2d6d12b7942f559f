"""One service process: builds the requested services on one broker connection, serves
``/metrics`` and ``/health``, and stops cleanly on SIGINT/SIGTERM."""

from __future__ import annotations

import asyncio
import logging
import signal
from collections.abc import Sequence

from faststream.kafka.prometheus import KafkaPrometheusMiddleware
from prometheus_client import REGISTRY

from adapters.sdk.polled import PolledAdapter
from adapters.sdk.registry import get_adapter, slugs
from hub.access.clients import access_from, faststream_broker
from hub.ops.lag import GroupTopics, LagCollector, LagReader, hub_groups, merged
from hub.ops.metrics import metrics
from hub.ops.observability import HealthServer
from hub.services.adapter import AdapterService
from hub.services.batching import BatchConsumer
from hub.services.offload import Offloader
from hub.services.outbox import Outbox
from hub.services.polled import PolledService
from hub.services.router import RouterService
from hub.settings import HubSettings

logger = logging.getLogger(__name__)


class ServiceProcess:
    def __init__(
        self, settings: HubSettings, *, router: bool, adapters: Sequence[str], name: str = "hub"
    ) -> None:
        self.settings = settings
        access = access_from(settings)
        self.broker = faststream_broker(
            access,
            client_id=f"{name}-{settings.instance}",
            allow_auto_create_topics=False,
            middlewares=[KafkaPrometheusMiddleware(registry=REGISTRY, app_name=name)],
        )
        self.router = RouterService(settings, self.broker) if router else None
        self.adapters: list[AdapterService] = []
        #: the translation worker the adapters of this process share for large messages
        self.offloader = Offloader(memory_mb=settings.translate_memory_mb)
        # a polled network without a URL configured is not polled: it has no service here
        self.sources: list[PolledService] = []
        for slug in adapters:
            adapter = get_adapter(slug)
            if not isinstance(adapter, PolledAdapter):
                service = AdapterService(settings, self.broker, slug, offloader=self.offloader)
                self.adapters.append(service)
            elif source := PolledService.from_settings(settings, adapter):
                self.sources.append(source)
        self.health: HealthServer | None = None
        self._stop = asyncio.Event()
        lag_client = f"{name}-lag-{settings.instance}"
        self.lag = LagCollector(
            lambda: LagReader(access, client_id=lag_client),
            # every service reports every group: the lag still shows when its reader is down
            merged(
                hub_groups(slugs()),
                [
                    GroupTopics(c.subscriber.group_id or c.name, tuple(c.subscriber.topic_names))
                    for c in self.consumers
                ],
            ),
            after_each=self.publish_readiness,
        )

    @property
    def consumers(self) -> list[BatchConsumer]:
        out: list[BatchConsumer] = []
        if self.router is not None:
            out.append(self.router.consumer)
        for a in self.adapters:
            out.append(a.consumer)
            if a.receipts is not None:
                out.append(a.receipts)
        return out

    @property
    def outboxes(self) -> list[Outbox]:
        boxes: list[Outbox] = [self.router.outbox] if self.router is not None else []
        for a in self.adapters:
            boxes += a.outboxes
        boxes += [s.outbox for s in self.sources]
        return boxes

    def checks(self) -> dict[str, bool]:
        """Ready: the broker answered the last lag collection, and every consumer has
        joined its group and runs (every poller polls)."""
        checks = {"broker": self.lag.connected}
        checks.update(
            {
                c.name: c.assignment.active and c.subscriber.running and c.stuck() is None
                for c in self.consumers
            }
        )
        checks.update({f"poller-{s.slug}": s.running for s in self.sources})
        return checks

    def reasons(self) -> dict[str, str]:
        """Why a consumer is not ready, where its batches keep failing."""
        return {c.name: why for c in self.consumers if (why := c.stuck()) is not None}

    def publish_readiness(self) -> None:
        """The checks as ``hub_ready``, and ``hub_adapter_up`` per network: 1 while the
        broker is reachable and all of the network's consumers (or its poller) run."""
        m = metrics()
        checks = self.checks()
        for name, ok in checks.items():
            m.ready.labels(name).set(int(ok))
        for slug in self.slugs:
            own = [
                ok
                for name, ok in checks.items()
                if name in (f"adapter-{slug}", f"receipts-{slug}", f"poller-{slug}")
            ]
            m.adapter_up.labels(slug).set(int(checks["broker"] and bool(own) and all(own)))

    @property
    def slugs(self) -> list[str]:
        return [a.slug for a in self.adapters] + [s.slug for s in self.sources]

    def stop(self) -> None:
        self._stop.set()

    def _announce(self) -> None:
        metrics().announce(
            router_networks=[*slugs(), "unknown"] if self.router is not None else [],
            adapters=[(a.slug, a.receipts is not None) for a in self.adapters]
            + [(s.slug, False) for s in self.sources],
            polled=[(s.slug, s.poller.kinds) for s in self.sources],
            consumers=[c.name for c in self.consumers],
            # the `what` of the router's reloaders (hub/keys/reload.py, hub/services/router.py)
            reloads=(
                ["key registry", "clearances", *(["desks"] if self.settings.desks else [])]
                if self.router
                else []
            ),
            desks=self.router.core.router.desks.names if self.router is not None else (),
        )

    async def run(self) -> int:
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, self.stop)
        fatal: asyncio.Future[object] = loop.create_future()
        for consumer in self.consumers:
            consumer.fatal = fatal
        for box in self.outboxes:
            await box.start()
        await self.broker.start()
        self._announce()
        lag_task = asyncio.ensure_future(self.lag.run(self._stop))
        if self.settings.metrics_port is not None:
            self.health = HealthServer(
                self.settings.metrics_host,
                self.settings.metrics_port,
                self.checks,
                reasons=self.reasons,
            )
            port = await self.health.start()
            logger.info("serving /metrics and /health on %s:%d", self.settings.metrics_host, port)
        pollers = [asyncio.ensure_future(s.run(self._stop)) for s in self.sources]
        if self.router is not None:
            pollers.append(asyncio.ensure_future(self.router.run_releases(self._stop)))
        stop_wait: asyncio.Future[object] = asyncio.ensure_future(self._stop.wait())
        done, _ = await asyncio.wait({stop_wait, fatal}, return_when=asyncio.FIRST_COMPLETED)
        code = 3 if fatal in done else 0
        stop_wait.cancel()
        self._stop.set()
        for poller in pollers:
            await poller
        await lag_task
        for slug in self.slugs:
            metrics().adapter_up.labels(slug).set(0)
        if self.health is not None:
            await self.health.stop()
        await self.broker.stop()
        for box in self.outboxes:
            try:
                await box.stop()
            except Exception:
                logger.exception("outbox did not stop cleanly")
        self.offloader.close()
        if self.router is not None:
            self.router.verifier.close()
        return code
