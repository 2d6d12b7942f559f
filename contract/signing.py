"""Origin signatures on canonical CloudEvents.

Each adapter signs every event it emits with its network's Ed25519 key, so the
router (and anyone holding the event later) can prove which network produced it
and that nothing identifying it changed on the way. In Kafka binary mode the
signature and key id travel as the extension attributes ``signature`` and
``keyid``.

What is signed is :func:`signing_payload`: a domain-separation prefix, every
attribute of :data:`SIGNED_ATTRIBUTES` as its exact wire *string* (so no
re-formatting of e.g. ``time`` can slip through), each length-prefixed so that
no two different attribute sets encode alike, and the SHA-256 of the data bytes.
The data bytes are the canonical JSON of ``data`` (:func:`canonical_json`), which
is what binary mode carries, and what a structured-mode reader gets back by
re-canonicalising the parsed ``data``.

Verification, which needs the key registry, lives in :mod:`contract.keys`.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import re
from collections.abc import Mapping
from typing import Final, Literal, get_args

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.hashes import SHA256
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat

__all__ = [
    "KEYID_ATTRIBUTE",
    "SIGNATURE_ATTRIBUTE",
    "SIGNED_ATTRIBUTES",
    "SIGNING_DOMAIN",
    "VERIFICATION_REASONS",
    "MalformedEnvelopeError",
    "Signer",
    "VerificationError",
    "VerificationReason",
    "canonical_json",
    "decode_signature",
    "encode_signature",
    "signing_payload",
]

SIGNED_ATTRIBUTES: tuple[str, ...] = (
    "id",
    "source",
    "type",
    "time",
    "subject",
    "dataschema",
    "caseid",
    "classification",
)
"""Attributes covered by the signature, in payload order. Changing this is a new version."""

SIGNATURE_ATTRIBUTE: Final = "signature"
KEYID_ATTRIBUTE: Final = "keyid"

SIGNING_DOMAIN: Final = b"cca-hub/cloudevent-signature/v1\x00"
"""Prefix that keeps these signatures from being valid for any other protocol or version."""

_SIGNATURE_BYTES: Final = 64
_SIGNATURE_CHARS: Final = 86  # base64url of 64 bytes, without padding
_BASE64URL = re.compile(r"[A-Za-z0-9_-]*")

VerificationReason = Literal[
    "unknown_key",
    "revoked_key",
    "expired_key",
    "not_yet_valid",
    "wrong_network",
    "bad_signature",
    "malformed",
]
VERIFICATION_REASONS: tuple[VerificationReason, ...] = get_args(VerificationReason)
"""Every reason code: a bounded metrics label and the DLQ reason."""


class VerificationError(Exception):
    """An event's signature cannot be accepted; ``reason`` says why in one short code."""

    def __init__(self, reason: VerificationReason, detail: str = "") -> None:
        if reason not in VERIFICATION_REASONS:
            raise ValueError(f"unknown verification reason {reason!r}")
        super().__init__(reason, detail)
        self.reason: VerificationReason = reason
        self.detail = detail

    def __str__(self) -> str:
        return f"{self.reason}: {self.detail}" if self.detail else self.reason

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, VerificationError):
            return NotImplemented
        return (self.reason, self.detail) == (other.reason, other.detail)

    def __hash__(self) -> int:
        return hash((self.reason, self.detail))


class MalformedEnvelopeError(ValueError):
    """The attributes cannot be signed: one is missing or is not a string."""


def canonical_json(obj: object) -> bytes:
    """The one byte form of ``data``: sorted keys, no spaces, UTF-8, no NaN/Infinity.

    Binary mode carries exactly these bytes; a structured-mode reader parses
    ``data`` and calls this again to get the same bytes back for verification.
    """
    return json.dumps(
        obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    ).encode()


