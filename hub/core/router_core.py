"""The CCA router's decisions for a batch of canonical records. Pure: no broker.

validate → verify the origin signature → drop duplicates → classify → route → disseminate
(clearance and TLP, :mod:`hub.core.dissemination`) → record provenance. Every record of a
batch ends in exactly one of: routed to the desks allowed to have it (plus receipt,
provenance and state) and withheld from the others (``cca.withheld.v1``, a content-free
notice on triage), dropped as a duplicate, or refused to ``cca.dlq.v1`` with a reason.
Withheld events are released to a desk once its clearance allows (:meth:`RouterCore.release`).
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime

from aiokafka.partitioner import murmur2

from contract import strictjson
from contract.envelope.binary import header_attributes, wire_headers
from contract.envelope.event import CanonicalEvent, EnvelopeError, build_event
from contract.envelope.identity import event_id as derived_event_id
from contract.seal import sealed_headers
from contract.signing import Signer, VerificationError, canonical_json
from contract.topology import (
    CASE_STATE,
    CUSTODY_HEADS,
    CUSTODY_INDEX_HEADER,
    DESKS_HEADER,
    NATIVE_TOPIC_HEADER,
    PROGRESS_STATE,
    PROVENANCE,
    RECEIVED_MS_HEADER,
    ROUTER_DLQ,
    ROUTER_SOURCE,
    SEEN_STATE,
    TRACE_HEADERS,
    WITHHELD,
    WITHHELD_NOTICE_TYPE,
    desk_topic,
    native_in,
    network_of,
    receipts_topic,
    topic_role,
)
from hub.core.custody import Appended, CustodyLogs
from hub.core.dissemination import Decision as Dissemination
from hub.core.dissemination import EveryDeskCleared, disseminate
from hub.core.dlq import Reason, dead_letter_headers
from hub.core.poison import Poisoned, isolate
from hub.core.records import Batch, Inbound, Outbound
from hub.core.routing import Router
from hub.core.state.cases import CaseDesks, encode_desks
from hub.core.state.integrity import StateMac
from hub.core.state.seen import SeenByPartition
from hub.core.state.withheld import Withheld, WithheldByPartition, content_free
from hub.core.state.withheld import encode as encode_withheld
from hub.core.verifier import VerifyItem
from schemas.models.values import Level

#: each desk's clearance in force now (None: none)
Cleared = Mapping[str, Level | None]

STATUS_TYPE = "cca.request.status.v1"
#: the router's own state: written with a MAC, trusted back only with it
STATE_TOPICS = frozenset(
    {SEEN_STATE, CASE_STATE, PROGRESS_STATE, WITHHELD, PROVENANCE, CUSTODY_HEADS}
)
MAX_VALUE_BYTES = 8 * 1024 * 1024


@dataclass(slots=True)
class Prepared:
    record: Inbound
    attributes: dict[str, str] | None = None
    data: object = None
    problem: str | None = None
    verify: VerifyItem | None = None


@dataclass(frozen=True, slots=True)
class Refusal:
    """A verified record the router still cannot accept, and why."""

    stage: str
    reason: str


@dataclass(frozen=True, slots=True)
class Decision:
    """What one record becomes: its outputs, and the case's desks when they changed."""

    event: CanonicalEvent
    desks: tuple[str, ...]
    outputs: list[Outbound]
    case_desks: tuple[str, ...] | None
    withheld: Withheld | None = None


@dataclass(slots=True)
class Pending:
    """State changes of a batch, applied only once its transaction has committed: a batch
    that fails leaves the memory as it was, so its retry is not mistaken for a duplicate."""

    seen: dict[int, set[str]] = field(default_factory=dict)
    cases: dict[tuple[int, str], tuple[str, ...]] = field(default_factory=dict)
    withheld: list[tuple[int, Withheld]] = field(default_factory=list)
    custody: Appended = field(default_factory=Appended)


@dataclass(slots=True)
class Tally:
    """What a batch did, for metrics: bounded labels only."""

    routed: dict[tuple[str, str], int] = field(default_factory=dict)  # (network, desk)
    refused: dict[tuple[str, str], int] = field(default_factory=dict)  # (network, reason)
    duplicates: dict[str, int] = field(default_factory=dict)  # network
    withheld: dict[tuple[str, str], int] = field(default_factory=dict)  # (desk, rule)
    released: dict[str, int] = field(default_factory=dict)  # desk
    arrivals: list[tuple[str, float]] = field(default_factory=list)  # (network, epoch s)

    def bump(self, table: dict[tuple[str, str], int], key: tuple[str, str]) -> None:
        table[key] = table.get(key, 0) + 1


