"""The network's request ids: ``HIEN-<MLA|EXT>-<year>-<6 digits>``."""

from __future__ import annotations

from datetime import datetime

from adapters.oas_hien.vocabulary import REQUEST_ID
from adapters.sdk.contract import Reject
from contract.quoting import quote


def request_id(value: str, field: str) -> str:
    """A RequestId in its one written form (upper case), so every message about a request
    names the same case whatever letter case its sender used."""
    text = value.strip().upper()
    if REQUEST_ID.fullmatch(text) is None:
        raise Reject(
            f"{field} '{quote(value)}' is not of the form HIEN-<MLA|EXT>-<year>-<6 digits>"
        )
    return text


def id_segment(reference: str) -> str:
    """``MLA`` or ``EXT``: the kind of request a valid RequestId names."""
    return reference.split("-")[1]


def status_reference(request: str, sent: datetime) -> str:
    """The reference of one status update: the request's id, ``/status/`` and the UTC send
    time. The send time tells a request's updates apart; UTC makes the same instant, written
    with any offset, give the same reference."""
    stamp = sent.strftime("%Y-%m-%dT%H:%M:%S")
    if sent.microsecond:
        stamp += f".{sent.microsecond:06d}".rstrip("0")
    return f"{request}/status/{stamp}Z"
