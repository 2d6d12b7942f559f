"""Stable identifiers: the same native record always yields the same event id and case id.

Event ids make the receiver idempotent (duplicates are dropped by id); case ids group
every message about one case on one partition, including status updates that arrive
later and only name the request they refer to.
"""

from __future__ import annotations

import base64
import hashlib
import uuid

_EVENT_NAMESPACE = uuid.UUID("5b0c3c8e-2f1e-5a7c-9d51-0c1a2b3c4d5e")


def event_id(network: str, event_type: str, record_sha256: str, case: str) -> str:
    """A UUID derived from the network, the event type, the digest of the native record and
    the CCA case id. The router derives it again from the signed event and refuses an event
    whose id is not this one: so one id names one case, and an event re-signed under another
    case (another key, so another partition) is refused, not routed twice."""
    return str(uuid.uuid5(_EVENT_NAMESPACE, f"{network}\n{event_type}\n{record_sha256}\n{case}"))


def case_id(network: str, case_reference: str) -> str:
    """The CCA case id of a network's case reference, e.g. ``CCA-7KQ2-M3XD-9PLA-Z4RT``."""
    digest = hashlib.sha256(f"{network}\n{case_reference.strip()}".encode()).digest()
    text = base64.b32encode(digest).decode("ascii")[:16]
    return "CCA-" + "-".join(text[i : i + 4] for i in range(0, 16, 4))
