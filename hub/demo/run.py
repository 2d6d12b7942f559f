"""``hub demo``: the whole hub on the embedded broker with realistic traffic, shown live."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from contextlib import AbstractContextManager, ExitStack
from pathlib import Path

from aiokafka import AIOKafkaProducer
from rich.console import Console
from rich.live import Live

from adapters.sdk.polled import PolledAdapter
from adapters.sdk.registry import get_adapter, polled_slugs, slugs
from contract.topology import native_in
from hub.access import clients
from hub.access.clients import access_from
from hub.access.participants import load_participants
from hub.access.principals import ADMIN_PRINCIPAL, gateway_principal
from hub.access.provision import apply_participants, issue_missing
from hub.core.desks import load_desks
from hub.demo.counts import OutputCounter
from hub.demo.traffic import traffic
from hub.demo.view import render
from hub.keys.principals import signing_principals
from hub.keys.store import KeyStore
from hub.services.topics_admin import ensure_topics
from hub.settings import HubSettings, polled_source_prefix
from hub.topics import TopicSpec, hub_topics

MAX_RECORD = 26 * 1024 * 1024
#: seconds between two polls of a polled network's stand-in service
DEMO_POLL_INTERVAL_S = 5


def ensure_keys(state_dir: Path) -> list[str]:
    """A signing key for every network and the router that has none; returns those keyed
    now."""
    return KeyStore(state_dir).ensure(signing_principals())


class Services:
    """The router and the adapters as child processes, each in its own process group."""

    def __init__(self, settings: HubSettings, polled_urls: dict[str, str], log_dir: Path) -> None:
        # each service connects as its own principal (``hub serve`` picks it)
        env = {k: v for k, v in os.environ.items() if k != "HUB_KAFKA_PRINCIPAL"}
        env.update(
            {
                "HUB_KAFKA_BOOTSTRAP": settings.kafka_bootstrap,
                "HUB_KAFKA_SECURITY": settings.kafka_security,
                "HUB_STATE_DIR": str(settings.state_dir),
                "HUB_PARTITIONS": str(settings.partitions),
            }
        )
        for slug, url in polled_urls.items():
            prefix = polled_source_prefix(slug)
            env.update({f"{prefix}URL": url, f"{prefix}INTERVAL_S": str(DEMO_POLL_INTERVAL_S)})
        log_dir.mkdir(parents=True, exist_ok=True)
        self.children: list[subprocess.Popen[bytes]] = []
        hub = [sys.executable, "-m", "hub"]
        commands = {
            "router": [*hub, "serve", "--router", "--instance", "demo"],
            "adapters": [*hub, "serve", "--all-adapters", "--instance", "demo"],
            # re-validates the clearances and keeps the desks' ACLs in step with them
            "clearances": [*hub, "clearance", "watch", "--interval", "30"],
        }
        for name, command in commands.items():
            with (log_dir / f"demo-{name}.log").open("ab") as log:
                self.children.append(
                    subprocess.Popen(
                        command,
                        env=env,
                        stdout=log,
                        stderr=subprocess.STDOUT,
                        start_new_session=True,
                    )
                )

    def alive(self) -> bool:
        return all(c.poll() is None for c in self.children)

    def stop(self) -> None:
        for child in self.children:
            if child.poll() is None:
                os.killpg(child.pid, signal.SIGTERM)
        for child in self.children:
            try:
                child.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(child.pid, signal.SIGKILL)
                child.wait()


async def run_demo(
    settings: HubSettings, *, rate: float, duration_s: float | None, console: Console
) -> int:
    desks = load_desks(settings.desks)
    specs = hub_topics(slugs(), desks, partitions=settings.partitions)
    admin = access_from(settings, principal=ADMIN_PRINCIPAL)
    await ensure_topics(admin, specs, replication=settings.replication)
    if settings.kafka_security == "mtls":
        # first use: a certificate for every participant, and the broker's ACLs from the file
        participants = load_participants()
        issue_missing(settings.state_dir, participants)
        await apply_participants(admin, settings.state_dir, participants, slugs(), desks)
    ensure_keys(settings.state_dir)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    with ExitStack() as stack:
        polled_urls = {
            slug: stack.enter_context(source)
            for slug, source in demo_sources(polled_slugs()).items()
        }
        services = Services(settings, polled_urls, settings.state_dir / "logs")
        stack.callback(services.stop)
        return await _drive(settings, specs, rate, duration_s, stop, services, console)


def demo_sources(networks: list[str]) -> dict[str, AbstractContextManager[str]]:
    """The stand-in service of every polled network that offers one for the demo."""
    found: dict[str, AbstractContextManager[str]] = {}
    for slug in networks:
        adapter = get_adapter(slug)
        source = adapter.demo_source() if isinstance(adapter, PolledAdapter) else None
        if source is not None:
            found[slug] = source
    return found


async def _drive(
    settings: HubSettings,
    specs: list[TopicSpec],
    rate: float,
    duration_s: float | None,
    stop: asyncio.Event,
    services: Services,
    console: Console,
) -> int:
    # the operator's view reads every output; each network's gateway writes its own input
    counter = OutputCounter(access_from(settings, principal=ADMIN_PRINCIPAL), specs)
    gateways = Gateways(settings)
    await counter.start()
    sent: dict[str, int] = {}
    polled = polled_slugs()
    started = time.monotonic()
    messages = traffic(seed=int(time.time()), tag=f"demo {time.strftime('%Y-%m-%dT%H:%M:%S')}")
    code = 0
    try:
        with Live(console=console, refresh_per_second=2, transient=False) as live:
            next_view = 0.0
            while not stop.is_set():
                elapsed = time.monotonic() - started
                if duration_s is not None and elapsed >= duration_s:
                    break
                if not services.alive():
                    code = 1
                    break
                due = int(elapsed * rate) - sum(sent.values())
                for _ in range(max(0, min(due, 1000))):
                    native = next(messages)
                    await gateways.send(native.network, native.value)
                    sent[native.network] = sent.get(native.network, 0) + 1
                counts = await counter.poll(timeout_ms=50)
                if elapsed >= next_view:
                    live.update(render(counts, sent, elapsed, "running", polled))
                    next_view = elapsed + 0.5
            await gateways.flush()
            status = "stopping: draining" if code == 0 else "a service stopped: see var/logs"
            drain_until = time.monotonic() + (5 if code == 0 else 0)
            while time.monotonic() < drain_until:
                counts = await counter.poll(timeout_ms=250)
                live.update(render(counts, sent, time.monotonic() - started, status, polled))
            counts = await counter.poll(timeout_ms=250)
            live.update(render(counts, sent, time.monotonic() - started, "stopped", polled))
    finally:
        await gateways.stop()
        await counter.stop()
    return code


class Gateways:
    """One producer per network, each connected as that network's gateway."""

    def __init__(self, settings: HubSettings) -> None:
        self.settings = settings
        self.producers: dict[str, AIOKafkaProducer] = {}

    async def send(self, network: str, value: bytes) -> None:
        producer = self.producers.get(network)
        if producer is None:
            access = access_from(self.settings, principal=gateway_principal(network))
            producer = clients.producer(
                access, acks="all", enable_idempotence=True, max_request_size=MAX_RECORD
            )
            await producer.start()
            self.producers[network] = producer
        await producer.send(native_in(network), value)

    async def flush(self) -> None:
        for producer in self.producers.values():
            await producer.flush()

    async def stop(self) -> None:
        for producer in self.producers.values():
            await producer.stop()
