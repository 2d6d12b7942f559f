"""One benchmark run: its own broker, every variant in turn, one results document."""

from __future__ import annotations

import asyncio
import os
import platform
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib.metadata import version
from pathlib import Path

from bench import access as bench_access
from bench import corpus as corpus_module
from bench.cpu import CpuSampler
from bench.drain import BENCH, BROKER, Throughput, drain
from bench.hubprofile import profile_hub
from bench.kafkaio import OffsetWatch
from bench.latency import Latency, measure
from bench.variants import VARIANTS, make
from bench.variants.base import RunContext, Target
from bench.variants.passthrough import PassthroughTarget
from hub.localkafka import LocalKafka
from hub.localkafka.settings import private_broker

LOADS = (0.5, 0.8)
WARM_UP_MESSAGES = 20_000
HUB_WARM_UP_MESSAGES = 10_000


@dataclass(frozen=True)
class Options:
    messages: int = 40_000
    latency_s: float = 10.0
    partitions: int = 6
    variants: Sequence[str] = tuple(VARIANTS)
    bootstrap: str | None = None
    profile: Path | None = None
    smoke: bool = False
    #: keep the run's files (logs, broker state) here instead of a temporary folder
    workdir: Path | None = None
    #: how every client connects, each mode measured in turn on the same broker:
    #: ``plaintext`` (the loopback listener) and ``mtls`` (the hub's services as their own
    #: principals with the ACLs on; the baselines as the administrator)
    securities: Sequence[str] = ("plaintext",)


def loadavg() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]


@contextmanager
def own_broker(state_dir: Path) -> Iterator[LocalKafka]:
    """A broker of the run's own: private state folder, free ports, the shared jar cache;
    its mTLS listener, and a plaintext loopback one whose clients bypass the ACLs."""
    kafka = LocalKafka(private_broker(state_dir, anonymous_super_users=True))
    kafka.start(exit_with_parent=True)
    try:
        yield kafka
    finally:
        kafka.stop()


def _log(message: str) -> None:
    print(f"[{datetime.now(UTC):%H:%M:%S}] {message}", file=sys.stderr, flush=True)


async def _variant(
    ctx: RunContext, name: str, options: Options, warmed: dict[str, Target]
) -> dict[str, object]:
    target = warmed.get(name)
    if target is None:
        target = make(name)
        await target.setup(ctx)
    try:
        _log(f"{name}: draining {options.messages} messages")
        throughput: Throughput = await drain(
            ctx, target, options.messages, timeout_s=max(120.0, options.messages / 100)
        )
        _log(
            f"{name}: {throughput.rate_per_s:.0f} msg/s, CPU µs/msg {throughput.cpu_us_per_message}"
        )
        await target.ready(ctx)
        latencies: list[Latency] = []
        for load in LOADS:
            result = await measure(
                ctx,
                target,
                load=load,
                max_rate=throughput.rate_per_s,
                duration_s=options.latency_s,
                max_messages=max(3000, 5 * options.messages),
            )
            _log(
                f"{name}: {load:.0%} load ({result.achieved_rate_per_s:.0f}/s): p50 "
                f"{result.p50_ms} ms, p99 {result.p99_ms} ms, p99.9 {result.p999_ms} ms"
            )
            latencies.append(result)
        out: dict[str, object] = {
            "label": target.label,
            "throughput": throughput.to_json(),
            "latency": [r.to_json() for r in latencies],
        }
        if options.profile is not None and name == "hub":
            _log("hub: profiling the router and the adapters during one more drain")
            out["profile"] = await profile_hub(ctx, target, throughput.rate_per_s, options.profile)
        return out
    finally:
        target.stop(ctx)


async def _warm_up(ctx: RunContext, options: Options) -> dict[str, Target]:
    """Unrecorded drains first: a fresh JVM spends its first minutes compiling its hot
    paths (a core's worth at times), which whichever variant ran first would pay for. A
    transactional passthrough warms the plain paths; the hub, when it is measured, warms
    its own (many partitions per transaction, consumer groups, ``read_committed``), and
    its measured drain then resumes where the warm-up's groups stopped."""
    warmup = PassthroughTarget("raw-txn", "warm-up", transactional=True, name="warmup")
    await warmup.setup(ctx)
    try:
        _log("warming the broker up: unrecorded transactional passthrough")
        await drain(ctx, warmup, min(options.messages, WARM_UP_MESSAGES), timeout_s=120)
    finally:
        warmup.stop(ctx)
    warmed: dict[str, Target] = {}
    if "hub" in options.variants:
        hub = make("hub")
        await hub.setup(ctx)
        _log("warming the broker up: unrecorded hub drain")
        try:
            await drain(ctx, hub, min(options.messages, HUB_WARM_UP_MESSAGES), timeout_s=300)
        finally:
            hub.stop(ctx)
        warmed["hub"] = hub
    return warmed


def ratios(variants: dict[str, dict[str, object]]) -> dict[str, float]:
    def rate(name: str) -> float | None:
        entry = variants.get(name)
        return entry["throughput"]["rate_per_s"] if entry else None  # type: ignore[index]

    out = {}
    for top, bottom in (
        ("hub", "raw"),
        ("hub", "raw-txn"),
        ("faststream", "raw"),
        ("faststream-batch", "raw"),
        ("raw-txn", "raw"),
    ):
        a, b = rate(top), rate(bottom)
        if a and b:
            out[f"{top}/{bottom}"] = round(a / b, 4)
    return out


