"""The adapter contract: one declarative class per network, no Kafka code inside.

An adapter says what its network is (slug, media type, size bound) and implements two
pure functions: ``parse`` (native bytes -> drafts of canonical data, or per-record
rejections) and ``render`` (the hub's receipt -> the network's native reply). The SDK's
``translate`` turns drafts into canonical events with stable ids; the hub runs the rest.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import ClassVar

from contract.envelope import CanonicalEvent
from contract.topology import native_dlq, native_in, native_out, source_for
from schemas import CanonicalData


class Reject(Exception):
    """Raised by ``parse`` for a message (or record) that cannot be translated.

    The message says what was wrong and where, in words an operator can act on.
    """

    def __init__(self, reason: str, *, record: int | None = None, reference: str | None = None):
        super().__init__(reason)
        self.reason = reason
        self.record = record
        self.reference = reference


@dataclass(frozen=True)
class Draft:
    """One translated record, before the SDK gives it ids and an envelope."""

    data: CanonicalData
    #: the native send time (UTC); None means "when the hub received it"
    time: datetime | None
    #: the native bytes of this record: its digest gives the event id and provenance
    record_bytes: bytes
    #: line or item number inside a batch, None for one-message formats
    record: int | None = None
    #: CloudEvents subject; defaults to ``data.reference``
    subject: str | None = None
    #: the native reference that names the case; defaults to ``data.reference``.
    #: A status update names the request it is about, so it lands on that case.
    case_reference: str | None = None


@dataclass(frozen=True)
class Rejected:
    """A record (or a whole message) that went to the dead-letter topic, and why."""

    reason: str
    record: int | None = None
    reference: str | None = None
    #: the exception class behind the rejection, for the DLQ's reason headers
    error_class: str = "adapters.sdk.Reject"
    stage: str = "parse"
    #: for a batch row: the row's own native bytes, dead-lettered instead of the whole file
    native: bytes | None = None


@dataclass(frozen=True)
class Translated:
    event: CanonicalEvent
    record: int | None = None


Result = Translated | Rejected


@dataclass(frozen=True)
class Receipt:
    """What the hub tells a network about one native message it sent."""

    received: datetime
    accepted: tuple[CanonicalEvent, ...] = ()
    rejected: tuple[Rejected, ...] = field(default_factory=tuple)
    #: for batches: the record number of each accepted event, aligned with ``accepted``
    accepted_records: tuple[int | None, ...] = ()


class Adapter(ABC):
    """Base class of every network adapter. Subclass, set the class attributes, implement
    ``parse`` (and ``render`` when the network gets replies)."""

    #: the network's slug: topics are ``net.<slug>.in`` / ``.out`` / ``.in.dlq``
    slug: ClassVar[str]
    #: the network's name, for people
    title: ClassVar[str]
    #: media type of the native format, recorded in provenance
    media_type: ClassVar[str]
    #: the largest native message accepted; bigger ones are refused unread
    max_bytes: ClassVar[int] = 1024 * 1024
    #: whether the hub answers this network on ``net.<slug>.out``
    replies: ClassVar[bool] = True
    #: example file suffix for goldens and scaffolds
    suffix: ClassVar[str] = ".txt"
    #: batch formats answer once per file, listing every row, as soon as the file is read;
    #: the others are answered per message once the router has routed it
    batch_receipts: ClassVar[bool] = False

    @property
    def topic_in(self) -> str:
        return native_in(self.slug)

    @property
    def topic_out(self) -> str:
        return native_out(self.slug)

    @property
    def topic_dlq(self) -> str:
        return native_dlq(self.slug)

    @property
    def source(self) -> str:
        return source_for(self.slug)

    @abstractmethod
    def parse(self, native: bytes) -> Iterable[Draft | Rejected]:
        """Translate one native message. Raise :class:`Reject` to refuse all of it; yield
        :class:`Rejected` for a bad record of a batch and go on with the others."""

    def render(self, receipt: Receipt) -> bytes | None:
        """The native reply for an accepted message; None when the network gets none."""
        return None
