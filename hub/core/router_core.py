"""The CCA router's decisions for a batch of canonical records. Pure: no broker.

validate → verify the origin signature → drop duplicates → classify → route → record
provenance. Every record of a batch ends in exactly one of: routed to desks (plus receipt,
provenance and state), dropped as a duplicate, or refused to ``cca.dlq.v1`` with a reason.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

from contract.envelope.binary import header_attributes
from contract.envelope.event import EnvelopeError, build_event
from contract.signing import VerificationError, canonical_json
from contract.topology import (
    CASE_STATE,
    DESKS_HEADER,
    PROVENANCE,
    RECEIVED_MS_HEADER,
    ROUTER_DLQ,
    SEEN_STATE,
    desk_topic,
    network_of,
    receipts_topic,
)
from hub.core.dlq import Reason, dead_letter_headers
from hub.core.records import Batch, Inbound, Outbound
from hub.core.routing import Router
from hub.core.state.cases import CaseDesks, encode_desks
from hub.core.state.seen import SeenByPartition
from hub.core.verifier import VerifyItem

STATUS_TYPE = "cca.request.status.v1"
MAX_VALUE_BYTES = 8 * 1024 * 1024


@dataclass(slots=True)
class Prepared:
    record: Inbound
    attributes: dict[str, str] | None = None
    data: object = None
    problem: str | None = None
    verify: VerifyItem | None = None


@dataclass(slots=True)
class Pending:
    """State changes of a batch, applied only once its transaction has committed: a batch
    that fails leaves the memory as it was, so its retry is not mistaken for a duplicate."""

    seen: dict[int, set[str]] = field(default_factory=dict)
    cases: dict[tuple[int, str], tuple[str, ...]] = field(default_factory=dict)


@dataclass(slots=True)
class Tally:
    """What a batch did, for metrics: bounded labels only."""

    routed: dict[tuple[str, str], int] = field(default_factory=dict)  # (network, desk)
    refused: dict[tuple[str, str], int] = field(default_factory=dict)  # (network, reason)
    duplicates: dict[str, int] = field(default_factory=dict)  # network
    arrivals: list[tuple[str, float]] = field(default_factory=list)  # (network, epoch s)

    def bump(self, table: dict[tuple[str, str], int], key: tuple[str, str]) -> None:
        table[key] = table.get(key, 0) + 1


def prepare(record: Inbound) -> Prepared:
    """Decode attributes and data; no validation of the data model yet."""
    item = Prepared(record)
    try:
        item.attributes = header_attributes(record.headers)
    except EnvelopeError as exc:
        item.problem = str(exc)
        return item
    if record.value is None or len(record.value) > MAX_VALUE_BYTES:
        item.problem = "value is empty or over the size limit"
        return item
    try:
        item.data = json.loads(record.value)
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as exc:
        item.problem = f"value is not JSON: {exc}"
        return item
    attrs = item.attributes
    source = attrs.get("source", "")
    signature, key_id = attrs.get("signature"), attrs.get("keyid")
    if not signature or not key_id:
        item.problem = "unsigned: the event carries no signature or keyid"
        return item
    try:
        data_bytes = canonical_json(item.data)
    except ValueError as exc:
        item.problem = f"data cannot be canonicalised: {exc}"
        return item
    item.verify = VerifyItem(
        network=network_of(source),
        key_id=key_id,
        attributes=attrs,
        data=data_bytes,
        signature=signature,
    )
    return item


class RouterCore:
    def __init__(
        self,
        router: Router,
        seen: SeenByPartition,
        cases: CaseDesks,
        *,
        replies_for: Callable[[str], bool],
        networks: frozenset[str],
        instance: str = "0",
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.instance = instance
        self.networks = networks
        self.router = router
        self.seen = seen
        self.cases = cases
        self.replies_for = replies_for
        self.clock = clock

    def decide(
        self,
        items: Sequence[Prepared],
        verdicts: Sequence[VerificationError | None],
        batch: Batch,
        tally: Tally,
    ) -> Pending:
        pending = Pending()
        for item, verdict in zip(items, verdicts, strict=True):
            self._one(item, verdict, batch, tally, pending)
            batch.consumed(item.record)
        return pending

    def apply(self, pending: Pending) -> None:
        """Remember what a committed batch routed."""
        for partition, ids in pending.seen.items():
            seen = self.seen.partition(partition)
            for event_id in ids:
                seen.add(event_id)
        for (partition, case), desks in pending.cases.items():
            self.cases.put(partition, case, desks)

    def _case_desks(self, pending: Pending, partition: int, case: str) -> tuple[str, ...] | None:
        return pending.cases.get((partition, case)) or self.cases.get(partition, case)

    def _refuse(
        self, item: Prepared, stage: str, kind: str, message: str, batch: Batch, tally: Tally
    ) -> None:
        record = item.record
        network = _network(item.attributes)
        if network not in self.networks:  # a forged source must not mint metric labels
            network = "unknown"
        reason = Reason(
            stage=stage,
            class_name="hub.router",
            exception_class=kind,
            message=message,
            network=network,
        )
        batch.outputs.append(
            Outbound(
                ROUTER_DLQ,
                record.key,
                record.value,
                dead_letter_headers(
                    record.headers, record.topic, record.partition, record.offset, reason
                ),
            )
        )
        tally.bump(tally.refused, (network, kind))

    def _one(
        self,
        item: Prepared,
        verdict: VerificationError | None,
        batch: Batch,
        tally: Tally,
        pending: Pending,
    ) -> None:
        record = item.record
        if item.problem is not None or item.verify is None or item.attributes is None:
            self._refuse(item, "validate", "invalid", item.problem or "unreadable", batch, tally)
            return
        if verdict is not None:
            self._refuse(item, "verify", verdict.reason, str(verdict), batch, tally)
            return
        try:
            event = build_event(item.attributes, item.data)
        except EnvelopeError as exc:
            self._refuse(item, "validate", "invalid", str(exc), batch, tally)
            return
        network = event.network
        part = record.partition
        batch_seen = pending.seen.setdefault(part, set())
        if event.id in batch_seen or event.id in self.seen.partition(part):
            tally.duplicates[network] = tally.duplicates.get(network, 0) + 1
            return
        if event.type == STATUS_TYPE:
            desks = self._case_desks(pending, part, event.caseid) or tuple(
                self.router.route(event.data)
            )
        else:
            desks = tuple(self.router.route(event.data))
            known = self._case_desks(pending, part, event.caseid) or ()
            merged = tuple(dict.fromkeys((*known, *desks)))
            if merged != known:
                pending.cases[(part, event.caseid)] = merged
                batch.outputs.append(
                    Outbound(CASE_STATE, event.caseid.encode(), encode_desks(merged), (), part)
                )
        batch_seen.add(event.id)
        forwarded = list(record.headers)
        for desk in desks:
            batch.outputs.append(Outbound(desk_topic(desk), record.key, record.value, forwarded))
            tally.bump(tally.routed, (network, desk))
        if self.replies_for(network):
            batch.outputs.append(
                Outbound(
                    receipts_topic(network),
                    record.key,
                    record.value,
                    [*forwarded, (DESKS_HEADER, ",".join(desks).encode())],
                )
            )
        now = self.clock()
        batch.outputs.append(
            Outbound(
                SEEN_STATE, event.id.encode(), str(int(now * 1000)).encode(), (), record.partition
            )
        )
        batch.outputs.append(
            Outbound(
                PROVENANCE,
                record.key,
                canonical_json(
                    {
                        "event_id": event.id,
                        "case_id": event.caseid,
                        "network": network,
                        "type": event.type,
                        "key_id": event.keyid,
                        "signature_verified": True,
                        "native_sha256": event.data.provenance.sha256
                        if event.data.provenance
                        else None,
                        "input": {
                            "topic": record.topic,
                            "partition": record.partition,
                            "offset": record.offset,
                        },
                        "desks": list(desks),
                        "router": self.instance,
                        "routed_at": datetime.fromtimestamp(now, UTC)
                        .isoformat()
                        .replace("+00:00", "Z"),
                    }
                ),
                (),
            )
        )
        received_ms = _received_ms(record.headers)
        if received_ms is not None:
            tally.arrivals.append((network, received_ms / 1000))


def _network(attributes: dict[str, str] | None) -> str:
    return network_of((attributes or {}).get("source", ""))


def _received_ms(headers: Sequence[tuple[str, bytes]]) -> int | None:
    for key, value in headers:
        if key == RECEIVED_MS_HEADER:
            try:
                return int(value)
            except ValueError:
                return None
    return None