def prepare(record: Inbound) -> Prepared:
    """Decode attributes and data; no validation of the data model yet. Whatever goes wrong
    with one record is that record's problem (:mod:`hub.core.poison`)."""
    prepared = isolate(_prepare, record)
    if isinstance(prepared, Poisoned):
        return Prepared(record, problem=f"unreadable: {prepared.reason}")
    return prepared


def _prepare(record: Inbound) -> Prepared:
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
        item.data = strictjson.loads(record.value, "value")
    except strictjson.StrictJsonError as exc:
        item.problem = str(exc)
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


def _unbound_id(event: CanonicalEvent) -> str | None:
    """Why the event's id is not the one its signed network, type, case and native digest
    give, or None. With it, one id names one case (so one partition), and the memory of
    routed ids, kept per partition, is global."""
    provenance = event.data.provenance
    if provenance is None:
        return "the event carries no provenance digest to derive its id from"
    expected = derived_event_id(event.network, event.type, provenance.sha256, event.caseid)
    if event.id != expected:
        return f"id {event.id} is not the one its network, type, case and native digest give"
    return None


def progress_key(topic: str, partition: int) -> bytes:
    return f"{topic}:{partition}".encode()


def key_partition(key: bytes, partitions: int) -> int:
    """The partition the producers' default partitioner gives ``key`` (murmur2)."""
    hashed: int = murmur2(key)
    return (hashed & 0x7FFFFFFF) % partitions


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
        partitions: Callable[[str], int | None] = lambda _topic: None,
        state_mac: StateMac | None = None,
        receipt_signer: Signer | None = None,
        cleared: Callable[[], Cleared] = EveryDeskCleared,
        withheld: WithheldByPartition | None = None,
        custody: CustodyLogs | None = None,
    ) -> None:
        #: each partition's custody log (the provenance records as Merkle leaves)
        self.custody = custody if custody is not None else CustodyLogs()
        #: each desk's clearance in force, read once per batch (the registry, reloaded)
        self.cleared = cleared
        #: what is still held from desks, per partition, until their clearance allows it
        self.withheld = withheld if withheld is not None else WithheldByPartition()
        #: the MAC on the router's own state records, checked when they are loaded back
        self.state_mac = state_mac
        #: the router's key: seals receipts, so an adapter answers only what was routed
        self.receipt_signer = receipt_signer
        self.instance = instance
        #: the partition count of an input topic, once known: an event is accepted only on
        #: the partition its case id maps to, so the per-partition memory of routed ids is
        #: a global one (:meth:`_misplaced`)
        self.partitions = partitions
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
        cleared = self.cleared()
        for item, verdict in zip(items, verdicts, strict=True):
            self._one(item, verdict, batch, tally, pending, cleared)
            batch.consumed(item.record)
        batch.outputs += self._heads(pending)
        batch.outputs += self.progress(batch.offsets)
        batch.outputs = [self._sealed(o) for o in batch.outputs]
        return pending

    def _sealed(self, out: Outbound) -> Outbound:
        """State records get the router's MAC, receipts the router's seal."""
        if self.state_mac is not None and out.topic in STATE_TOPICS:
            mac = self.state_mac.header(out.topic, out.key, out.value)
            return replace(out, headers=[*out.headers, mac])
        role = topic_role(out.topic)
        if self.receipt_signer is not None and role is not None and role[0] == "receipts":
            headers = sealed_headers(
                self.receipt_signer, out.topic, out.key, out.value, out.headers
            )
            return replace(out, headers=headers)
        return out

    def progress(self, offsets: dict[tuple[str, int], int]) -> list[Outbound]:
        """One record per input partition: the next offset this batch has processed. In
        the same transaction as the offsets commit, so a committed offset beyond it was
        committed by someone else (``hub status`` reports it)."""
        return [
            Outbound(
                PROGRESS_STATE,
                progress_key(topic, partition),
                canonical_json(
                    {
                        "topic": topic,
                        "partition": partition,
                        "next": next_offset,
                        "router": self.instance,
                    }
                ),
                (),
                partition,
            )
            for (topic, partition), next_offset in sorted(offsets.items())
        ]

    def apply(self, pending: Pending) -> None:
        """Remember what a committed batch routed."""
        for partition, ids in pending.seen.items():
            seen = self.seen.partition(partition)
            for event_id in ids:
                seen.add(event_id)
        for (partition, case), desks in pending.cases.items():
            self.cases.put(partition, case, desks)
        for partition, entry in pending.withheld:
            self.withheld.put(partition, entry)
        self.custody.apply(pending.custody)

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

    def _misplaced(self, record: Inbound, event: CanonicalEvent) -> str | None:
        """Why this record is not where its event belongs, or None.

        The key must be the signed case id, and the partition the one that key maps to:
        then a captured event written again to another partition is refused instead of
        routed a second time, and the router's memory of routed event ids, kept per
        partition (so it moves with the partition in a rebalance), is complete for it."""
        key = event.caseid.encode()
        if record.key != key:
            return "record key is not the event's case id"
        count = self.partitions(record.topic)
        if count is not None and count > 0 and key_partition(key, count) != record.partition:
            return (
                f"partition {record.partition} is not the one case {event.caseid} maps to "
                f"({key_partition(key, count)} of {count})"
            )
        return None

    def _one(
        self,
        item: Prepared,
        verdict: VerificationError | None,
        batch: Batch,
        tally: Tally,
        pending: Pending,
        cleared: Cleared,
    ) -> None:
        if item.problem is not None or item.verify is None or item.attributes is None:
            self._refuse(item, "validate", "invalid", item.problem or "unreadable", batch, tally)
            return
        if verdict is not None:
            self._refuse(item, "verify", verdict.reason, str(verdict), batch, tally)
            return
        decided = isolate(lambda it: self._decide(it, pending, cleared), item)
        if isinstance(decided, Poisoned):
            self._refuse(item, "route", "invalid", decided.reason, batch, tally)
            return
        if isinstance(decided, Refusal):
            self._refuse(item, decided.stage, "invalid", decided.reason, batch, tally)
            return
        if decided is None:
            network = _network(item.attributes)
            tally.duplicates[network] = tally.duplicates.get(network, 0) + 1
            return
        # only now that nothing can fail does the batch take the record's outputs and state
        batch.outputs += decided.outputs
        pending.seen.setdefault(item.record.partition, set()).add(decided.event.id)
        if decided.case_desks is not None:
            pending.cases[(item.record.partition, decided.event.caseid)] = decided.case_desks
        if decided.withheld is not None:
            pending.withheld.append((item.record.partition, decided.withheld))
            for held in decided.withheld.held:
                tally.bump(tally.withheld, (held.desk, held.rule))
        for desk in decided.desks:
            tally.bump(tally.routed, (decided.event.network, desk))
        received_ms = _received_ms(item.record.headers)
        if received_ms is not None:
            tally.arrivals.append((decided.event.network, received_ms / 1000))

    def _decide(
        self, item: Prepared, pending: Pending, cleared: Cleared
    ) -> Decision | Refusal | None:
        """What one verified record becomes; None for a duplicate. Pure: the caller applies
        the outputs and the state changes only when this returns."""
        record = item.record
        assert item.attributes is not None
        assert item.verify is not None
        try:
            event = build_event(item.attributes, item.data)
        except EnvelopeError as exc:
            return Refusal("validate", str(exc))
        misplaced = _unbound_id(event) or self._misplaced(record, event)
        if misplaced is not None:
            return Refusal("validate", misplaced)
        network = event.network
        part = record.partition
        if event.id in pending.seen.get(part, ()) or event.id in self.seen.partition(part):
            return None
        outputs: list[Outbound] = []
        case_desks: tuple[str, ...] | None = None
        if event.type == STATUS_TYPE:
            desks = self._case_desks(pending, part, event.caseid) or tuple(
                self.router.route(event.data)
            )
        else:
            desks = tuple(self.router.route(event.data))
            known = self._case_desks(pending, part, event.caseid) or ()
            merged = tuple(dict.fromkeys((*known, *desks)))
            if merged != known:
                case_desks = merged
                outputs.append(
                    Outbound(CASE_STATE, event.caseid.encode(), encode_desks(merged), (), part)
                )
        # forward exactly what was verified: the attribute strings and the canonical bytes
        # the signature covers, in one canonical form, and nothing a reader could take for
        # an attribute
        key = event.caseid.encode()
        value = item.verify.data
        forwarded = [*wire_headers(item.attributes), *trace_headers(record.headers, network)]
        classification = event.data.classification
        # no network names recipients in its format today: TLP:RED goes to no desk
        allowed = disseminate(classification.level, classification.tlp, desks, cleared)
        for desk in allowed.deliver:
            outputs.append(Outbound(desk_topic(desk), key, value, forwarded))
        # TLP:AMBER+STRICT stays within the CCA: no receipt carries its content back out
        if self.replies_for(network) and classification.tlp != "AMBER+STRICT":
            outputs.append(
                Outbound(
                    receipts_topic(network),
                    key,
                    value,
                    [*forwarded, (DESKS_HEADER, ",".join(allowed.deliver).encode())],
                )
            )
        now = self.clock()
        at = _iso(now)
        withheld: Withheld | None = None
        if allowed.held:
            withheld = Withheld(
                event_id=event.id,
                case_id=event.caseid,
                network=network,
                type=event.type,
                level=classification.level,
                tlp=classification.tlp,
                held=allowed.held,
                released=(),
                headers=tuple(forwarded),
                value=value,
                withheld_at=at,
                router=self.instance,
            )
            outputs.append(
                Outbound(WITHHELD, event.id.encode(), encode_withheld(withheld), (), part)
            )
            outputs.append(self._notice(withheld, at))
        outputs.append(
            Outbound(SEEN_STATE, event.id.encode(), str(int(now * 1000)).encode(), (), part)
        )
        outputs.append(
            self._provenance(
                event_id=event.id,
                case_id=event.caseid,
                network=network,
                event_type=event.type,
                outcome="routed",
                allowed=allowed,
                cleared=cleared,
                at=at,
                extra={
                    "key_id": event.keyid,
                    "signature": item.attributes.get("signature"),
                    "signature_verified": True,
                    "native_sha256": event.data.provenance.sha256
                    if event.data.provenance
                    else None,
                    "canonical_sha256": hashlib.sha256(value).hexdigest(),
                    "input": {
                        "topic": record.topic,
                        "partition": record.partition,
                        "offset": record.offset,
                    },
                },
                partition=part,
                pending=pending,
            )
        )
        return Decision(event, allowed.deliver, outputs, case_desks, withheld)

    def _provenance(
        self,
        *,
        event_id: str,
        case_id: str,
        network: str,
        event_type: str,
        outcome: str,
        allowed: Dissemination,
        cleared: Cleared,
        at: str,
        extra: Mapping[str, object],
        partition: int,
        pending: Pending,
    ) -> Outbound:
        """The custody record of one decision: where the event went, where it was held and
        why, with the level, the TLP and each desk's clearance at that moment; the next
        leaf of its partition's custody log (its index in a header)."""
        decisions = [
            {"desk": d, "outcome": "delivered", "rule": "level+tlp", "clearance": cleared.get(d)}
            for d in allowed.deliver
        ] + [
            {
                "desk": h.desk,
                "outcome": "withheld",
                "rule": h.rule,
                "clearance": cleared.get(h.desk),
                "reason": h.reason,
            }
            for h in allowed.held
        ]
        value = canonical_json(
            {
                "event_id": event_id,
                "case_id": case_id,
                "network": network,
                "type": event_type,
                **extra,
                "outcome": outcome,
                "level": allowed.level,
                "tlp": allowed.tlp,
                "desks": list(allowed.deliver),
                "withheld": [h.desk for h in allowed.held],
                "decisions": decisions,
                "router": self.instance,
                "routed_at": at,
            }
        )
        index = self.custody.add(partition, value, pending.custody)
        return Outbound(
            PROVENANCE,
            case_id.encode(),
            value,
            [(CUSTODY_INDEX_HEADER, str(index).encode())],
            partition,
        )

    def _heads(self, pending: Pending, partitions: Iterable[int] = ()) -> list[Outbound]:
        """The signed tree heads due once this batch's custody entries are in."""
        now = self.clock()
        heads = self.custody.heads(
            pending.custody, now, _iso(now), self.instance, self.receipt_signer, partitions
        )
        return [
            Outbound(CUSTODY_HEADS, str(part).encode(), head.encode(), (), part)
            for part, head in heads
        ]

    def _notice(self, entry: Withheld, at: str) -> Outbound:
        """The triage desk's content-free notice of a withholding: ids, level, marking,
        network, the desks held from and why; nothing of the case itself."""
        topic = desk_topic(self.router.desks.triage)
        key = entry.case_id.encode()
        value = canonical_json({"notice": "withheld", **content_free(entry), "at": at})
        headers: list[tuple[str, bytes]] = [
            ("ce_specversion", b"1.0"),
            ("ce_id", f"{entry.event_id}.withheld".encode()),
            ("ce_source", ROUTER_SOURCE.encode()),
            ("ce_type", WITHHELD_NOTICE_TYPE.encode()),
            ("ce_time", at.encode()),
            ("ce_caseid", key),
            ("content-type", b"application/json"),
            # where the event came from (informative trace, as on the event itself)
            *((name, raw) for name, raw in entry.headers if name in TRACE_HEADERS),
        ]
        if self.receipt_signer is not None:
            headers = sealed_headers(self.receipt_signer, topic, key, value, headers)
        return Outbound(topic, key, value, headers)

    def release(self, partitions: Sequence[int], batch: Batch, tally: Tally) -> Pending:
        """Deliver what is held from desks whose clearance now allows it, in ``partitions``
        (those this router owns): each desk gets the verified event once, the entry is
        written again with the desk released, and provenance says so. Applied with
        :meth:`apply` once the batch has committed."""
        pending = Pending()
        cleared = self.cleared()
        known = set(self.router.desks.names)
        for part in partitions:
            for entry in self.withheld.entries(part):
                desks = [h.desk for h in entry.releasable if h.desk in known]
                allowed = disseminate(entry.level, entry.tlp, desks, cleared)
                if not allowed.deliver:
                    continue
                key = entry.case_id.encode()
                for desk in allowed.deliver:
                    batch.outputs.append(
                        Outbound(desk_topic(desk), key, entry.value, entry.headers)
                    )
                    tally.released[desk] = tally.released.get(desk, 0) + 1
                after = entry.after_release(allowed.deliver)
                batch.outputs.append(
                    Outbound(WITHHELD, entry.event_id.encode(), encode_withheld(after), (), part)
                )
                # still held: what this release did not allow, and the holds it does not
                # reconsider (TLP)
                still = (*allowed.held, *(h for h in after.held if h.desk not in desks))
                batch.outputs.append(
                    self._provenance(
                        event_id=entry.event_id,
                        case_id=entry.case_id,
                        network=entry.network,
                        event_type=entry.type,
                        outcome="released",
                        allowed=replace(allowed, held=still),
                        cleared=cleared,
                        at=_iso(self.clock()),
                        extra={
                            "key_id": dict(entry.headers).get("ce_keyid", b"").decode(),
                            "signature": dict(entry.headers).get("ce_signature", b"").decode(),
                            "native_sha256": _native_digest(entry.value),
                            "canonical_sha256": hashlib.sha256(entry.value).hexdigest(),
                            "withheld_at": entry.withheld_at,
                        },
                        partition=part,
                        pending=pending,
                    )
                )
                pending.withheld.append((part, after))
        # heads for entries that have waited without one while nothing else came
        batch.outputs += self._heads(pending, self.custody.unheaded(partitions))
        batch.outputs = [self._sealed(o) for o in batch.outputs]
        return pending


