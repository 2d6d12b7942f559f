"""The metrics loop: ``hub_consumer_lag`` for a service's groups, every few seconds."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable, Iterable, Sequence

from hub.ops.lag.arithmetic import PartitionLag
from hub.ops.lag.groups import GroupTopics
from hub.ops.lag.reader import LagSource
from hub.ops.metrics import HubMetrics, metrics

logger = logging.getLogger(__name__)

LAG_INTERVAL_S = 5.0
"""Seconds between two collections in a running service."""


def export(lags: Iterable[PartitionLag], m: HubMetrics) -> None:
    for lag in lags:
        m.consumer_lag.labels(lag.group, lag.topic, str(lag.partition)).set(lag.lag)


class LagCollector:
    """Sets ``hub_consumer_lag`` for a service's groups every ``interval_s``. Each
    collection is also the service's proof that it reaches the broker: ``connected``."""

    def __init__(
        self,
        source: Callable[[], LagSource],
        groups: Sequence[GroupTopics],
        *,
        interval_s: float = LAG_INTERVAL_S,
        timeout_s: float = 10.0,
        after_each: Callable[[], None] | None = None,
        m: HubMetrics | None = None,
    ) -> None:
        self.source = source
        self.groups = list(groups)
        self.interval_s = interval_s
        self.timeout_s = timeout_s
        self.after_each = after_each
        self.metrics = m or metrics()
        self.connected = False
        self.collections = 0
        self._reader: LagSource | None = None

    async def collect_once(self) -> list[PartitionLag]:
        """One collection; on any failure the reader is dropped and rebuilt next time."""
        self.collections += 1
        try:
            async with asyncio.timeout(self.timeout_s):
                reader = await self._started_reader()
                if self.groups:
                    lags = await reader.lag(self.groups)
                else:
                    await reader.ping()
                    lags = []
        except Exception as exc:
            if self.connected or self.collections == 1:
                logger.warning("consumer lag not collected: %s", str(exc) or type(exc).__name__)
            self.connected = False
            await self._drop_reader()
            return []
        self.connected = True
        export(lags, self.metrics)
        return lags

    async def _started_reader(self) -> LagSource:
        if self._reader is None:
            reader = self.source()
            try:
                await reader.start()
            except BaseException:
                await _quietly_stop(reader)
                raise
            self._reader = reader
        return self._reader

    async def _drop_reader(self) -> None:
        reader, self._reader = self._reader, None
        if reader is not None:
            await _quietly_stop(reader)

    async def run(self, stop: asyncio.Event) -> None:
        try:
            while not stop.is_set():
                await self.collect_once()
                if self.after_each is not None:
                    self.after_each()
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), timeout=self.interval_s)
        finally:
            self.connected = False
            await self._drop_reader()


async def _quietly_stop(reader: LagSource) -> None:
    try:
        await reader.stop()
    except Exception:
        logger.debug("lag reader did not stop cleanly", exc_info=True)
