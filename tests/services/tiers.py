"""The two tiers the service tests run on, both as a :class:`~tests.services.base.ServiceHub`:
the in-memory hub of :mod:`hub.testing`, and the real broker with the services running as
``hub serve`` processes (the fixtures of ``tests/_support``)."""

from __future__ import annotations

import asyncio
import time
from collections import defaultdict
from collections.abc import Callable, Sequence
from pathlib import Path

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from aiokafka.structs import TopicPartition

from adapters.sdk import slugs
from contract.signing import Signer
from contract.topology import native_in
from hub.access.clients import KafkaAccess
from hub.core.desks import load_desks
from hub.core.records import Headers, Inbound
from hub.keys.store import KeyStore
from hub.ops.lag import LagReader, hub_groups
from hub.testing import MemoryHub
from hub.topics import hub_topics
from tests._support.hub import BIG, PARTITIONS, ServiceProcess, hub_env, prepare_hub


class MemoryTier:
    """:class:`MemoryHub` behind the tests' interface; ``settle`` is its ``join``, which
    re-raises a handler failure in the test."""

    def __init__(self, hub: MemoryHub) -> None:
        self.hub = hub
        self.networks = hub.networks

    async def send(self, network: str, value: bytes, *, key: bytes | None = None) -> None:
        self.hub.send(network, value, key=key)

    async def publish(
        self, topic: str, value: bytes, *, key: bytes | None = None, headers: Headers = ()
    ) -> None:
        self.hub.publish(topic, value, key=key, headers=headers)

    def landed(self, topic: str) -> list[Inbound]:
        return self.hub.landed(topic)

    async def wait_until(self, condition: Callable[[], bool], timeout: float, what: str) -> None:
        await self.hub.wait_until(condition, timeout, what)

    async def settle(self) -> None:
        await self.hub.join()

    def signer(self, network: str) -> Signer:
        return self.hub.signer(network)


class KafkaTier:
    """The router and the networks' adapter services as processes on the real broker; a
    background reader keeps everything committed to the plan's topics since the start."""

    def __init__(
        self, bootstrap: str, state_dir: Path, log_dir: Path, networks: Sequence[str]
    ) -> None:
        self.bootstrap = bootstrap
        self.state_dir = state_dir
        self.networks = tuple(networks)
        env = hub_env(bootstrap, state_dir)
        adapters = [arg for slug in self.networks for arg in ("--adapter", slug)]
        self.services = [
            ServiceProcess("router", ["--router", "--instance", "tiers"], env, log_dir),
            ServiceProcess("adapters", [*adapters, "--instance", "tiers"], env, log_dir),
        ]
        specs = hub_topics(slugs(), load_desks(), partitions=PARTITIONS)
        self._tps = [TopicPartition(s.name, p) for s in specs for p in range(s.partitions)]
        self._landed: dict[str, list[Inbound]] = defaultdict(list)
        self._positions: dict[TopicPartition, int] = {}
        self._producer: AIOKafkaProducer | None = None
        self._consumer: AIOKafkaConsumer | None = None
        self._reader: asyncio.Task[None] | None = None
        self._stop = asyncio.Event()

    async def start(self) -> None:
        await prepare_hub(self.bootstrap, self.state_dir)
        self._consumer = AIOKafkaConsumer(
            bootstrap_servers=self.bootstrap,
            group_id=None,
            isolation_level="read_committed",
            enable_auto_commit=False,
            fetch_max_bytes=64 * 1024 * 1024,
        )
        await self._consumer.start()
        self._consumer.assign(self._tps)
        ends = await self._consumer.end_offsets(self._tps)
        for tp in self._tps:
            self._consumer.seek(tp, ends[tp])
            self._positions[tp] = ends[tp]
        self._reader = asyncio.create_task(self._read())
        self._producer = AIOKafkaProducer(
            bootstrap_servers=self.bootstrap,
            acks="all",
            enable_idempotence=True,
            max_request_size=BIG,
        )
        await self._producer.start()
        for service in self.services:
            service.start()
        for service in self.services:
            await service.wait_ready()

    async def stop(self) -> list[int | None]:
        codes = [service.stop() for service in self.services]
        self._stop.set()
        if self._reader is not None:
            await self._reader
        if self._producer is not None:
            await self._producer.stop()
        if self._consumer is not None:
            await self._consumer.stop()
        return codes

    async def _read(self) -> None:
        assert self._consumer is not None
        while not self._stop.is_set():
            batches = await self._consumer.getmany(timeout_ms=200)
            for tp, records in batches.items():
                for r in records:
                    headers = tuple((k, v) for k, v in r.headers)
                    self._landed[tp.topic].append(
                        Inbound(
                            tp.topic, tp.partition, r.offset, r.key, r.value, headers, r.timestamp
                        )
                    )
            for tp in self._tps:
                self._positions[tp] = await self._consumer.position(tp)

    async def send(self, network: str, value: bytes, *, key: bytes | None = None) -> None:
        await self.publish(native_in(network), value, key=key)

    async def publish(
        self, topic: str, value: bytes, *, key: bytes | None = None, headers: Headers = ()
    ) -> None:
        assert self._producer is not None
        await self._producer.send_and_wait(topic, value, key=key, headers=list(headers))

    def landed(self, topic: str) -> list[Inbound]:
        return list(self._landed[topic])

    async def wait_until(self, condition: Callable[[], bool], timeout: float, what: str) -> None:
        deadline = time.monotonic() + timeout
        while not condition():
            self._check_alive()
            if time.monotonic() > deadline:
                raise AssertionError(f"timed out after {timeout}s waiting for {what}")
            await asyncio.sleep(0.1)

    async def settle(self, timeout: float = 60.0) -> None:
        """Until every group of the hub has no lag in two readings in a row (a group that
        has just committed shows as lag of the next one), then until the reader has read
        up to the end of every topic."""
        deadline = time.monotonic() + timeout
        reader = LagReader(KafkaAccess.plaintext(self.bootstrap), client_id="cca-tests-settle")
        await reader.start()
        try:
            quiet = 0
            while quiet < 2:
                self._check_alive()
                lags = await reader.lag(hub_groups(self.networks))
                quiet = quiet + 1 if all(p.lag == 0 for p in lags) else 0
                if time.monotonic() > deadline:
                    behind = [p for p in lags if p.lag]
                    raise AssertionError(f"the hub did not settle in {timeout}s: {behind}")
                if quiet < 2:
                    await asyncio.sleep(0.2)
        finally:
            await reader.stop()
        assert self._consumer is not None
        ends = await self._consumer.end_offsets(self._tps)
        await self.wait_until(
            lambda: all(self._positions.get(tp, 0) >= end for tp, end in ends.items()),
            max(1.0, deadline - time.monotonic()),
            "the reader at the end of every topic",
        )

    def _check_alive(self) -> None:
        if self._reader is not None and self._reader.done():
            self._reader.result()
        for service in self.services:
            if service.proc is not None and service.proc.poll() is not None:
                raise AssertionError(f"{service.name} exited:\n{service.tail()}")

    def signer(self, network: str) -> Signer:
        return KeyStore(self.state_dir).signer_for(network)
