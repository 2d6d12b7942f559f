"""An adapter service's work for one native record. Pure: no broker.

translate → sign → canonical records keyed by case id; each rejection → the network's
dead-letter topic with its reason. Batch formats (one receipt for the whole file) get
their receipt here; the others get theirs from the router once routed.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from adapters.sdk.contract import Adapter, Draft, Receipt, Rejected, Result, Translated
from adapters.sdk.pipeline import finish, iter_translate
from contract.envelope import CanonicalEvent, EnvelopeError, from_kafka
from contract.envelope.sealing import signed_record, signed_wire
from contract.keys.registry import KeyRegistry
from contract.seal import check_seal
from contract.signing import Signer
from contract.topology import (
    CANONICAL,
    NATIVE_OFFSET_HEADER,
    NATIVE_PARTITION_HEADER,
    NATIVE_TOPIC_HEADER,
    RECEIVED_MS_HEADER,
    ROUTER_DLQ,
    native_dlq,
    native_out,
)
from hub.core.dlq import Reason, dead_letter_headers
from hub.core.poison import Poisoned, isolate
from hub.core.records import Batch, Headers, Inbound, Outbound


@dataclass(slots=True)
class AdapterTally:
    translated: int = 0
    rejected: dict[str, int] = field(default_factory=dict)  # reason class
    receipts: int = 0
    translate_s: list[float] = field(default_factory=list)


def reason_class(item: Rejected) -> str:
    """A bounded label for a rejection: its stage and exception class, never its text."""
    return f"{item.stage}:{item.error_class.rsplit('.', 1)[-1]}"[:60]


@dataclass(frozen=True, slots=True)
class WireEvent:
    """An accepted event in its wire form, still unsigned: its key (the case id), its
    attribute strings and its data bytes."""

    key: bytes
    attributes: dict[str, str]
    data: bytes


@dataclass(frozen=True, slots=True)
class Prepared:
    """One native message translated: what signing and the batch need and nothing heavier
    (it crosses back from a translation worker, so it holds bytes and strings, no models)."""

    events: list[WireEvent]
    rejected: list[Rejected]
    #: the network's reply for the whole message, where the adapter answers it here
    receipt: bytes | None = None
    seconds: float = 0.0


def prepare(
    adapter: Adapter, native: bytes, received: datetime, receipt_at: datetime | None
) -> Prepared:
    """Translate one native message (and render its receipt at ``receipt_at``, when the
    adapter answers here). Pure and picklable both ways: it runs inline or in a worker."""
    started = time.perf_counter()
    accepted: list[Translated] = []
    rejected: list[Rejected] = []
    for item in iter_translate(adapter, native, received=received):
        if isinstance(item, Translated):
            accepted.append(item)
        else:
            rejected.append(item)
    events = [
        WireEvent(t.event.caseid.encode(), t.event.attributes(), t.event.data_bytes())
        for t in accepted
    ]
    seconds = time.perf_counter() - started
    receipt = None
    if receipt_at is not None:
        receipt = adapter.render(
            Receipt(
                received=receipt_at,
                accepted=tuple(t.event for t in accepted),
                rejected=tuple(rejected),
                accepted_records=tuple(t.record for t in accepted),
            )
        )
    return Prepared(events, rejected, receipt, seconds)


def refusal(adapter: Adapter, rejected: Rejected, receipt_at: datetime | None) -> Prepared:
    """A whole message refused before it could be translated (its worker gave up), with the
    receipt that says so where the adapter answers here."""
    receipt = None
    if receipt_at is not None:
        receipt = adapter.render(Receipt(received=receipt_at, rejected=(rejected,)))
    return Prepared([], [rejected], receipt)


class AdapterCore:
    def __init__(
        self, adapter: Adapter, signer: Signer, *, clock: Callable[[], float] = time.time
    ) -> None:
        self.adapter = adapter
        self.signer = signer
        self.clock = clock
        self.topic_dlq = native_dlq(adapter.slug)
        self.topic_out = native_out(adapter.slug)
        self.receipt_here = adapter.replies and getattr(adapter, "batch_receipts", False)

    def received(self, record: Inbound) -> datetime:
        """When the hub received the record (its broker timestamp)."""
        return datetime.fromtimestamp(self.arrival_ms(record) / 1000, UTC)

    def arrival_ms(self, record: Inbound) -> int:
        return record.timestamp_ms or int(self.clock() * 1000)

    def receipt_at(self) -> datetime | None:
        """The time a receipt made now carries, or None where the router answers."""
        return datetime.fromtimestamp(self.clock(), UTC) if self.receipt_here else None

    def process(self, record: Inbound, batch: Batch, tally: AdapterTally) -> None:
        prepared = prepare(
            self.adapter, record.value or b"", self.received(record), self.receipt_at()
        )
        self.assemble(record, prepared, batch, tally)

    def assemble(
        self, record: Inbound, prepared: Prepared, batch: Batch, tally: AdapterTally
    ) -> None:
        """Sign each accepted event into the batch, dead-letter each rejection, add the
        receipt, and mark the record consumed."""
        trace = [
            (NATIVE_TOPIC_HEADER, record.topic.encode()),
            (NATIVE_PARTITION_HEADER, str(record.partition).encode()),
            (NATIVE_OFFSET_HEADER, str(record.offset).encode()),
            (RECEIVED_MS_HEADER, str(self.arrival_ms(record)).encode()),
        ]
        started = time.perf_counter()
        for wire in prepared.events:
            key, data, headers = signed_wire(wire.key, wire.attributes, wire.data, self.signer)
            batch.outputs.append(Outbound(CANONICAL, key, data, [*headers, *trace]))
        tally.translate_s.append(prepared.seconds + time.perf_counter() - started)
        tally.translated += len(prepared.events)
        for bad in prepared.rejected:
            batch.outputs.append(self.dead_letter(bad, record))
            label = reason_class(bad)
            tally.rejected[label] = tally.rejected.get(label, 0) + 1
        if prepared.receipt is not None:
            batch.outputs.append(Outbound(self.topic_out, record.key, prepared.receipt))
            tally.receipts += 1
        batch.consumed(record)

    def result(self, item: Draft | Rejected, received: datetime) -> Result:
        """An item a poller has already parsed, as ``process`` would have made it: the
        draft's canonical event (or why it is refused); a rejection as it is."""
        return item if isinstance(item, Rejected) else finish(self.adapter, item, received)

    def signed(self, event: CanonicalEvent, trace: Headers) -> Outbound:
        """An accepted event's record: signed, keyed by case id, with the trace headers."""
        key, data, headers = signed_record(event, self.signer)
        return Outbound(CANONICAL, key, data, [*headers, *trace])

    def dead_letter(self, bad: Rejected, record: Inbound) -> Outbound:
        """A rejection's dead letter: the native record (or the batch row's own bytes),
        its key and headers, and the reason, naming where the record was read."""
        reason = Reason(
            stage=bad.stage,
            class_name=f"adapters.{self.adapter.slug}",
            exception_class=bad.error_class,
            message=bad.reason,
            network=self.adapter.slug,
            record=bad.record,
        )
        value = bad.native if bad.native is not None else record.value
        headers = dead_letter_headers(
            record.headers, record.topic, record.partition, record.offset, reason
        )
        return Outbound(self.topic_dlq, record.key, value, headers)