def _native_digest(value: bytes) -> str | None:
    """The native digest in a verified event's provenance (its data, as delivered)."""
    provenance = json.loads(value).get("provenance")
    return provenance.get("sha256") if isinstance(provenance, dict) else None


def _iso(epoch_s: float) -> str:
    return datetime.fromtimestamp(epoch_s, UTC).isoformat().replace("+00:00", "Z")


def _network(attributes: dict[str, str] | None) -> str:
    return network_of((attributes or {}).get("source", ""))


def trace_headers(headers: Sequence[tuple[str, bytes]], network: str) -> list[tuple[str, bytes]]:
    """The hub's trace headers of a record, each once and only in its well-formed shape: the
    native topic of the event's own network, whole numbers for the rest."""
    out: list[tuple[str, bytes]] = []
    for name in TRACE_HEADERS:
        values = [raw for key, raw in headers if key == name]
        if len(values) != 1:
            continue
        raw = values[0]
        if name == NATIVE_TOPIC_HEADER:
            ok = raw == native_in(network).encode()
        else:
            ok = 0 < len(raw) <= 19 and raw.isdigit()
        if ok:
            out.append((name, raw))
    return out


def _received_ms(headers: Sequence[tuple[str, bytes]]) -> int | None:
    for key, value in headers:
        if key == RECEIVED_MS_HEADER:
            try:
                return int(value)
            except ValueError:
                return None
    return None
