"""The canonical CloudEvents 1.0 envelope: the event, its stable ids, and its two Kafka modes."""

from contract.envelope.binary import from_kafka, to_kafka
from contract.envelope.event import CanonicalEvent, EnvelopeError, format_time
from contract.envelope.identity import case_id, event_id
from contract.envelope.structured import (
    from_json_line,
    from_structured,
    to_json_line,
    to_structured,
)

__all__ = [
    "CanonicalEvent",
    "EnvelopeError",
    "case_id",
    "event_id",
    "format_time",
    "from_json_line",
    "from_kafka",
    "from_structured",
    "to_json_line",
    "to_kafka",
    "to_structured",
]
