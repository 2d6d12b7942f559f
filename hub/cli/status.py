"""`hub status`: what the broker says about the hub, at a terminal.

Everything comes from Kafka itself (end offsets, committed offsets), so it works when the
hub's services are down, which is when an operator most needs it. Counts are end offsets
summed over partitions: on topics written in transactions (desks, native out, the DLQs)
they include one commit marker per transaction, so they are an upper bound of the
records. The lag is exact up to small gaps (see :mod:`hub.ops.lag`).
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import Annotated

import typer
from aiokafka.structs import TopicPartition

from adapters.sdk.registry import slugs
from contract.topology import (
    CANONICAL,
    PROGRESS_STATE,
    ROUTER_DLQ,
    ROUTER_GROUP,
    desk_topic,
    native_dlq,
    native_in,
    native_out,
)
from hub.access.clients import AccessError, access_from
from hub.access.principals import OPERATOR_PRINCIPAL
from hub.core.desks import DeskConfigError, load_desks
from hub.ops.lag import GroupTopics, LagReader, PartitionLag, hub_groups, merged
from hub.settings import HubSettings

MISSING = None


@dataclass(frozen=True)
class NetworkCounts:
    network: str
    received: int | None  # net.<slug>.in; None: no such topic
    answered: int | None  # net.<slug>.out
    dead_letters: int | None  # net.<slug>.in.dlq


@dataclass
class Status:
    bootstrap: str
    networks: list[NetworkCounts] = field(default_factory=list)
    desks: dict[str, int | None] = field(default_factory=dict)
    router_dead_letters: int | None = None
    lag: list[PartitionLag] = field(default_factory=list)
    #: canonical partitions whose committed offset is beyond what the router processed
    ahead: list[CommittedAhead] = field(default_factory=list)


@dataclass(frozen=True)
class CommittedAhead:
    """A router commit that no router batch wrote: records in between were never routed."""

    partition: int
    committed: int
    processed: int | None  # None: the router recorded no progress on this partition


def processed_offsets(
    tail: dict[TopicPartition, list[tuple[bytes | None, bytes | None]]],
) -> dict[int, int]:
    """Canonical partition -> the next offset the router's batches recorded processing."""
    out: dict[int, int] = {}
    for rows in tail.values():
        for _key, value in rows:
            try:
                progress = json.loads(value or b"")
                if progress.get("topic") == CANONICAL:
                    partition, offset = int(progress["partition"]), int(progress["next"])
            except (ValueError, TypeError, KeyError, AttributeError):
                continue
            out[partition] = max(out.get(partition, 0), offset)
    return out


def commits_ahead(lags: Sequence[PartitionLag], processed: dict[int, int]) -> list[CommittedAhead]:
    """The router group's canonical commits beyond its recorded progress."""
    out = []
    for lag in lags:
        if lag.group != ROUTER_GROUP or lag.topic != CANONICAL or lag.committed is None:
            continue
        done = processed.get(lag.partition)
        if done is None or lag.committed > done:
            out.append(CommittedAhead(lag.partition, lag.committed, done))
    return out


async def end_offsets(reader: LagReader, topics: Sequence[str]) -> dict[str, int | None]:
    """Each topic's end offset summed over its partitions; None for a missing topic."""
    counts = await reader.partitions(topics)
    tps = [TopicPartition(t, p) for t, n in counts.items() for p in range(n)]
    bounds = await reader.bounds(tps)
    out: dict[str, int | None] = dict.fromkeys(topics, MISSING)
    for tp, b in bounds.items():
        out[tp.topic] = (out[tp.topic] or 0) + b.end
    return out


async def read_status(reader: LagReader, networks: Sequence[str], desks: Sequence[str]) -> Status:
    status = Status(reader.bootstrap)
    desk_topics = {d: desk_topic(d) for d in desks}
    topics = [t for n in networks for t in (native_in(n), native_out(n), native_dlq(n))]
    ends = await end_offsets(reader, [*topics, *desk_topics.values(), ROUTER_DLQ])
    status.networks = [
        NetworkCounts(n, ends[native_in(n)], ends[native_out(n)], ends[native_dlq(n)])
        for n in networks
    ]
    status.desks = {d: ends[t] for d, t in desk_topics.items()}
    status.router_dead_letters = ends[ROUTER_DLQ]
    planned = hub_groups(networks)
    known = {g.group for g in planned}
    found = [
        GroupTopics(g, await reader.committed_topics(g))
        for g in await reader.groups()
        if g not in known
    ]
    status.lag = await reader.lag(merged(planned, found))
    counts = await reader.partitions([PROGRESS_STATE])
    tail = await reader.tail(
        [TopicPartition(PROGRESS_STATE, p) for p in range(counts.get(PROGRESS_STATE, 0))]
    )
    status.ahead = commits_ahead(status.lag, processed_offsets(tail))
    return status


