"""Records in and out of the hub's processing cores, free of any Kafka client type."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

Headers = Sequence[tuple[str, bytes]]


@dataclass(frozen=True, slots=True)
class Inbound:
    topic: str
    partition: int
    offset: int
    key: bytes | None
    value: bytes | None
    headers: Headers = ()
    timestamp_ms: int = 0


@dataclass(frozen=True, slots=True)
class Outbound:
    topic: str
    key: bytes | None
    value: bytes | None
    headers: Headers = ()
    #: explicit partition (state topics follow their input's partition); None: by key
    partition: int | None = None


@dataclass(slots=True)
class Batch:
    """What one batch of input produces, committed atomically with the input offsets."""

    outputs: list[Outbound] = field(default_factory=list)
    #: (topic, partition) -> next offset to consume
    offsets: dict[tuple[str, int], int] = field(default_factory=dict)
    #: what the service needs after the commit (state to apply, counts for metrics)
    context: object = None

    def consumed(self, record: Inbound) -> None:
        key = (record.topic, record.partition)
        self.offsets[key] = max(self.offsets.get(key, 0), record.offset + 1)


def header(headers: Headers, name: str) -> bytes | None:
    for key, value in headers:
        if key == name:
            return value
    return None
