"""The operator's detached signature of the key registry, and the pinned operator key.

Whoever can add a key to the registry can sign events as any network, so the registry is
trusted only when the operator's Ed25519 key signed its exact bytes. That key is never
inside the registry it signs: its public half is pinned in a file of its own
(:func:`load_operator_public_key`), read once when a service starts. The file format of
the signature is described in :mod:`contract.keys.fileformat`.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Final, Literal

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import (
    Encoding,
    PublicFormat,
    load_pem_public_key,
)
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from contract.keys._files import read_bounded

__all__ = [
    "MAX_SERIAL",
    "SIGNATURE_DOMAIN",
    "SIGNATURE_FORMAT",
    "SIGNATURE_REASONS",
    "RegistrySignature",
    "RegistrySignatureError",
    "encode_operator_public_key",
    "load_operator_public_key",
    "operator_fingerprint",
    "parse_serial",
    "sign_registry",
    "signature_path",
    "verify_registry",
]

SIGNATURE_FORMAT: Final = "cca-hub-key-registry-signature"
SIGNATURE_DOMAIN: Final = b"cca-hub key registry signature v1\x00"
"""Prefix of every signed message: an operator signature can never pass for another kind."""
MAX_SERIAL: Final = 2**53
_MAX_SIGNATURE_BYTES: Final = 4096
_MAX_PUBLIC_KEY_BYTES: Final = 4096
_SIGNED_AT: Final = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z")

SIGNATURE_REASONS: Final = (
    "unsigned",
    "malformed",
    "wrong_key",
    "bad_signature",
    "rollback",
    "no_operator_key",
)
"""Why a registry was refused (bounded: they label a metric)."""


class RegistrySignatureError(ValueError):
    """The registry is not signed, or not by the pinned operator key; ``reason`` says which."""

    def __init__(
        self,
        reason: Literal[
            "unsigned", "malformed", "wrong_key", "bad_signature", "rollback", "no_operator_key"
        ],
        message: str,
    ) -> None:
        super().__init__(message)
        self.reason = reason


class _SignatureDocument(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    format: Literal["cca-hub-key-registry-signature"]
    version: Literal[1]
    algorithm: Literal["Ed25519"]
    operator_key: str = Field(pattern=r"^[0-9a-f]{16}$")
    serial: int = Field(ge=1, le=MAX_SERIAL)
    signed_at: str = Field(pattern=_SIGNED_AT.pattern)
    signature: str = Field(max_length=100)


@dataclass(frozen=True, slots=True)
class RegistrySignature:
    """A verified (or just written) signature: which operator key, which revision, when."""

    operator_key: str
    serial: int
    signed_at: datetime


def signature_path(registry_path: Path) -> Path:
    """``registry.json`` → ``registry.json.sig``, next to it."""
    return registry_path.with_name(registry_path.name + ".sig")


def operator_fingerprint(public_key: Ed25519PublicKey) -> str:
    """First 16 hex digits of SHA-256 over the raw key: names the key in files and errors."""
    raw = public_key.public_bytes(Encoding.Raw, PublicFormat.Raw)
    return hashlib.sha256(raw).hexdigest()[:16]


def encode_operator_public_key(public_key: Ed25519PublicKey) -> bytes:
    """The pinned key file's content: a PEM ``PUBLIC KEY`` (SubjectPublicKeyInfo)."""
    return public_key.public_bytes(Encoding.PEM, PublicFormat.SubjectPublicKeyInfo)


def load_operator_public_key(path: Path) -> Ed25519PublicKey:
    """Read a pinned operator key; RegistrySignatureError if it is absent or not one."""
    try:
        data = read_bounded(path, _MAX_PUBLIC_KEY_BYTES)
    except FileNotFoundError:
        raise RegistrySignatureError(
            "no_operator_key",
            f"no operator key is pinned at {path} (create it with `hub keys operator init`)",
        ) from None
    except ValueError:
        raise RegistrySignatureError(
            "no_operator_key", f"{path} is not an operator public key"
        ) from None
    try:
        key = load_pem_public_key(data)
    except (ValueError, TypeError):
        raise RegistrySignatureError(
            "no_operator_key", f"{path} is not an operator public key"
        ) from None
    if not isinstance(key, Ed25519PublicKey):
        raise RegistrySignatureError("no_operator_key", f"{path} is not an Ed25519 public key")
    return key


def _message(serial: int, signed_at: str, registry_bytes: bytes) -> bytes:
    # serial and signed_at hold no newline (checked), so the message parses one way only
    return SIGNATURE_DOMAIN + f"{serial}\n{signed_at}\n".encode("ascii") + registry_bytes


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def sign_registry(
    registry_bytes: bytes, operator: Ed25519PrivateKey, serial: int, now: datetime | None = None
) -> tuple[bytes, RegistrySignature]:
    """The signature file for ``registry_bytes`` as revision ``serial``, and what it says."""
    if not 1 <= serial <= MAX_SERIAL:
        raise ValueError(f"registry serial must be between 1 and {MAX_SERIAL}")
    moment = (datetime.now(UTC) if now is None else now.astimezone(UTC)).replace(microsecond=0)
    signed_at = moment.strftime("%Y-%m-%dT%H:%M:%SZ")
    fingerprint = operator_fingerprint(operator.public_key())
    document = _SignatureDocument(
        format=SIGNATURE_FORMAT,
        version=1,
        algorithm="Ed25519",
        operator_key=fingerprint,
        serial=serial,
        signed_at=signed_at,
        signature=_b64(operator.sign(_message(serial, signed_at, registry_bytes))),
    )
    data = (document.model_dump_json(indent=2) + "\n").encode()
    return data, RegistrySignature(fingerprint, serial, moment)


def parse_serial(signature_bytes: bytes) -> int | None:
    """The serial a signature file claims, unverified (to number the next revision)."""
    try:
        return _SignatureDocument.model_validate_json(signature_bytes).serial
    except ValidationError:
        return None


def verify_registry(
    registry_bytes: bytes, signature_bytes: bytes, operator_key: Ed25519PublicKey
) -> RegistrySignature:
    """Check the operator's signature over ``registry_bytes``; RegistrySignatureError if not."""
    if len(signature_bytes) > _MAX_SIGNATURE_BYTES:
        raise RegistrySignatureError("malformed", "the signature file is too large")
    try:
        document = _SignatureDocument.model_validate_json(signature_bytes)
    except ValidationError:
        raise RegistrySignatureError(
            "malformed", f"the signature file is not a {SIGNATURE_FORMAT} document"
        ) from None
    pinned = operator_fingerprint(operator_key)
    if document.operator_key != pinned:
        raise RegistrySignatureError(
            "wrong_key",
            f"signed by operator key {document.operator_key}, not by the pinned key {pinned}",
        )
    try:
        raw = base64.urlsafe_b64decode(document.signature + "=" * (-len(document.signature) % 4))
    except (binascii.Error, ValueError):
        raise RegistrySignatureError("malformed", "the signature is not base64url") from None
    try:
        operator_key.verify(raw, _message(document.serial, document.signed_at, registry_bytes))
    except InvalidSignature:
        raise RegistrySignatureError(
            "bad_signature",
            "the operator's signature does not match the registry "
            "(changed without the operator key)",
        ) from None
    signed_at = datetime.strptime(document.signed_at, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
    return RegistrySignature(document.operator_key, document.serial, signed_at)
