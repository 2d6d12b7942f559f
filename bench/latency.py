"""The latency phases: an open-loop generator at a fixed share of the variant's measured
maximum rate, and a ``read_committed`` consumer of the outputs that times every message
from its due time to the moment it could be read.

The first second (a fifth of a short phase) is warm-up and not counted. CPU per message is
each process's CPU over the phase divided by the messages sent (``bench`` is the
measuring consumer, ``loadgen`` the generator).
"""

from __future__ import annotations

import json
import math
import time
from dataclasses import asdict, dataclass, field

from bench.access import bench_access
from bench.children import Child, child_env
from bench.drain import BENCH, BROKER
from bench.loadgen import save
from bench.variants.base import RunContext, Target
from hub.access import clients

LOADGEN = "loadgen"
STARTUP_S = 2.5  # the generator's imports and connection, before the first message is due
MIN_MESSAGES = 50


@dataclass
class Latency:
    load: float
    target_rate_per_s: float
    achieved_rate_per_s: float
    sent: int
    received: int
    counted: int
    p50_ms: float | None
    p99_ms: float | None
    p999_ms: float | None
    max_ms: float | None
    mean_ms: float | None
    #: how late the generator itself ran at worst (its delay is part of the latency)
    generator_behind_max_ms: float
    #: median time from due to the output record's creation by the last process; the rest
    #: of the latency is its commit, the broker, and the measuring consumer
    p50_until_sent_ms: float | None
    cpu_us_per_message: dict[str, float] = field(default_factory=dict)

    def to_json(self) -> dict[str, object]:
        return asdict(self)


def percentile(sorted_values: list[float], q: float) -> float:
    """Nearest rank: the smallest value with at least ``q`` of the values at or below it."""
    rank = max(1, math.ceil(q * len(sorted_values)))
    return sorted_values[rank - 1]


async def measure(
    ctx: RunContext,
    target: Target,
    *,
    load: float,
    max_rate: float,
    duration_s: float,
    max_messages: int,
    timeout_s: float = 60.0,
) -> Latency:
    rate = max(1.0, load * max_rate)
    count = min(max(MIN_MESSAGES, int(rate * duration_s)), max_messages, target.available(ctx))
    if count < MIN_MESSAGES:
        raise ValueError(f"{target.name}: the corpus has too few unused messages left")
    warmup_s = min(1.0, duration_s / 5)
    start_at = time.time() + STARTUP_S
    messages, matcher = target.load(ctx, count, start_at, rate)
    path = ctx.workdir / f"load-{target.name}-{int(load * 100)}.bin"
    result_path = path.with_suffix(".json")
    save(path, messages)

    tps = await target.outputs(ctx)
    consumer = clients.consumer(
        bench_access(ctx.bootstrap),
        group_id=None,
        enable_auto_commit=False,
        isolation_level="read_committed",
        fetch_max_wait_ms=100,
    )
    await consumer.start()
    latencies: list[float] = []
    #: the part of each latency before the last process sent the output record
    to_send: list[float] = []
    received = 0
    try:
        consumer.assign(tps)
        ends = await consumer.end_offsets(tps)
        for tp in tps:
            consumer.seek(tp, ends[tp])
        generator = Child(
            LOADGEN,
            [
                "-m",
                "bench.loadgen",
                "--bootstrap",
                ctx.bootstrap,
                "--messages",
                str(path),
                "--start-at",
                repr(start_at),
                "--rate",
                repr(rate),
                "--result",
                str(result_path),
            ],
            child_env(),
            ctx.workdir,
            log_name=f"{LOADGEN}-{target.name}-{int(load * 100)}",
        ).start()
        ctx.sampler.watch(LOADGEN, generator.pid)
        deadline = start_at + count / rate + timeout_s
        while received < count and time.time() < deadline:
            batches = await consumer.getmany(timeout_ms=50)
            now = time.time()
            for records in batches.values():
                for r in records:
                    due = matcher.due(r.value or b"", list(r.headers or ()))
                    if due is None:
                        continue
                    received += 1
                    if due >= start_at + warmup_s:
                        latencies.append(now - due)
                        to_send.append(r.timestamp / 1000 - due)
            if generator.proc is not None and generator.proc.poll() not in (None, 0):
                generator.check_alive()
        last = time.time()
        await generator.wait(timeout_s)
        ctx.sampler.sample()
    finally:
        await consumer.stop()
    report = json.loads(result_path.read_text())
    path.unlink(missing_ok=True)
    names = [*(c.name for c in target.children), LOADGEN]
    if ctx.broker_pid is not None:
        names.append(BROKER)
    cpu = {n: ctx.sampler.used(n, start_at, last) / count * 1e6 for n in [*names, BENCH]}
    ctx.sampler.forget(LOADGEN)
    latencies.sort()
    to_send.sort()

    def ms(value: float | None) -> float | None:
        return None if value is None else round(value * 1000, 2)

    have = bool(latencies)
    return Latency(
        load=load,
        target_rate_per_s=round(rate, 1),
        achieved_rate_per_s=round(count / max(report["span_s"], 1e-9), 1),
        sent=count,
        received=received,
        counted=len(latencies),
        p50_ms=ms(percentile(latencies, 0.50) if have else None),
        p99_ms=ms(percentile(latencies, 0.99) if have else None),
        p999_ms=ms(percentile(latencies, 0.999) if have else None),
        max_ms=ms(latencies[-1] if have else None),
        mean_ms=ms(sum(latencies) / len(latencies) if have else None),
        generator_behind_max_ms=round(report["behind_max_s"] * 1000, 2),
        p50_until_sent_ms=ms(percentile(to_send, 0.50) if have else None),
        cpu_us_per_message={k: round(v, 1) for k, v in cpu.items()},
    )
