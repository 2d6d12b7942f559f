"""An in-memory hub for tests: the router and the adapter services of the given networks,
running in this process on the in-memory transport (:mod:`hub.services.memory`), without
any broker.

    async with MemoryHub(["refco"], state_dir=tmp_path) as hub:
        hub.send("refco", native)
        await hub.join()                       # re-raises a handler failure here
        desks = hub.landed(desk_topic("triage"))

The services are the production ones (:class:`~hub.services.router.RouterService`,
:class:`~hub.services.adapter.AdapterService`) with the production batch consumer; only
the transport behind the seam differs, so what a test sees here is what the services do on
the real broker, minus the broker. A later :class:`MemoryHub` on the same ``log`` resumes
from the groups' commits and rebuilds the router's memory from the state topics, as a
restarted process does.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from types import TracebackType
from typing import Self

from adapters.sdk.registry import slugs as installed
from contract.seal import ROUTER_PRINCIPAL
from contract.signing import Signer
from contract.topology import native_in
from hub.core.desks import load_desks
from hub.core.records import Headers, Inbound
from hub.keys.store import KeyStore
from hub.services.adapter import AdapterService
from hub.services.memory import MemoryLog, MemoryTransport
from hub.services.outbox import MemoryOutbox
from hub.services.router import RouterService
from hub.settings import HubSettings
from hub.topics import hub_topics

__all__ = ["MemoryHub", "memory_log"]

DEFAULT_PARTITIONS = 4


def memory_log(partitions: int = DEFAULT_PARTITIONS, desks: Path | None = None) -> MemoryLog:
    """An empty log holding every topic of the hub's plan for the installed networks."""
    specs = hub_topics(installed(), load_desks(desks), partitions=partitions)
    return MemoryLog({s.name: s.partitions for s in specs})


def ensure_keys(state_dir: Path, networks: Sequence[str]) -> None:
    """A signing key for each network that has none in ``state_dir`` yet."""
    KeyStore(state_dir).ensure([*networks, ROUTER_PRINCIPAL])


class MemoryHub:
    """The router and the adapter services of ``networks`` on one in-memory transport."""

    def __init__(
        self,
        networks: Sequence[str],
        *,
        state_dir: Path,
        log: MemoryLog | None = None,
        router: bool = True,
        desks: Path | None = None,
        partitions: int = DEFAULT_PARTITIONS,
        instance: str = "memory",
    ) -> None:
        self.state_dir = state_dir
        self.networks = tuple(networks)
        ensure_keys(state_dir, self.networks)
        self.settings = HubSettings(
            state_dir=state_dir, desks=desks, partitions=partitions, instance=instance
        )
        self.log = log if log is not None else memory_log(partitions, desks)
        self.transport = MemoryTransport(self.log)
        self.router = RouterService(self.settings, self.transport) if router else None
        self.adapters = {
            slug: AdapterService(self.settings, self.transport, slug) for slug in self.networks
        }
        self.running = False

    async def start(self) -> None:
        self.transport.start()
        self.running = True

    async def stop(self) -> None:
        if not self.running:
            return
        self.running = False
        await self.transport.stop()
        if self.router is not None:
            self.router.verifier.close()

    async def __aenter__(self) -> Self:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.stop()

    # ---- in -------------------------------------------------------------------------------
    def send(
        self, network: str, value: bytes, *, key: bytes | None = None, headers: Headers = ()
    ) -> Inbound:
        """A native message from the network's gateway, onto ``net.<slug>.in``."""
        return self.log.append(native_in(network), key, value, headers)

    def publish(
        self,
        topic: str,
        value: bytes | None,
        *,
        key: bytes | None = None,
        headers: Headers = (),
        partition: int | None = None,
    ) -> Inbound:
        """Any record onto any topic of the plan (e.g. a forged canonical event)."""
        return self.log.append(topic, key, value, headers, partition=partition)

    # ---- out ------------------------------------------------------------------------------
    def landed(self, topic: str) -> list[Inbound]:
        """Everything committed to ``topic`` so far, in the order it was written."""
        return self.log.records(topic)

    async def join(self, timeout_s: float = 30.0, *, fail_fast: bool = True) -> None:
        """Until every service has handled everything; re-raises a handler failure."""
        await self.transport.join(timeout_s, fail_fast=fail_fast)

    async def wait_until(self, condition: Callable[[], bool], timeout_s: float, what: str) -> None:
        """Until ``condition()`` holds, re-checked on every change of the log."""
        deadline = time.monotonic() + timeout_s
        while not condition():
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise AssertionError(f"timed out after {timeout_s}s waiting for {what}")
            try:
                await asyncio.wait_for(self.log.changed(), remaining)
            except TimeoutError:
                continue

    # ---- helpers --------------------------------------------------------------------------
    def signer(self, network: str) -> Signer:
        """The network's current signing key, as its adapter service signs with it."""
        return KeyStore(self.state_dir).signer_for(network)

    def outbox(self, group_id: str) -> MemoryOutbox:
        """The outbox of a consumer group, e.g. to make its next commit fail."""
        return self.transport.outbox(group_id)
