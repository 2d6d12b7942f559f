"""Dead-letter records: the original key, value and headers, plus reason headers under
the names Kafka Connect uses, so existing tools read them."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from contract.topology import (
    DLQ_HEADER_PREFIX,
    DLQ_HUB_PREFIX,
    DLQ_NETWORK_HEADER,
    DLQ_RECORD_HEADER,
)

Headers = Sequence[tuple[str, bytes]]

PREFIX = DLQ_HEADER_PREFIX
MAX_MESSAGE_CHARS = 2000


@dataclass(frozen=True)
class Reason:
    stage: str  # parse | validate | verify | route
    class_name: str  # the component that refused it
    exception_class: str  # what kind of failure, e.g. adapters.sdk.Reject
    message: str  # in words an operator can act on
    network: str | None = None
    record: int | None = None  # the line of a batch row


def reason_headers(
    topic: str, partition: int, offset: int, reason: Reason
) -> list[tuple[str, bytes]]:
    headers = [
        (PREFIX + "topic", topic.encode()),
        (PREFIX + "partition", str(partition).encode()),
        (PREFIX + "offset", str(offset).encode()),
        (PREFIX + "stage", reason.stage.encode()),
        (PREFIX + "class.name", reason.class_name.encode()),
        (PREFIX + "exception.class.name", reason.exception_class.encode()),
        (PREFIX + "exception.message", reason.message[:MAX_MESSAGE_CHARS].encode()),
    ]
    if reason.network:
        headers.append((DLQ_NETWORK_HEADER, reason.network.encode()))
    if reason.record is not None:
        headers.append((DLQ_RECORD_HEADER, str(reason.record).encode()))
    return headers


def dead_letter_headers(
    original: Headers, topic: str, partition: int, offset: int, reason: Reason
) -> list[tuple[str, bytes]]:
    """The original headers (minus earlier reason headers) followed by this reason."""
    kept = [(k, v) for k, v in original if not k.startswith((PREFIX, DLQ_HUB_PREFIX))]
    return kept + reason_headers(topic, partition, offset, reason)


def read_reason(headers: Headers) -> dict[str, str]:
    """The reason headers of a dead-letter record, by name without the prefix."""
    out: dict[str, str] = {}
    for key, value in headers:
        if key.startswith(PREFIX):
            out[key.removeprefix(PREFIX)] = value.decode("utf-8", "replace")
        elif key.startswith(DLQ_HUB_PREFIX):
            out[key] = value.decode("utf-8", "replace")
    return out
