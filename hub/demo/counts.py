"""What the demo shows: the records that land on the hub's output topics, counted as they
arrive (read_committed), from the moment the demo starts. End offsets would overcount:
every transaction also writes a commit marker."""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from aiokafka.structs import TopicPartition

from contract.topology import ROUTER_DLQ, WITHHELD, WITHHELD_NOTICE_TYPE, network_of, topic_role
from hub.access import clients
from hub.access.clients import KafkaAccess
from hub.topics import TopicSpec


@dataclass
class Counts:
    desks: dict[str, int] = field(default_factory=dict)
    routed: dict[str, int] = field(default_factory=dict)  # network -> events on a desk
    dlq: dict[str, int] = field(default_factory=dict)
    replies: dict[str, int] = field(default_factory=dict)
    #: desk -> events withheld from it, and of those, released to it since
    withheld: dict[str, int] = field(default_factory=dict)
    released: dict[str, int] = field(default_factory=dict)
    _seen: set[str] = field(default_factory=set)
    _held: dict[str, set[str]] = field(default_factory=dict)  # event id -> released desks

    def add(self, topic: str, headers: list[tuple[str, bytes]], value: bytes | None = None) -> None:
        if topic == WITHHELD:
            self._withheld(value)
            return
        group = classify(topic)
        if group is None:
            return
        table, name = group
        if table == "desks" and (WITHHELD_NOTICE_TYPE.encode(), "ce_type") in (
            (v, k) for k, v in headers
        ):
            return  # the triage desk's notice of a withholding, not an event
        bucket: dict[str, int] = getattr(self, table)
        bucket[name] = bucket.get(name, 0) + 1
        if table == "desks":
            attrs = dict(headers)
            event_id = attrs.get("ce_id", b"").decode("utf-8", "replace")
            source = attrs.get("ce_source", b"").decode("utf-8", "replace")
            network = network_of(source)
            if event_id not in self._seen and network:
                self._seen.add(event_id)
                self.routed[network] = self.routed.get(network, 0) + 1

    def _withheld(self, value: bytes | None) -> None:
        try:
            entry = json.loads(value or b"")
            event_id = str(entry["event_id"])
            held = [str(h["desk"]) for h in entry["held"]]
            released = [str(d) for d in entry["released"]]
        except (ValueError, KeyError, TypeError):
            return
        known = self._held.get(event_id)
        if known is None:
            known = self._held[event_id] = set()
            for desk in held:
                self.withheld[desk] = self.withheld.get(desk, 0) + 1
        for desk in released:
            if desk not in known:
                known.add(desk)
                self.released[desk] = self.released.get(desk, 0) + 1


_TABLES = {"desk": "desks", "native-dlq": "dlq", "native-out": "replies"}


def classify(topic: str) -> tuple[str, str] | None:
    if topic == WITHHELD:
        return "withheld", WITHHELD
    if topic == ROUTER_DLQ:
        return "dlq", f"router ({ROUTER_DLQ})"
    role = topic_role(topic)
    if role is None or role[0] not in _TABLES:
        return None
    return _TABLES[role[0]], role[1]


class OutputCounter:
    def __init__(self, access: KafkaAccess, specs: list[TopicSpec]) -> None:
        self.tps = [
            TopicPartition(s.name, p)
            for s in specs
            if classify(s.name)
            for p in range(s.partitions)
        ]
        self.consumer = clients.consumer(
            access,
            group_id=None,
            isolation_level="read_committed",
            enable_auto_commit=False,
        )
        self.counts = Counts()

    async def start(self) -> None:
        """Count from now on: what is already there belongs to earlier runs."""
        await self.consumer.start()
        self.consumer.assign(self.tps)
        await self.consumer.seek_to_end(*self.tps)

    async def stop(self) -> None:
        await self.consumer.stop()

    async def poll(self, timeout_ms: int = 100) -> Counts:
        batches = await self.consumer.getmany(timeout_ms=timeout_ms, max_records=5000)
        for tp, records in batches.items():
            for record in records:
                self.counts.add(tp.topic, list(record.headers or ()), record.value)
        return self.counts
