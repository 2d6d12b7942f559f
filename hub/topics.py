"""The specifications of the hub's topics: partitions and retention, created explicitly
(never by auto-creation). Their names are in :mod:`contract.topology`."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from contract.topology import (
    CANONICAL,
    CASE_STATE,
    CUSTODY_HEADS,
    PROGRESS_STATE,
    PROVENANCE,
    ROUTER_DLQ,
    SEEN_STATE,
    WITHHELD,
    desk_topic,
    native_dlq,
    native_in,
    native_out,
    receipts_topic,
)
from hub.core.desks import Desks

DAY_MS = 24 * 3600 * 1000


@dataclass(frozen=True)
class TopicSpec:
    name: str
    partitions: int
    config: dict[str, str] = field(default_factory=dict)
    purpose: str = ""


def _retention(days: int) -> dict[str, str]:
    return {"retention.ms": str(days * DAY_MS)}


def hub_topics(
    slugs: Iterable[str], desks: Desks, *, partitions: int, min_insync: int = 1
) -> list[TopicSpec]:
    """Every topic the hub reads or writes. Topics that share keys with the canonical topic
    (desks, state) have its partition count, so a case stays on one partition number."""
    isr = {"min.insync.replicas": str(min_insync)}
    specs: list[TopicSpec] = []
    for slug in sorted(slugs):
        specs += [
            TopicSpec(
                native_in(slug),
                partitions,
                {**_retention(90), **isr},
                "native messages from the network's gateway",
            ),
            TopicSpec(
                native_out(slug),
                partitions,
                {**_retention(90), **isr},
                "native receipts and replies to the network",
            ),
            TopicSpec(
                native_dlq(slug),
                1,
                {**_retention(365), **isr},
                "native messages that could not be translated, with reasons",
            ),
            TopicSpec(
                receipts_topic(slug),
                partitions,
                {**_retention(30), **isr},
                "routed events, from the router back to the adapter for its reply",
            ),
        ]
    specs += [
        TopicSpec(
            CANONICAL,
            partitions,
            {**_retention(30), **isr},
            "signed canonical events from the adapters to the router",
        ),
        TopicSpec(
            PROVENANCE,
            partitions,
            {**_retention(3650), **isr},
            "chain of custody: what the router verified and where it sent it; each "
            "partition an append-only Merkle log (hub.custody.index)",
        ),
        TopicSpec(
            CUSTODY_HEADS,
            partitions,
            {**_retention(3650), **isr},
            "the custody logs' tree heads, signed by the router, on their log's partition",
        ),
        TopicSpec(
            ROUTER_DLQ,
            1,
            {**_retention(365), **isr},
            "canonical messages the router refused, with reasons",
        ),
        TopicSpec(
            SEEN_STATE,
            partitions,
            {
                "cleanup.policy": "compact,delete",
                **_retention(30),
                **isr,
                "min.compaction.lag.ms": "60000",
            },
            "router state: event ids already routed (idempotent receiver)",
        ),
        TopicSpec(
            CASE_STATE,
            partitions,
            {"cleanup.policy": "compact", **isr},
            "router state: the desks of each case, for later status updates",
        ),
        TopicSpec(
            PROGRESS_STATE,
            partitions,
            {"cleanup.policy": "compact", **isr},
            "router state: the next input offset each partition's batches have processed",
        ),
        TopicSpec(
            WITHHELD,
            partitions,
            {"cleanup.policy": "compact", **isr},
            "events withheld from desks not cleared for them, until released (router state)",
        ),
    ]
    for name in desks.names:
        specs.append(
            TopicSpec(
                desk_topic(name),
                partitions,
                {**_retention(3650), **isr},
                f"canonical events for the {name} desk",
            )
        )
    return specs
