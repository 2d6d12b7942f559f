"""``hub evidence export`` and ``hub custody audit`` against the broker: read what the
custody logs point at (:mod:`hub.services.custody_reader`), then hand it to the pure
builder (:mod:`hub.core.evidence`) or the audit (:mod:`hub.core.custody`)."""

from __future__ import annotations

import asyncio
import hashlib
import json
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

from adapters.sdk.contract import Draft
from adapters.sdk.registry import get_adapter
from contract.keys.registry import KeyRegistry
from contract.topology import network_of
from hub.access.clients import KafkaAccess
from hub.core.custody import audit, check_deliveries
from hub.core.evidence import EvidenceError, Original, build_package, case_entries
from hub.core.state.integrity import StateMac
from hub.services.custody_reader import (
    Custody,
    Located,
    read_custody,
    read_deliveries,
    read_offsets,
)

__all__ = ["AuditResult", "export_package", "run_audit"]


def _record_of(network: str, native: bytes, digest: str) -> bytes | None:
    """The record of ``native`` whose SHA-256 is ``digest``, as the network's adapter
    reads it again (a row of a file); None when none is."""
    try:
        for item in get_adapter(network).parse(native):
            if isinstance(item, Draft) and hashlib.sha256(item.record_bytes).hexdigest() == digest:
                return item.record_bytes
    except Exception:
        return None
    return None


def _original(canonical: Located, natives: Mapping[tuple[str, int, int], Located]) -> Original:
    attributes = canonical.attributes()
    try:
        digest = json.loads(canonical.value)["provenance"]["sha256"]
    except (ValueError, KeyError, TypeError):
        digest = None
    where = canonical.native_at()
    if where is None:
        return Original(
            attributes,
            canonical.value,
            note="fetched by the hub's poller from the network's feed; the fetched document "
            "is not kept on the broker (its SHA-256 is in the provenance)",
        )
    topic, part, offset = where
    native = natives.get(where)
    if native is None:
        return Original(
            attributes,
            canonical.value,
            note=f"read from {topic} partition {part} offset {offset}, no longer retained there",
        )
    note = f"read from {topic} partition {part} offset {offset}"
    if hashlib.sha256(native.value).hexdigest() == digest:
        return Original(attributes, canonical.value, native=native.value, note=note)
    record = _record_of(network_of(attributes.get("source", "")), native.value, str(digest))
    if record is None:
        return Original(
            attributes,
            canonical.value,
            note=f"{note}; the record of it the adapter translated cannot be found again",
        )
    return Original(
        attributes,
        canonical.value,
        native=native.value,
        record=record,
        note=f"{note}; the adapter translated one record of it (record.bin)",
    )


async def _package_once(
    access: KafkaAccess,
    case_ids: Sequence[str],
    registry: KeyRegistry,
    mac: StateMac | None,
) -> bytes:
    custody = await read_custody(access, mac)
    logs = custody.logs()
    selected = case_entries(case_ids, logs)
    # where the router read each event (released entries name the routed one's place)
    inputs: dict[str, tuple[str, int, int]] = {}
    for _part, _index, doc in selected:
        where = doc.get("input")
        if isinstance(where, dict):
            inputs[str(doc["event_id"])] = (
                str(where["topic"]),
                int(where["partition"]),
                int(where["offset"]),
            )
    canonical = await read_offsets(access, inputs.values())
    events: dict[str, Original] = {}
    natives_at = {
        w for e, place in inputs.items() if (w := _native_place(canonical.get(place))) is not None
    }
    natives = await read_offsets(access, natives_at)
    for event_id, place in inputs.items():
        found = canonical.get(place)
        if found is None:
            raise EvidenceError(
                f"the canonical event {event_id} is no longer at {place[0]} partition "
                f"{place[1]} offset {place[2]}"
            )
        events[event_id] = _original(found, natives)
    keys = [r.model_dump(mode="json") for r in registry.records()]
    now = datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")
    return build_package(case_ids, logs, custody.signed_heads(), events, keys, now)


def _native_place(found: Located | None) -> tuple[str, int, int] | None:
    return found.native_at() if found is not None else None


async def export_package(
    access: KafkaAccess,
    case_ids: Sequence[str],
    registry: KeyRegistry,
    mac: StateMac | None = None,
    wait_s: float = 0.0,
) -> bytes:
    """The evidence package of ``case_ids``; waits up to ``wait_s`` for the case's entries
    to be logged and under a signed head, and raises the last :class:`EvidenceError`."""
    deadline = time.monotonic() + wait_s
    while True:
        try:
            return await _package_once(access, case_ids, registry, mac)
        except EvidenceError as error:
            if time.monotonic() >= deadline or "not the root" in str(error):
                raise
        await asyncio.sleep(min(1.0, max(0.0, deadline - time.monotonic())))


@dataclass
class AuditResult:
    """What ``hub custody audit`` found."""

    entries: int = 0
    heads: int = 0
    events: int = 0
    delivered: int = 0
    foreign: int = 0
    problems: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, object]:
        return {
            "entries": self.entries,
            "heads": self.heads,
            "events": self.events,
            "delivered": self.delivered,
            "foreign": self.foreign,
            "problems": self.problems,
        }


async def run_audit(
    access: KafkaAccess,
    registry: KeyRegistry,
    desks: Sequence[str],
    mac: StateMac | None = None,
    *,
    foreign_is_a_problem: bool = True,
) -> AuditResult:
    """Check every log and every desk: indices, head signatures and roots, consistency of
    consecutive heads, each event routed once and each delivery logged once."""
    custody: Custody = await read_custody(access, mac)
    deliveries = await read_deliveries(access, desks, registry)
    found = audit(custody.entries, custody.head_records(), registry)
    problems = [*found.problems, *check_deliveries(found, deliveries.records)]
    foreign = custody.foreign + deliveries.foreign
    if foreign and foreign_is_a_problem:
        problems.append(
            f"{custody.foreign} custody records without the router's MAC and "
            f"{deliveries.foreign} desk records without its seal"
        )
    return AuditResult(
        entries=sum(found.entries.values()),
        heads=sum(found.heads.values()),
        events=len(found.events),
        delivered=len(deliveries.records),
        foreign=foreign,
        problems=problems,
    )
