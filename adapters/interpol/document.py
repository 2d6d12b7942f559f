"""Reading the feed's JSON safely, and the canonical bytes that identify a notice's content.

Documents are read by the shared strict reader (:mod:`adapters.sdk.jsonread`), so a list
page or a detail that repeats a key, writes NaN or an over-long integer is refused in the
same words as any other JSON network's message.

A notice's content is identified by the contract's canonical JSON of its object (sorted
keys, no white space, UTF-8): the same content always gives the same bytes, so the same
event id and the same hash in the poller's state, whatever order the service writes keys in.
"""

from __future__ import annotations

import hashlib
from typing import Any

from adapters.sdk import jsonread
from contract.signing import canonical_json

NETWORK = "interpol"

#: the record bytes of a summary or detail: the contract's one canonical JSON
canonical_bytes = canonical_json


def load_json(native: bytes) -> Any:
    """The JSON value of a document; Reject says why it cannot be read."""
    return jsonread.load_json(native, NETWORK)


def content_hash(record: bytes) -> str:
    """SHA-256 (hex) of a record's bytes: the same digest the event id is derived from."""
    return hashlib.sha256(record).hexdigest()
