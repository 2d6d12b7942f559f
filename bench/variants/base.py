"""What every variant offers the phases: set-up, a pre-filled drain, latency load, stop."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from aiokafka.structs import TopicPartition

from bench.children import Child
from bench.corpus import Corpus
from bench.cpu import CpuSampler
from bench.kafkaio import Headers, OffsetWatch
from bench.loadgen import Message


@dataclass
class RunContext:
    bootstrap: str
    workdir: Path
    corpus: Corpus
    sampler: CpuSampler
    partitions: int
    run_id: str
    #: long-lived connections for polling offsets while a phase runs
    watch: OffsetWatch
    #: the broker's JVM when the run started its own broker
    broker_pid: int | None = None
    #: the first native of the corpus the hub may take: an earlier security mode of the
    #: same run used those before it, and the hub drops a repeated message
    natives_from: int = 0


@dataclass
class Span:
    """The outputs of one process during a drain: their producer timestamps (seconds)."""

    stamps: list[float] = field(default_factory=list)


@dataclass
class DrainOutputs:
    #: when each message of the drain reached its final topic (seconds)
    final: list[float]
    #: per watched process, the timestamps of the outputs that pace its work
    spans: dict[str, Span]
    #: records on the final topics, counting fan-out and duplicates
    records: int


class Matcher(ABC):
    """Tells, for a record read from an output topic, when its message was due to be sent."""

    @abstractmethod
    def due(self, value: bytes, headers: Headers) -> float | None:
        """The due time (epoch seconds), or None for a record that is not counted."""


class Target(ABC):
    name: str
    label: str
    children: list[Child]
    #: what the last :meth:`drained` that said no was waiting for
    waiting: str = ""

    @abstractmethod
    async def setup(self, ctx: RunContext) -> None: ...

    @abstractmethod
    async def prefill(self, ctx: RunContext, count: int) -> None:
        """Write ``count`` messages to the inputs, before any consumer runs."""

    @abstractmethod
    def start(self, ctx: RunContext) -> None:
        """Start the processes, each in a fresh consumer group; watch their CPU."""

    @abstractmethod
    async def ready(self, ctx: RunContext) -> None:
        """Return once the processes consume (after a drain they do)."""

    @abstractmethod
    async def drained(self, ctx: RunContext) -> bool:
        """True once the pre-filled messages are all through and committed."""

    @abstractmethod
    async def collect(self, ctx: RunContext) -> DrainOutputs: ...

    @abstractmethod
    def available(self, ctx: RunContext) -> int:
        """How many more messages the latency phases can send (the hub needs fresh ones)."""

    @abstractmethod
    def load(
        self, ctx: RunContext, count: int, start_at: float, rate: float
    ) -> tuple[Sequence[Message], Matcher]:
        """The next ``count`` messages for the load generator, and how to match outputs."""

    @abstractmethod
    async def outputs(self, ctx: RunContext) -> list[TopicPartition]:
        """Where the latency consumer reads."""

    def stop(self, ctx: RunContext) -> None:
        for child in self.children:
            child.stop()
            ctx.sampler.forget(child.name)
