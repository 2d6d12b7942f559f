"""The raw and framework baselines: the corpus's canonical records from an input topic to an
output topic, through one ``bench.baselines`` child process."""

from __future__ import annotations

from collections import deque
from collections.abc import Sequence

from aiokafka.structs import TopicPartition

from bench.children import Child, child_env
from bench.kafkaio import (
    Headers,
    Offsets,
    Outgoing,
    create_topics,
    end_offsets,
    partitions_of,
    read,
    write,
)
from bench.loadgen import Message
from bench.variants.base import DrainOutputs, Matcher, RunContext, Span, Target

PROCESS = "passthrough"


class _ByValue(Matcher):
    """Same bytes in, same bytes out: the n-th arrival of a value is its n-th send."""

    def __init__(self, values: Sequence[bytes], start_at: float, rate: float) -> None:
        self.start_at = start_at
        self.rate = rate
        self.pending: dict[bytes, deque[int]] = {}
        for i, value in enumerate(values):
            self.pending.setdefault(value, deque()).append(i)

    def due(self, value: bytes, headers: Headers) -> float | None:
        queue = self.pending.get(value)
        if not queue:
            return None
        return self.start_at + queue.popleft() / self.rate


class PassthroughTarget(Target):
    def __init__(
        self, kind: str, label: str, *, transactional: bool = False, name: str | None = None
    ) -> None:
        self.kind = kind
        self.name = name or kind
        self.label = label
        self.transactional = transactional
        self.children = []
        self.sent = 0  # position in the canonical corpus, cycled
        self.expected = 0
        self.start_offsets: Offsets = {}

    def _topics(self, ctx: RunContext) -> tuple[str, str, str]:
        base = f"bench.{ctx.run_id}.{self.name}"
        return f"{base}.in", f"{base}.out", base

    async def setup(self, ctx: RunContext) -> None:
        source, sink, _ = self._topics(ctx)
        await create_topics(ctx.bootstrap, [source, sink], ctx.partitions)
        self.in_tps = await partitions_of(ctx.bootstrap, [source])
        self.out_tps = await partitions_of(ctx.bootstrap, [sink])

    def _records(self, ctx: RunContext, count: int) -> list[Message]:
        source, _, _ = self._topics(ctx)
        canonical = ctx.corpus.canonical
        out: list[Message] = []
        for i in range(self.sent, self.sent + count):
            record = canonical[i % len(canonical)]
            out.append((source, record.key, record.value, list(record.headers)))
        self.sent += count
        return out

    async def prefill(self, ctx: RunContext, count: int) -> None:
        self.start_offsets = await end_offsets(ctx.bootstrap, self.out_tps, committed_only=False)
        records = self._records(ctx, count)
        await write(ctx.bootstrap, (Outgoing(*r) for r in records))
        self.expected = count

    def start(self, ctx: RunContext) -> None:
        source, sink, group = self._topics(ctx)
        child = Child(
            PROCESS,
            [
                "-m",
                "bench.baselines",
                self.kind,
                "--bootstrap",
                ctx.bootstrap,
                "--source",
                source,
                "--sink",
                sink,
                "--group",
                group,
            ],
            child_env(),
            ctx.workdir,
            log_name=self.name,
        ).start()
        self.children = [child]
        ctx.sampler.watch(PROCESS, child.pid)

    async def ready(self, ctx: RunContext) -> None:
        for child in self.children:
            child.check_alive()

    async def drained(self, ctx: RunContext) -> bool:
        for child in self.children:
            child.check_alive()
        _, _, group = self._topics(ctx)
        stable, high = await ctx.watch.ends(self.out_tps)
        if self.transactional:
            # the output holds commit markers: go by the committed input offsets
            in_ends = (await ctx.watch.ends(self.in_tps))[1]
            committed = await ctx.watch.committed(group, self.in_tps)
            return stable == high and all(
                committed.get(tp, 0) >= end for tp, end in in_ends.items()
            )
        moved = sum(high[tp] - self.start_offsets.get(tp, 0) for tp in self.out_tps)
        return moved >= self.expected

    async def collect(self, ctx: RunContext) -> DrainOutputs:
        end = await end_offsets(ctx.bootstrap, self.out_tps)
        landed = await read(ctx.bootstrap, self.start_offsets, end)
        stamps = sorted(r.timestamp_ms / 1000 for r in landed)
        return DrainOutputs(final=stamps, spans={PROCESS: Span(stamps)}, records=len(landed))

    def available(self, ctx: RunContext) -> int:
        return 10**9  # canonical records may repeat: a passthrough does not de-duplicate

    def load(
        self, ctx: RunContext, count: int, start_at: float, rate: float
    ) -> tuple[Sequence[Message], Matcher]:
        records = self._records(ctx, count)
        return records, _ByValue([r[2] for r in records], start_at, rate)

    async def outputs(self, ctx: RunContext) -> list[TopicPartition]:
        return list(self.out_tps)
