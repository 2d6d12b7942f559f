"""The hub itself: ``hub serve --all-adapters`` and ``hub serve --router`` as child
processes, native messages in, canonical events on the desks out.

A message is through when its event is on its desks, or the triage desk has the notice
that it was withheld (one transaction writes all of them);
the receipts the hub also renders back to the networks are part of the work measured.
Events are recognised as this run's by the native position the adapters stamp on them
(``hub.native.topic/partition/offset``), so a shared broker's older traffic is not counted.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Sequence
from pathlib import Path

from aiokafka.structs import TopicPartition

from adapters.sdk.registry import adapter_class, slugs
from bench.access import PKI_STATE_ENV, bench_access
from bench.children import Child, child_env, wait_healthy
from bench.kafkaio import Headers, Landed, Offsets, Outgoing, end_offsets, partitions_of, read
from bench.kafkaio import write as write_records
from bench.loadgen import Message
from bench.variants.base import DrainOutputs, Matcher, RunContext, Span, Target
from contract.topology import (
    CANONICAL,
    RECEIVED_MS_HEADER,
    native_in,
    native_out,
    receipts_topic,
)
from hub.access.clients import KafkaAccess
from hub.access.participants import load_participants
from hub.access.principals import ADMIN_PRINCIPAL
from hub.access.provision import apply_participants, issue_missing
from hub.core.desks import Desks, load_desks
from hub.core.records import header
from hub.keys.principals import signing_principals
from hub.keys.store import KeyStore
from hub.localkafka.ports import free_ports
from hub.pki import pki_dir
from hub.services.topics_admin import ensure_topics
from hub.topics import hub_topics

ROUTER = "router"
ADAPTERS = "adapters"
ROUTER_GROUP = "cca-router"
GAP = 20


def _native_position(headers: Headers) -> tuple[str, int, int] | None:
    topic, part, offset = (
        header(headers, f"hub.native.{n}") for n in ("topic", "partition", "offset")
    )
    if topic is None or part is None or offset is None:
        return None
    return topic.decode(), int(part), int(offset)


def _event_of(headers: Headers) -> bytes | None:
    """The event a desk record is about: the event itself, or the triage desk's notice that
    it was withheld (``<id>.withheld``, in the same transaction as its other desks)."""
    found = header(headers, "ce_id")
    return found.removesuffix(b".withheld") if found is not None else None


class _ByReceivedHeader(Matcher):
    """The hub stamps each event with its native record's timestamp (``hub.received.ms``),
    which the load generator set to the message's due time; fan-out copies count once."""

    def __init__(self) -> None:
        self.seen: set[bytes] = set()

    def due(self, value: bytes, headers: Headers) -> float | None:
        event_id = _event_of(headers)
        received = header(headers, RECEIVED_MS_HEADER)
        if event_id is None or received is None or event_id in self.seen:
            return None
        self.seen.add(event_id)
        return int(received) / 1000


