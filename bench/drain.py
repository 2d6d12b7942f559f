"""The throughput phase: pre-fill N messages, start the variant's processes in fresh
consumer groups, and time how fast they drain exactly those N.

The sustained rate is taken over the middle 90 % of the drain, from the 5th to the 95th
percentile of the times the messages reached their final topic (producer timestamps):
start-up (imports, group join) and the last stragglers fall outside it. A process's CPU per
message is its CPU time from its first output to its last, over the messages in between;
the broker's, over the span from the first output of any process to the last.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from dataclasses import asdict, dataclass, field

from bench.cpu import thread_cpu
from bench.variants.base import DrainOutputs, RunContext, Target

POLL_S = 0.2
MIN_WINDOW_S = 0.25
BROKER_THREADS = 8
BROKER = "broker"
BENCH = "bench"  # this process: the orchestrator and the latency consumer


@dataclass
class Throughput:
    messages: int
    rate_per_s: float
    window_s: float
    #: from starting the processes to the last message through, start-up included
    wall_s: float
    output_records: int
    cpu_us_per_message: dict[str, float] = field(default_factory=dict)
    #: CPU cores busy on average over the drain, per process
    cpu_cores: dict[str, float] = field(default_factory=dict)
    #: the broker's CPU by kind of thread, from the start of the processes to the end of
    #: the drain (start-up included), per message: where the broker's share goes
    broker_threads_us_per_message: dict[str, float] = field(default_factory=dict)

    def to_json(self) -> dict[str, object]:
        return asdict(self)


async def poll_until(
    check: Callable[[], Awaitable[bool]],
    *,
    timeout_s: float,
    what: Callable[[], str],
    interval_s: float = POLL_S,
) -> None:
    deadline = time.monotonic() + timeout_s
    while not await check():
        if time.monotonic() > deadline:
            raise TimeoutError(f"{what()}: not done after {timeout_s:.0f}s")
        await asyncio.sleep(interval_s)


def _quantile(sorted_values: list[float], q: float) -> float:
    return sorted_values[min(len(sorted_values) - 1, max(0, round(q * (len(sorted_values) - 1))))]


def sustained_rate(final: list[float], wall_s: float) -> tuple[float, float]:
    """(messages per second, seconds) over the middle 90 % of ``final``; a drain too short
    to have a middle (a few batches) falls back to the whole wall time, start-up included."""
    lo, hi = _quantile(final, 0.05), _quantile(final, 0.95)
    inside = sum(1 for t in final if lo < t <= hi)
    window = hi - lo
    if window < MIN_WINDOW_S:
        return len(final) / wall_s, wall_s
    return inside / window, window


def cpu_figures(
    ctx: RunContext, outputs: DrainOutputs, messages: int
) -> tuple[dict[str, float], dict[str, float]]:
    per_message: dict[str, float] = {}
    cores: dict[str, float] = {}
    for name, span in outputs.spans.items():
        stamps = sorted(span.stamps)
        if len(stamps) < 2 or stamps[-1] <= stamps[0]:
            continue
        first, last = stamps[0], stamps[-1]
        share = sum(1 for t in stamps if t > first) / len(stamps)
        used = ctx.sampler.used(name, first, last)
        per_message[name] = used / (messages * share) * 1e6
        cores[name] = used / (last - first)
    starts = [min(s.stamps) for s in outputs.spans.values() if s.stamps]
    ends = [max(s.stamps) for s in outputs.spans.values() if s.stamps]
    if ctx.broker_pid is not None and starts:
        first, last = min(starts), max(ends)
        used = ctx.sampler.used(BROKER, first, last)
        per_message[BROKER] = used / messages * 1e6
        cores[BROKER] = used / (last - first) if last > first else 0.0
    return per_message, cores


async def drain(ctx: RunContext, target: Target, messages: int, *, timeout_s: float) -> Throughput:
    await target.prefill(ctx, messages)
    threads_before = thread_cpu(ctx.broker_pid) if ctx.broker_pid is not None else {}
    started = time.time()
    target.start(ctx)
    await poll_until(
        lambda: target.drained(ctx),
        timeout_s=timeout_s,
        what=lambda: f"{target.name} drain ({target.waiting})",
    )
    ctx.sampler.sample()
    threads = {}
    if ctx.broker_pid is not None:
        after = thread_cpu(ctx.broker_pid)
        used = {k: v - threads_before.get(k, 0.0) for k, v in after.items()}
        threads = {
            k: round(v / messages * 1e6, 1)
            for k, v in sorted(used.items(), key=lambda kv: -kv[1])[:BROKER_THREADS]
            if v > 0
        }
    outputs = await target.collect(ctx)
    if len(outputs.final) != messages:
        raise RuntimeError(f"{target.name}: {len(outputs.final)} messages out of {messages}")
    wall = outputs.final[-1] - started
    rate, window = sustained_rate(outputs.final, wall)
    per_message, cores = cpu_figures(ctx, outputs, messages)
    return Throughput(
        messages=messages,
        rate_per_s=round(rate, 1),
        window_s=round(window, 3),
        wall_s=round(wall, 3),
        output_records=outputs.records,
        cpu_us_per_message={k: round(v, 1) for k, v in per_message.items()},
        cpu_cores={k: round(v, 2) for k, v in cores.items()},
        broker_threads_us_per_message=threads,
    )
