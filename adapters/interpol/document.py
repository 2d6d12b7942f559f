"""Reading the feed's JSON safely, and the canonical bytes that identify a notice's content.

A notice's content is identified by the canonical JSON of its object (sorted keys, no
white space, UTF-8): the same content always gives the same bytes, so the same event id
and the same hash in the poller's state, whatever order the service writes keys in.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from adapters.sdk.contract import Reject


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"'{name}' is not a JSON number")


def load_json(native: bytes) -> Any:
    """The JSON value of a document; Reject says why it cannot be read."""
    try:
        text = native.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise Reject(f"document is not UTF-8 text: byte {exc.start} is invalid") from None
    if text.startswith("\ufeff"):
        text = text[1:]
    if not text.strip():
        raise Reject("document is empty: a JSON notice list page or notice detail was expected")
    try:
        return json.loads(text, parse_constant=_refuse_constant)
    except RecursionError:
        raise Reject("document is nested too deeply to be a notice") from None
    except ValueError as exc:
        raise Reject(f"document is not JSON: {exc}"[:300]) from None


def canonical_bytes(obj: Any) -> bytes:
    """Sorted-key compact JSON of a summary or detail: the record's identity."""
    return json.dumps(
        obj, sort_keys=True, ensure_ascii=False, separators=(",", ":"), allow_nan=False
    ).encode("utf-8")


def content_hash(record: bytes) -> str:
    """SHA-256 (hex) of a record's bytes: the same digest the event id is derived from."""
    return hashlib.sha256(record).hexdigest()