class HubTarget(Target):
    name = "hub"
    label = "hub (adapters + router)"

    def __init__(self) -> None:
        self.children = []
        self.cursor = 0  # next unused native of the corpus
        self.ranges: dict[tuple[str, int], tuple[int, int]] = {}
        self.starts: Offsets = {}
        self.expected = 0
        self.waiting = ""

    @property
    def networks(self) -> list[str]:
        return [s for s in slugs() if s != "interpol"]

    async def setup(self, ctx: RunContext) -> None:
        self.cursor = max(self.cursor, ctx.natives_from)
        self.state = ctx.workdir / "hub-state"
        KeyStore(self.state).ensure(signing_principals())
        desks = load_desks()
        admin = bench_access(ctx.bootstrap)
        await ensure_topics(admin, hub_topics(slugs(), desks, partitions=ctx.partitions))
        if admin.security == "mtls":
            await self._provision(admin, desks)
        tps = await partitions_of(
            ctx.bootstrap,
            [
                CANONICAL,
                *desks.topics,
                *(native_in(s) for s in self.networks),
                *(native_out(s) for s in self.networks),
                *(receipts_topic(s) for s in self.networks),
            ],
        )
        self.native_tps = [tp for tp in tps if tp.topic.endswith(".in")]
        self.canonical_tps = [tp for tp in tps if tp.topic == CANONICAL]
        self.desk_tps = [tp for tp in tps if tp.topic.startswith("cca.desk.")]
        self.out_tps = [tp for tp in tps if tp.topic.endswith(".out")]
        # the adapters that reply through the router consume its receipts
        self.receipt_groups = {
            f"cca-receipts-{s}": [tp for tp in tps if tp.topic == receipts_topic(s)]
            for s in self.networks
            if adapter_class(s).replies and not adapter_class(s).batch_receipts
        }

    async def _provision(self, admin: KafkaAccess, desks: Desks) -> None:
        """As a deployment has it: the broker's CA, a certificate for every participant
        and the ACLs of the participants file; each service then connects as its own."""
        broker_pki = Path(os.environ[PKI_STATE_ENV])
        shutil.copytree(pki_dir(broker_pki), pki_dir(self.state), dirs_exist_ok=True)
        participants = load_participants()
        issue_missing(self.state, participants)
        hub_admin = KafkaAccess.mtls(admin.bootstrap, self.state, ADMIN_PRINCIPAL)
        await apply_participants(hub_admin, self.state, participants, slugs(), desks)

    def _natives(self, ctx: RunContext, count: int) -> list[Message]:
        natives = ctx.corpus.natives[self.cursor : self.cursor + count]
        if len(natives) < count:
            raise ValueError(
                f"the corpus has only {len(ctx.corpus.natives) - self.cursor} "
                f"unused natives left, {count} asked"
            )
        self.cursor += count
        return [(native_in(n.network), None, n.value, []) for n in natives]

    async def prefill(self, ctx: RunContext, count: int) -> None:
        watched = self.canonical_tps + self.desk_tps + self.out_tps
        self.starts = await end_offsets(ctx.bootstrap, watched, committed_only=False)
        before = await end_offsets(ctx.bootstrap, self.native_tps, committed_only=False)
        await write_records(ctx.bootstrap, (Outgoing(*m) for m in self._natives(ctx, count)))
        after = await end_offsets(ctx.bootstrap, self.native_tps, committed_only=False)
        self.ranges = {(tp.topic, tp.partition): (before[tp], after[tp]) for tp in self.native_tps}
        self.expected = count

    def start(self, ctx: RunContext) -> None:
        env = child_env(
            {
                "HUB_KAFKA_BOOTSTRAP": ctx.bootstrap,
                "HUB_KAFKA_SECURITY": bench_access(ctx.bootstrap).security,
                "HUB_STATE_DIR": str(self.state),
                "HUB_PARTITIONS": str(ctx.partitions),
                "HUB_INSTANCE": f"bench-{ctx.run_id}",
            }
        )
        self.ports = dict(zip((ROUTER, ADAPTERS), free_ports(2), strict=True))
        flags = {ROUTER: ["--router"], ADAPTERS: ["--all-adapters"]}
        self.children = []
        for name in (ADAPTERS, ROUTER):
            child = Child(
                name,
                ["-m", "hub", "serve", *flags[name], "--metrics-port", str(self.ports[name])],
                env,
                ctx.workdir,
            ).start()
            self.children.append(child)
            ctx.sampler.watch(name, child.pid)

    async def ready(self, ctx: RunContext) -> None:
        for child in self.children:
            await wait_healthy(child, self.ports[child.name])

    def _ours(self, headers: Headers) -> bool:
        position = _native_position(headers)
        if position is None:
            return False
        span = self.ranges.get(position[:2])
        return span is not None and span[0] <= position[2] < span[1]

    async def _caught_up(
        self, ctx: RunContext, group: str, tps: list[TopicPartition], *, transactional: bool
    ) -> bool:
        stable, high = await ctx.watch.ends(tps)
        committed = await ctx.watch.committed(group, tps)
        for tp in tps:
            if stable[tp] != high[tp]:
                self.waiting = f"{tp.topic}[{tp.partition}]: a transaction is open"
                return False
            if high[tp] == 0:
                continue
            done = committed.get(tp, -1)
            if done >= high[tp]:
                continue
            # transactions leave markers (and aborted ones, records that are never read)
            # past the last record a consumer sees: look at a short gap before saying no
            if (
                transactional
                and done >= 0
                and high[tp] - done <= GAP
                and not await ctx.watch.records_between(tp, done, high[tp])
            ):
                continue
            self.waiting = f"{group} at {done} of {high[tp]} on {tp.topic}[{tp.partition}]"
            return False
        return True

    async def drained(self, ctx: RunContext) -> bool:
        for child in self.children:
            child.check_alive()
        for s in self.networks:
            tps = [tp for tp in self.native_tps if tp.topic == native_in(s)]
            if not await self._caught_up(ctx, f"cca-adapter-{s}", tps, transactional=False):
                return False
        if not await self._caught_up(ctx, ROUTER_GROUP, self.canonical_tps, transactional=True):
            return False
        for group, tps in self.receipt_groups.items():
            if not await self._caught_up(ctx, group, tps, transactional=True):
                return False
        return True

    async def _read(self, ctx: RunContext, tps: list[TopicPartition]) -> list[Landed]:
        end = await end_offsets(ctx.bootstrap, tps)
        return await read(ctx.bootstrap, {tp: self.starts.get(tp, 0) for tp in tps}, end)

    async def collect(self, ctx: RunContext) -> DrainOutputs:
        canonical = [r for r in await self._read(ctx, self.canonical_tps) if self._ours(r.headers)]
        desks = [r for r in await self._read(ctx, self.desk_tps) if self._ours(r.headers)]
        replies = await self._read(ctx, self.out_tps)
        first: dict[bytes, int] = {}
        for r in desks:
            event_id = _event_of(r.headers) or b""
            first[event_id] = min(first.get(event_id, r.timestamp_ms), r.timestamp_ms)
        adapters = sorted(r.timestamp_ms / 1000 for r in canonical)
        # the adapters' work ends with the last native reply they render
        replies_end = max((r.timestamp_ms / 1000 for r in replies), default=0.0)
        if adapters and replies_end > adapters[-1]:
            adapters.append(replies_end)
        if len(first) != self.expected:
            raise RuntimeError(f"{len(first)} events of {self.expected} reached the desks")
        return DrainOutputs(
            final=sorted(ms / 1000 for ms in first.values()),
            spans={
                ADAPTERS: Span(adapters),
                ROUTER: Span(sorted(r.timestamp_ms / 1000 for r in desks)),
            },
            records=len(desks),
        )

    def available(self, ctx: RunContext) -> int:
        return len(ctx.corpus.natives) - self.cursor

    def load(
        self, ctx: RunContext, count: int, start_at: float, rate: float
    ) -> tuple[Sequence[Message], Matcher]:
        return self._natives(ctx, count), _ByReceivedHeader()

    async def outputs(self, ctx: RunContext) -> list[TopicPartition]:
        return list(self.desk_tps)