def targets(
    variants: dict[str, dict[str, object]], ratio: dict[str, float]
) -> dict[str, dict[str, object]]:
    hub = variants.get("hub")
    if hub is None:
        return {}
    half = hub["latency"][0]  # type: ignore[index]
    router = hub["throughput"]["cpu_us_per_message"].get("router")  # type: ignore[index]
    checks: dict[str, tuple[float | None, float, bool]] = {
        "throughput hub/raw >= 0.5": (ratio.get("hub/raw"), 0.5, True),
        "hub p99 at 50% load < 100 ms": (half["p99_ms"], 100.0, False),
        "router CPU <= 150 µs/message": (router, 150.0, False),
    }
    out: dict[str, dict[str, object]] = {}
    for name, (value, bound, at_least) in checks.items():
        met = value is not None and (value >= bound if at_least else value <= bound)
        out[name] = {"value": value, "target": bound, "met": met}
    return out


async def run(options: Options) -> dict[str, object]:
    began = time.time()
    load_before = loadavg()
    _log(f"load average {load_before}; generating the corpus")
    corpus = corpus_module.load()
    sampler = CpuSampler()
    sampler.watch(BENCH, os.getpid())
    sampler.start()
    by_security: dict[str, dict[str, dict[str, object]]] = {}
    with (
        _workdir(options.workdir) as workdir,
        _broker(options, workdir) as (bootstraps, broker_pid, kafka_version),
    ):
        if broker_pid is not None:
            sampler.watch(BROKER, broker_pid)
        natives_from = 0
        for security in options.securities:
            bootstrap = bootstraps[security]
            bench_access.use(security, workdir / "kafka")
            _log(f"clients connect in {security} to {bootstrap}")
            variants: dict[str, dict[str, object]] = {}
            async with OffsetWatch(bootstrap) as watch:
                ctx = RunContext(
                    bootstrap=bootstrap,
                    workdir=workdir,
                    corpus=corpus,
                    sampler=sampler,
                    partitions=options.partitions,
                    run_id=uuid.uuid4().hex[:8],
                    watch=watch,
                    broker_pid=broker_pid,
                    natives_from=natives_from,
                )
                warmed = await _warm_up(ctx, options)
                for name in options.variants:
                    variants[name] = await _variant(ctx, name, options, warmed)
            by_security[security] = variants
            natives_from = getattr(warmed.get("hub"), "cursor", natives_from)
    sampler.stop()
    variants = by_security[options.securities[0]]
    ratio = ratios(variants)
    return {
        "schema_version": 1,
        "started_at": datetime.fromtimestamp(began, UTC).isoformat(timespec="seconds"),
        "duration_s": round(time.time() - began, 1),
        "machine": {
            "cores": len(os.sched_getaffinity(0)),
            "python": platform.python_version(),
            "aiokafka": version("aiokafka"),
            "faststream": version("faststream"),
            "kafka": kafka_version,
            "load_average_before": load_before,
            "load_average_after": loadavg(),
        },
        "settings": {
            "messages": options.messages,
            "latency_s": options.latency_s,
            "partitions": options.partitions,
            "loads": list(LOADS),
            "smoke": options.smoke,
            "own_broker": options.bootstrap is None,
        },
        "corpus": corpus.summary(),
        "variants": variants,
        "ratios": ratio,
        "targets": targets(variants, ratio),
        "security": {
            "modes": list(options.securities),
            "ratios": {mode: ratios(found) for mode, found in by_security.items()},
            "variants": by_security if len(by_security) > 1 else {},
            "tls_cost": tls_cost(by_security),
        },
    }


def tls_cost(by_security: dict[str, dict[str, dict[str, object]]]) -> dict[str, float]:
    """Each variant's throughput over mTLS as a share of its plaintext throughput."""
    plain, tls = by_security.get("plaintext"), by_security.get("mtls")
    if not plain or not tls:
        return {}
    out = {}
    for name in plain.keys() & tls.keys():
        a = tls[name]["throughput"]["rate_per_s"]  # type: ignore[index]
        b = plain[name]["throughput"]["rate_per_s"]  # type: ignore[index]
        if a and b:
            out[f"{name} mtls/plaintext"] = round(a / b, 4)
    return dict(sorted(out.items()))


@contextmanager
def _workdir(kept: Path | None) -> Iterator[Path]:
    """The run's files (broker state, hub keys, logs): a temporary folder, or one kept."""
    if kept is not None:
        kept.mkdir(parents=True, exist_ok=True)
        yield kept
        return
    with tempfile.TemporaryDirectory(prefix="cca-bench-") as tmp:
        yield Path(tmp)


@contextmanager
def _broker(
    options: Options, workdir: Path
) -> Iterator[tuple[dict[str, str], int | None, str | None]]:
    """The bootstrap of each security mode, the broker's pid and its Kafka version."""
    if options.bootstrap is not None:
        if list(options.securities) != ["plaintext"]:
            raise ValueError("--security other than plaintext needs the run's own broker")
        yield {"plaintext": options.bootstrap}, None, None
        return
    _log("starting the run's own broker")
    with own_broker(workdir / "kafka") as kafka:
        status = kafka.status()
        assert status.local_bootstrap is not None
        bootstraps = {"plaintext": status.local_bootstrap, "mtls": status.bootstrap}
        yield bootstraps, status.pid, kafka.running_version()


def main(options: Options) -> dict[str, object]:
    return asyncio.run(run(options))
