"""``hub demo``: the whole hub on the embedded broker with realistic traffic, shown live."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from contextlib import ExitStack
from pathlib import Path

from aiokafka import AIOKafkaProducer
from rich.console import Console
from rich.live import Live

from adapters.sdk.registry import slugs
from hub.core.desks import load_desks
from hub.demo.counts import OutputCounter
from hub.demo.feed import publish_notices, red_detail, running_feed, yellow_detail
from hub.demo.traffic import traffic
from hub.demo.view import render
from hub.keys.store import KeyStore
from hub.services.topics_admin import ensure_topics
from hub.settings import HubSettings
from hub.topics import TopicSpec, hub_topics, native_in

MAX_RECORD = 26 * 1024 * 1024


def ensure_keys(state_dir: Path) -> list[str]:
    """A signing key for every network that has none; returns the networks keyed now."""
    store = KeyStore(state_dir)
    made = []
    for slug in slugs():
        if not store.registry().records(slug):
            store.create(slug)
            made.append(slug)
    return made


class Services:
    """The router and the adapters as child processes, each in its own process group."""

    def __init__(self, settings: HubSettings, feed_url: str, log_dir: Path) -> None:
        env = dict(os.environ)
        env.update(
            {
                "HUB_KAFKA_BOOTSTRAP": settings.kafka_bootstrap,
                "HUB_STATE_DIR": str(settings.state_dir),
                "HUB_INTERPOL_URL": feed_url,
                "HUB_INTERPOL_INTERVAL_S": "5",
                "HUB_PARTITIONS": str(settings.partitions),
            }
        )
        log_dir.mkdir(parents=True, exist_ok=True)
        self.children: list[subprocess.Popen[bytes]] = []
        for name, args in (("router", ["--router"]), ("adapters", ["--all-adapters"])):
            with (log_dir / f"demo-{name}.log").open("ab") as log:
                self.children.append(
                    subprocess.Popen(
                        [sys.executable, "-m", "hub", "serve", *args, "--instance", "demo"],
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
    specs = hub_topics(slugs(), load_desks(settings.desks), partitions=settings.partitions)
    await ensure_topics(settings.kafka_bootstrap, specs, replication=settings.replication)
    ensure_keys(settings.state_dir)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    with ExitStack() as stack:
        feed = stack.enter_context(running_feed())
        publish_notices(feed, "RED", [red_detail(f"2026/7{i:04d}") for i in range(6)], 160)
        publish_notices(feed, "YELLOW", [yellow_detail("2026/60001")], 160)
        publish_notices(feed, "UN", [], 160)
        services = Services(settings, feed.base_url, settings.state_dir / "logs")
        stack.callback(services.stop)
        return await _drive(settings, specs, rate, duration_s, stop, services, console)


async def _drive(
    settings: HubSettings,
    specs: list[TopicSpec],
    rate: float,
    duration_s: float | None,
    stop: asyncio.Event,
    services: Services,
    console: Console,
) -> int:
    counter = OutputCounter(settings.kafka_bootstrap, specs)
    producer = AIOKafkaProducer(
        bootstrap_servers=settings.kafka_bootstrap,
        acks="all",
        enable_idempotence=True,
        max_request_size=MAX_RECORD,
    )
    await counter.start()
    await producer.start()
    sent: dict[str, int] = {}
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
                    await producer.send(native_in(native.network), native.value)
                    sent[native.network] = sent.get(native.network, 0) + 1
                counts = await counter.poll(timeout_ms=50)
                if elapsed >= next_view:
                    live.update(render(counts, sent, elapsed, "running"))
                    next_view = elapsed + 0.5
            await producer.flush()
            status = "stopping: draining" if code == 0 else "a service stopped: see var/logs"
            drain_until = time.monotonic() + (5 if code == 0 else 0)
            while time.monotonic() < drain_until:
                counts = await counter.poll(timeout_ms=250)
                live.update(render(counts, sent, time.monotonic() - started, status))
            counts = await counter.poll(timeout_ms=250)
            live.update(render(counts, sent, time.monotonic() - started, "stopped"))
    finally:
        await producer.stop()
        await counter.stop()
    return code
