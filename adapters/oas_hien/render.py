"""The hub's acknowledgement of an accepted request: a HIEN ``StatusUpdate`` ``RECEIVED``.

The spec acknowledges requests only: a status update the hub accepts, or any message that
went to the dead-letter topic, gets no reply.
"""

from __future__ import annotations

from datetime import UTC, datetime
from xml.sax.saxutils import escape

from adapters.oas_hien.vocabulary import HUB_STATE, NAMESPACE
from adapters.sdk.contract import Receipt
from schemas.models.events import TYPE_EXTRADITION, TYPE_MLA

_REQUEST_TYPES = frozenset({TYPE_MLA, TYPE_EXTRADITION})


def render_receipt(receipt: Receipt) -> bytes | None:
    """One UTF-8 ``StatusUpdate`` for the request the message carried; None when it carried
    no accepted request (one HIEN document holds at most one request)."""
    request = next((e for e in receipt.accepted if e.type in _REQUEST_TYPES), None)
    if request is None:
        return None
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        f'<StatusUpdate xmlns="{NAMESPACE}">',
        f"  <RequestId>{escape(request.data.reference)}</RequestId>",
        f"  <Sent>{utc_stamp(receipt.received)}</Sent>",
        f"  <FromState>{HUB_STATE}</FromState>",
        "  <Status>RECEIVED</Status>",
        f"  <Note>CCA case id: {escape(request.caseid)}</Note>",
        "</StatusUpdate>",
    ]
    return ("\n".join(lines) + "\n").encode("utf-8")


def utc_stamp(moment: datetime) -> str:
    """ISO 8601 in UTC with ``Z``, to the second."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
