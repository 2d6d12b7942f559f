"""One public key of one network, with the period it may sign for and its revocation."""

from __future__ import annotations

import base64
import binascii
from datetime import UTC, datetime
from enum import StrEnum
from typing import Annotated, Literal, Self

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from pydantic import AfterValidator, AwareDatetime, BaseModel, ConfigDict, Field, model_validator

from contract.keys.ids import key_id_for, raw_public_key, validate_network

__all__ = ["MAX_REASON_CHARS", "KeyRecord", "KeyStatus", "UtcDatetime", "encode_public_key"]

MAX_REASON_CHARS = 500


def _to_utc(value: datetime) -> datetime:
    return value.astimezone(UTC)


UtcDatetime = Annotated[AwareDatetime, AfterValidator(_to_utc)]
"""Timezone-aware in, UTC out: naive times are refused rather than guessed."""


class KeyStatus(StrEnum):
    PENDING = "pending"
    ACTIVE = "active"
    EXPIRED = "expired"
    REVOKED = "revoked"


def encode_public_key(public_key: Ed25519PublicKey) -> str:
    """Raw 32 bytes, base64url without padding: short, and the same bytes the key id hashes."""
    return base64.urlsafe_b64encode(raw_public_key(public_key)).rstrip(b"=").decode("ascii")


class KeyRecord(BaseModel):
    """A registry entry, valid in ``[not_before, not_after)`` unless revoked.

    How these times meet an event's time and the time of verification is
    decided in :meth:`contract.keys.KeyRegistry.verify` (see :mod:`contract.keys.registry`).
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    key_id: str = Field(max_length=64)
    network: Annotated[str, AfterValidator(validate_network)]
    algorithm: Literal["Ed25519"] = "Ed25519"
    public_key: str = Field(max_length=64, description="raw key, base64url without padding")
    not_before: UtcDatetime
    not_after: UtcDatetime
    revoked_at: UtcDatetime | None = None
    revocation_reason: str | None = Field(default=None, max_length=MAX_REASON_CHARS)

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        if self.not_after <= self.not_before:
            raise ValueError("not_after must be later than not_before")
        if (self.revoked_at is None) != (self.revocation_reason is None):
            raise ValueError("revoked_at and revocation_reason go together")
        expected = key_id_for(self.network, self.public_key_object(), self.not_before)
        if self.key_id != expected:
            raise ValueError(f"key_id {self.key_id!r} does not match its key ({expected!r})")
        return self

    def public_key_object(self) -> Ed25519PublicKey:
        """The key, ready to verify with (callers that verify often should cache it)."""
        try:
            raw = base64.urlsafe_b64decode(self.public_key + "=" * (-len(self.public_key) % 4))
        except (binascii.Error, ValueError):
            raise ValueError("public_key is not base64url") from None
        if len(raw) != 32:
            raise ValueError("public_key must be 32 raw bytes")
        return Ed25519PublicKey.from_public_bytes(raw)

    def status(self, at: datetime) -> KeyStatus:
        """What the key is at ``at``: revocation first, then the validity period."""
        if self.revoked_at is not None and at >= self.revoked_at:
            return KeyStatus.REVOKED
        if at < self.not_before:
            return KeyStatus.PENDING
        if at >= self.not_after:
            return KeyStatus.EXPIRED
        return KeyStatus.ACTIVE
