"""The hub's reply to refco: one ``ACUSE_RECIBO`` per accepted referral."""

from __future__ import annotations

import json
from datetime import UTC

from adapters.sdk.contract import Receipt


def acuse_recibo(receipt: Receipt) -> bytes | None:
    """``{"tipo": "ACUSE_RECIBO", "expediente", "caso_cca", "recibido"}`` as UTF-8 JSON;
    None when the referral was not accepted (it went to the dead-letter topic)."""
    if not receipt.accepted:
        return None
    event = receipt.accepted[0]
    reply = {
        "tipo": "ACUSE_RECIBO",
        "expediente": event.data.reference,
        "caso_cca": event.caseid,
        "recibido": receipt.received.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
    }
    return json.dumps(reply, ensure_ascii=False).encode("utf-8")