def _count(value: int | None) -> str:
    return "-" if value is None else str(value)


def table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> list[str]:
    """Left-aligned text columns, numbers right-aligned."""
    widths = [max(len(str(c)) for c in col) for col in zip(headers, *rows, strict=True)]
    numeric = [all(r[i].isdigit() or r[i] == "-" for r in rows) for i in range(len(headers))]

    def line(cells: Sequence[str]) -> str:
        parts = [
            c.rjust(w) if num else c.ljust(w)
            for c, w, num in zip(cells, widths, numeric, strict=True)
        ]
        return "  ".join(parts).rstrip()

    return [line(headers), *(line(r) for r in rows)]


def render(status: Status, *, partitions: bool) -> str:
    out = [f"CCA hub on {status.bootstrap}", ""]
    out += table(
        ["network", "in", "out", "dead letters"],
        [
            [n.network, _count(n.received), _count(n.answered), _count(n.dead_letters)]
            for n in status.networks
        ],
    )
    out.append("")
    out += table(["desk", "events"], [[d, _count(c)] for d, c in status.desks.items()])
    out += ["", f"router dead letters ({ROUTER_DLQ}): {_count(status.router_dead_letters)}", ""]
    if partitions:
        rows = [[lag.group, lag.topic, str(lag.partition), str(lag.lag)] for lag in status.lag]
        out += table(["consumer group", "topic", "partition", "lag"], rows)
    else:
        totals: dict[tuple[str, str], int] = {}
        for lag in status.lag:
            totals[(lag.group, lag.topic)] = totals.get((lag.group, lag.topic), 0) + lag.lag
        rows = [[g, t, str(n)] for (g, t), n in totals.items()]
        out += table(["consumer group", "topic", "lag"], rows)
    for ahead in status.ahead:
        done = "nothing" if ahead.processed is None else f"up to offset {ahead.processed}"
        out += [
            "",
            f"WARNING: {ROUTER_GROUP} has committed offset {ahead.committed} on "
            f"{CANONICAL} partition {ahead.partition}, but the router processed {done}: "
            "the records in between were never routed (a client outside the router "
            "committed for its group).",
        ]
    out += [
        "",
        "Counts are end offsets (summed over partitions); on topics written in transactions",
        "they include one commit marker per transaction. '-': the topic does not exist.",
    ]
    return "\n".join(out)


def status_command(
    bootstrap: Annotated[
        str | None,
        typer.Option(
            help="Kafka bootstrap servers (default $HUB_KAFKA_BOOTSTRAP)", show_default=False
        ),
    ] = None,
    partitions: Annotated[
        bool, typer.Option("--partitions", help="show the lag of every partition")
    ] = False,
    as_json: Annotated[
        bool, typer.Option("--json", help="print one JSON document instead of tables")
    ] = False,
    timeout: Annotated[
        float, typer.Option(min=1.0, max=600.0, help="seconds to wait for the broker")
    ] = 20.0,
) -> None:
    """Per-network and per-desk counts, consumer lag and dead letters, from the broker.

    Exit status: 0 read, 1 the broker cannot be reached, 2 bad usage.
    """
    settings = HubSettings() if bootstrap is None else HubSettings(kafka_bootstrap=bootstrap)
    try:
        access = access_from(settings, principal=OPERATOR_PRINCIPAL)
    except AccessError as exc:
        raise typer.BadParameter(str(exc), param_hint="HUB_KAFKA_*") from None
    try:
        desks = list(load_desks(settings.desks).names)
    except DeskConfigError as exc:
        raise typer.BadParameter(str(exc), param_hint="HUB_DESKS") from None

    # the error below says what failed; the client's own retry chatter would bury it
    logging.getLogger("aiokafka").setLevel(logging.CRITICAL)

    async def main() -> Status:
        reader = LagReader(
            access,
            client_id="cca-hub-status",
            request_timeout_ms=int(min(timeout, 30.0) * 1000),
        )
        async with asyncio.timeout(timeout):
            try:
                await reader.start()
                return await read_status(reader, slugs(), desks)
            finally:
                await reader.stop()

    try:
        status = asyncio.run(main())
    except Exception as exc:  # the operator needs the cause, not a traceback
        reason = str(exc) or type(exc).__name__
        if isinstance(exc, TimeoutError):
            reason = f"no answer within {timeout:g}s"
        typer.echo(
            f"error: cannot read the hub's status from the Kafka broker at "
            f"{settings.kafka_bootstrap}: {reason}",
            err=True,
        )
        raise typer.Exit(1) from None
    if as_json:
        typer.echo(json.dumps(asdict(status), indent=2))
    else:
        typer.echo(render(status, partitions=partitions))
