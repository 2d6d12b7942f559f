"""The hub's reply to aiamp: one ``ACUSE`` per accepted message."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from adapters.sdk.contract import Receipt

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def acuse(receipt: Receipt) -> bytes | None:
    """``{"tipo": "ACUSE", "id", "caso_cca", "recibido_ms"}`` as UTF-8 JSON; None when the
    message was not accepted (it went to the dead-letter topic)."""
    if not receipt.accepted:
        return None
    event = receipt.accepted[0]
    reply = {
        "tipo": "ACUSE",
        "id": event.data.reference,
        "caso_cca": event.caseid,
        "recibido_ms": epoch_ms(receipt.received),
    }
    return json.dumps(reply, ensure_ascii=False).encode("utf-8")


def epoch_ms(when: datetime) -> int:
    """Whole milliseconds since the Unix epoch (exact: no float rounding)."""
    return (when.astimezone(UTC) - _EPOCH) // timedelta(milliseconds=1)