def receipt_output(
    adapter: Adapter, record: Inbound, now: datetime, registry: KeyRegistry | None = None
) -> Outbound | None:
    """The native reply for one routed event (from the router's receipts topic). With
    ``registry``, the record must carry the router's seal (:mod:`contract.seal`): a receipt
    written by anyone else would make the hub acknowledge what it never routed."""
    headers = record.headers
    if registry is not None:
        headers = check_seal(registry, record.topic, record.key, record.value, headers)
    event = from_kafka(record.value, headers)
    if event.network != adapter.slug:
        raise EnvelopeError(f"a receipt for {event.network or 'no network'} on {record.topic}")
    reply = adapter.render(Receipt(received=now, accepted=(event,), accepted_records=(None,)))
    if reply is None:
        return None
    return Outbound(native_out(adapter.slug), event.data.reference.encode(), reply)


def receipt_or_refusal(
    adapter: Adapter, record: Inbound, now: datetime, registry: KeyRegistry | None = None
) -> tuple[Outbound | None, Outbound | None]:
    """(the reply, or None; the dead letter of a receipt that cannot be answered, or None).
    A receipt that is unreadable or not sealed by the router goes to ``cca.dlq.v1`` with the
    reason, and the lane goes on."""
    answered = isolate(lambda r: receipt_output(adapter, r, now, registry), record)
    if not isinstance(answered, Poisoned):
        return answered, None
    reason = Reason(
        stage="receipt",
        class_name=f"hub.receipts.{adapter.slug}",
        exception_class=answered.kind,
        message=answered.reason,
        network=adapter.slug,
    )
    headers = dead_letter_headers(
        record.headers, record.topic, record.partition, record.offset, reason
    )
    return None, Outbound(ROUTER_DLQ, record.key, record.value, headers)
