"""``StatusUpdate`` → ``RequestStatus``, on the case of the request it reports on."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from typing import cast

from adapters.oas_hien.elements import Node, Shape, collapse
from adapters.oas_hien.fields import alpha2, code, utc_time
from adapters.oas_hien.ids import request_id, status_reference
from adapters.oas_hien.vocabulary import (
    HUB_STATE,
    LEVELS,
    SLUG,
    STATUSES,
    UNMARKED_LEVEL,
    UNMARKED_ORIGINAL,
)
from adapters.sdk.contract import Draft, Reject
from contract.quoting import quote
from schemas import Classification, Level, Origin, RequestState, RequestStatus, StatusDetails

#: ``Confidentiality`` is not in the spec's StatusUpdate; a sender that marks an update
#: anyway is honoured rather than refused (same element, same meaning as in Request)
STATUS = Shape(
    single=frozenset({"RequestId", "Sent", "FromState", "Status", "Note", "Confidentiality"})
)
#: the canonical ``status.note`` is bounded; the whole note always stays in ``summary``
NOTE_FIELD_CHARS = 500


def read_status(root: ET.Element, native: bytes) -> Draft:
    node = Node(root, STATUS, "<StatusUpdate>")
    request = request_id(node.required("RequestId"), "<RequestId>")
    try:
        return _read(node, request, native)
    except Reject as exc:
        raise Reject(exc.reason, reference=request) from None


def _read(node: Node, request: str, native: bytes) -> Draft:
    sent = utc_time(node.required("Sent"), "<Sent>")
    sender = node.required("FromState")
    if sender.upper() == HUB_STATE:
        raise Reject(
            f"<FromState> '{quote(sender)}' is the hub itself: its own acknowledgement came back in"
        )
    state = alpha2(sender, "<FromState>")
    status = cast(RequestState, code(node.required("Status"), STATUSES, "<Status>"))
    note = (node.raw("Note") or "").strip()
    short = collapse(note)
    if short and len(short) > NOTE_FIELD_CHARS:
        short = short[: NOTE_FIELD_CHARS - 1] + "…"
    data = RequestStatus(
        reference=status_reference(request, sent),
        origin=Origin(network=SLUG, country=state),
        classification=_classification(node.text("Confidentiality")),
        countries=[state],
        summary=note,
        request_reference=request,
        status=StatusDetails(
            request_reference=request, status=status, from_state=state, note=short
        ),
    )
    return Draft(data=data, time=sent, record_bytes=native, case_reference=request)


def _classification(marking: str | None) -> Classification:
    if marking is None:
        return Classification(level=UNMARKED_LEVEL, original=UNMARKED_ORIGINAL)
    return Classification(
        level=cast(Level, code(marking, LEVELS, "<Confidentiality>")), original=marking
    )
