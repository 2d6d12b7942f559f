"""Kafka binary mode: the value is the JSON ``data``, attributes travel as ``ce_*`` headers."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from contract import strictjson
from contract.envelope.event import CONTENT_TYPE, CanonicalEvent, EnvelopeError, build_event
from contract.quoting import quote
from contract.signing import KEYID_ATTRIBUTE, SIGNATURE_ATTRIBUTE, SIGNED_ATTRIBUTES
from contract.topology import CE_HEADER_PREFIX

Headers = Sequence[tuple[str, bytes]]
HEADER_PREFIX = CE_HEADER_PREFIX
MAX_VALUE_BYTES = 8 * 1024 * 1024


#: the order attributes travel in, the one :meth:`CanonicalEvent.attributes` gives
WIRE_ORDER: tuple[str, ...] = (
    "specversion",
    *SIGNED_ATTRIBUTES,
    "tlp",
    SIGNATURE_ATTRIBUTE,
    KEYID_ATTRIBUTE,
)


def wire_headers(attributes: Mapping[str, str]) -> list[tuple[str, bytes]]:
    """The headers of a binary-mode record carrying exactly these attribute strings, and no
    other: what the router forwards is what it verified, in one canonical form."""
    headers = [("content-type", CONTENT_TYPE.encode())]
    for name in WIRE_ORDER:
        value = attributes.get(name)
        if value is not None:
            headers.append((HEADER_PREFIX + name, value.encode("utf-8")))
    return headers


def to_kafka(
    event: CanonicalEvent, data: bytes | None = None
) -> tuple[bytes, bytes, list[tuple[str, bytes]]]:
    """(key, value, headers) for one event; the key is the CCA case id. ``data`` is the
    event's ``data_bytes()`` when the caller has already encoded them."""
    headers = wire_headers(event.attributes())
    return event.caseid.encode(), data if data is not None else event.data_bytes(), headers


def header_attributes(headers: Iterable[tuple[str, bytes | None]]) -> dict[str, str]:
    """The CloudEvents attributes in a record's headers, decoded as UTF-8.

    Refused: a ``ce_`` header that is not in lower case, and any attribute (or the content
    type) given twice — a reader that takes the first and one that takes the last would
    otherwise see two different events."""
    attrs: dict[str, str] = {}
    for name, raw in headers:
        key = name.lower()
        if raw is None:
            continue
        if key.startswith(HEADER_PREFIX):
            if name != key:
                raise EnvelopeError(f"header '{quote(name)}' is not in lower case")
            attribute = key[len(HEADER_PREFIX) :]
            if attribute in attrs:
                raise EnvelopeError(f"header '{quote(name)}' appears twice")
            try:
                attrs[attribute] = raw.decode("utf-8")
            except UnicodeDecodeError:
                raise EnvelopeError(f"header '{quote(name)}' is not UTF-8") from None
        elif key == "content-type":
            if "datacontenttype" in attrs:
                raise EnvelopeError("header 'content-type' appears twice")
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
        data = strictjson.loads(value, "value")
    except strictjson.StrictJsonError as exc:
        raise EnvelopeError(str(exc)) from None
    return build_event(attrs, data)