def signing_payload(attributes: Mapping[str, str], data: bytes) -> bytes:
    """The exact bytes an origin signature covers.

    ``SIGNING_DOMAIN``, then for each of :data:`SIGNED_ATTRIBUTES` in order its
    name and its UTF-8 value, each preceded by its length as a 4-byte big-endian
    integer, then SHA-256(data). Lengths make the encoding injective; hashing
    the data keeps the payload small whatever the message size.
    """
    if not isinstance(data, bytes | bytearray | memoryview):
        raise MalformedEnvelopeError("data must be bytes")
    parts = [SIGNING_DOMAIN]
    append = parts.append
    try:
        for name, prefix in zip(SIGNED_ATTRIBUTES, _NAME_PREFIXES, strict=True):
            value = attributes[name]
            if not isinstance(value, str):
                raise TypeError
            encoded = value.encode()
            append(prefix)
            append(len(encoded).to_bytes(4, "big"))
            append(encoded)
    except (KeyError, TypeError, UnicodeEncodeError, OverflowError):
        raise MalformedEnvelopeError(_what_is_wrong(attributes)) from None
    append(hashlib.sha256(data).digest())
    return b"".join(parts)


def _what_is_wrong(attributes: Mapping[str, str]) -> str:
    """The message for the slow, failing path only (the hot path just tries)."""
    for name in SIGNED_ATTRIBUTES:
        value = attributes.get(name)
        if value is None:
            return f"attribute {name!r} is missing"
        if not isinstance(value, str):
            return f"attribute {name!r} is not a string"
        try:
            value.encode()
        except UnicodeEncodeError:
            return f"attribute {name!r} is not valid UTF-8"
    return "attributes cannot be signed"


def _length_prefixed(value: bytes) -> bytes:
    return len(value).to_bytes(4, "big") + value


_NAME_PREFIXES = tuple(_length_prefixed(name.encode("ascii")) for name in SIGNED_ATTRIBUTES)


def encode_signature(raw: bytes) -> str:
    """base64url without padding, as the ``signature`` attribute carries it."""
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def decode_signature(text: str) -> bytes:
    """Strictly decode a ``signature`` attribute: one canonical spelling, else malformed."""
    if not isinstance(text, str) or len(text) != _SIGNATURE_CHARS or not _BASE64URL.fullmatch(text):
        raise VerificationError("malformed", "signature is not 64 bytes of unpadded base64url")
    try:
        raw = base64.urlsafe_b64decode(text + "==")
    except (binascii.Error, ValueError):
        raise VerificationError("malformed", "signature is not valid base64url") from None
    if len(raw) != _SIGNATURE_BYTES or encode_signature(raw) != text:
        raise VerificationError("malformed", "signature is not canonical base64url")
    return raw


class Signer:
    """Signs events with one network key; holds the private key and never shows it."""

    __slots__ = ("_key", "_key_id")

    def __init__(self, key_id: str, private_key: Ed25519PrivateKey) -> None:
        if not isinstance(private_key, Ed25519PrivateKey):
            raise TypeError("private_key must be an Ed25519PrivateKey")
        self._key_id = key_id
        self._key = private_key

    @property
    def key_id(self) -> str:
        return self._key_id

    def public_key(self) -> Ed25519PublicKey:
        return self._key.public_key()

    def sign(self, attributes: Mapping[str, str], data: bytes) -> str:
        """The ``signature`` attribute for these attributes and data bytes."""
        return encode_signature(self._key.sign(signing_payload(attributes, data)))

    def sign_message(self, message: bytes) -> str:
        """A detached signature over ``message``, which must start with its own domain
        prefix (never :data:`SIGNING_DOMAIN`: an event signature is made by :meth:`sign`)."""
        if message.startswith(SIGNING_DOMAIN):
            raise ValueError("event payloads are signed with Signer.sign")
        return encode_signature(self._key.sign(message))

    def derive_secret(self, label: bytes) -> bytes:
        """A 32-byte secret only the holder of this private key can compute (HKDF-SHA256
        over the raw private key, ``label`` as the info): for MACs of the holder's own
        state, without a second secret to keep."""
        raw = self._key.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())
        return HKDF(algorithm=SHA256(), length=32, salt=None, info=label).derive(raw)

    def __repr__(self) -> str:
        return f"Signer(key_id={self._key_id!r})"

    def __reduce__(self) -> str | tuple[object, ...]:
        raise TypeError("a Signer holds a private key and cannot be pickled")
