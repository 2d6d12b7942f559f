"""The event for a notice that vanished from the feed: the same reference (so the same
case), status WITHDRAWN, and record bytes that differ from every active version."""

from __future__ import annotations

from adapters.interpol.kinds import NAMES, NoticeKind
from adapters.interpol.notice import CLASSIFICATION, ORIGIN
from adapters.sdk.contract import Draft
from schemas import Notice, NoticeDetails


def withdrawal_bytes(kind: NoticeKind, entity_id: str, last_hash: str) -> bytes:
    """``WITHDRAWN`` + kind + id + the hash of the last published content: stable for one
    withdrawal (a retried publication keeps its event id), distinct from any JSON record."""
    return f"WITHDRAWN\n{kind}\n{entity_id}\n{last_hash}\n".encode()


def withdrawn_draft(kind: NoticeKind, entity_id: str, last_hash: str) -> Draft:
    """The draft announcing that notice ``entity_id`` is no longer published."""
    data = Notice(
        reference=entity_id,
        origin=ORIGIN,
        classification=CLASSIFICATION,
        title=f"{NAMES[kind]} notice {entity_id} withdrawn",
        summary=(
            f"{NAMES[kind]} notice {entity_id} has been withdrawn: the notices service no"
            " longer lists it."
        ),
        notice=NoticeDetails(kind=kind, status="WITHDRAWN"),
    )
    return Draft(data=data, time=None, record_bytes=withdrawal_bytes(kind, entity_id, last_hash))
