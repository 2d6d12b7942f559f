"""Signing canonical events and checking their origin signatures.

On the wire, verification uses the attribute strings and value bytes exactly as they
arrived (``verify_wire``): re-formatting anything would change what was signed.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from contract.envelope.binary import wire_headers
from contract.envelope.event import CanonicalEvent
from contract.keys.registry import KeyRegistry
from contract.signing import (
    KEYID_ATTRIBUTE,
    SIGNATURE_ATTRIBUTE,
    SIGNED_ATTRIBUTES,
    Signer,
    VerificationError,
)
from contract.topology import network_of


def sign_event(event: CanonicalEvent, signer: Signer, data: bytes | None = None) -> CanonicalEvent:
    """A copy of ``event`` carrying ``signature`` and ``keyid``."""
    signature = signer.sign(
        event.signed_attributes(), data if data is not None else event.data_bytes()
    )
    return event.model_copy(update={"signature": signature, "keyid": signer.key_id})


def signed_record(
    event: CanonicalEvent, signer: Signer
) -> tuple[bytes, bytes, list[tuple[str, bytes]]]:
    """The Kafka record (key, value, headers) of ``event`` signed: its data is encoded once,
    for the signature and the value alike."""
    return signed_wire(event.caseid.encode(), event.attributes(), event.data_bytes(), signer)


def signed_wire(
    key: bytes, attributes: Mapping[str, str], data: bytes, signer: Signer
) -> tuple[bytes, bytes, list[tuple[str, bytes]]]:
    """The signed Kafka record of an event already in its wire form (its attribute strings
    and data bytes, as :meth:`CanonicalEvent.attributes` and ``data_bytes`` give them)."""
    signature = signer.sign({name: attributes[name] for name in SIGNED_ATTRIBUTES}, data)
    signed = {**attributes, SIGNATURE_ATTRIBUTE: signature, KEYID_ATTRIBUTE: signer.key_id}
    return key, data, wire_headers(signed)


def verify_wire(
    registry: KeyRegistry,
    attributes: Mapping[str, str],
    data: bytes,
    *,
    now: datetime | None = None,
) -> None:
    """Check the signature of a record as received; raises :class:`VerificationError`."""
    signature = attributes.get("signature")
    key_id = attributes.get("keyid")
    if not signature or not key_id:
        raise VerificationError("malformed", "the event carries no signature or keyid")
    source = attributes.get("source", "")
    network = network_of(source)
    registry.verify(network, key_id, attributes, data, signature, now=now)


def verify_event(
    registry: KeyRegistry, event: CanonicalEvent, *, now: datetime | None = None
) -> None:
    verify_wire(registry, event.attributes(), event.data_bytes(), now=now)
