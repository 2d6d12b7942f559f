"""Kafka binary mode: the value is the JSON ``data``, attributes travel as ``ce_*`` headers."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence

from contract.envelope.event import CONTENT_TYPE, CanonicalEvent, EnvelopeError, build_event
from contract.topology import CE_HEADER_PREFIX

Headers = Sequence[tuple[str, bytes]]
HEADER_PREFIX = CE_HEADER_PREFIX
MAX_VALUE_BYTES = 8 * 1024 * 1024


def to_kafka(
    event: CanonicalEvent, data: bytes | None = None
) -> tuple[bytes, bytes, list[tuple[str, bytes]]]:
    """(key, value, headers) for one event; the key is the CCA case id. ``data`` is the
    event's ``data_bytes()`` when the caller has already encoded them."""
    headers = [("content-type", CONTENT_TYPE.encode())]
    for name, value in event.attributes().items():
        if name == "datacontenttype":
            continue
        headers.append((HEADER_PREFIX + name, value.encode("utf-8")))
    return event.caseid.encode(), data if data is not None else event.data_bytes(), headers


def header_attributes(headers: Iterable[tuple[str, bytes | None]]) -> dict[str, str]:
    """The CloudEvents attributes in a record's headers, decoded as UTF-8."""
    attrs: dict[str, str] = {}
    for name, raw in headers:
        key = name.lower()
        if raw is None:
            continue
        if key.startswith(HEADER_PREFIX):
            try:
                attrs[key[len(HEADER_PREFIX) :]] = raw.decode("utf-8")
            except UnicodeDecodeError:
                raise EnvelopeError(f"header '{name}' is not UTF-8") from None
        elif key == "content-type":
            attrs["datacontenttype"] = raw.decode("utf-8", "replace")
    return attrs


def from_kafka(value: bytes | None, headers: Iterable[tuple[str, bytes | None]]) -> CanonicalEvent:
    """Read a binary-mode record; :class:`EnvelopeError` says what is wrong."""
    attrs = header_attributes(headers)
    content_type = attrs.get("datacontenttype", CONTENT_TYPE)
    if content_type.split(";")[0].strip() != CONTENT_TYPE:
        raise EnvelopeError(f"header 'content-type': '{content_type}' is not {CONTENT_TYPE}")
    if value is None:
        raise EnvelopeError("value is empty: a canonical event always carries data")
    if len(value) > MAX_VALUE_BYTES:
        raise EnvelopeError(f"value is {len(value)} bytes, over the {MAX_VALUE_BYTES} limit")
    try:
        data = json.loads(value)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise EnvelopeError(f"value is not JSON: {exc}") from None
    return build_event(attrs, data)
