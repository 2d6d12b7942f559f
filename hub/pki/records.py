"""What the authority reports about an issued certificate: public facts and file paths."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from hub.pki.names import Kind

__all__ = ["ClientFiles", "Issued"]


@dataclass(frozen=True)
class ClientFiles:
    """What a TLS client or server needs."""

    ca: Path
    """The CA certificate (PEM)."""
    cert: Path
    """The principal's current certificate (PEM)."""
    key: Path
    """Its private key (PEM, PKCS#8, unencrypted, mode 0600)."""


@dataclass(frozen=True)
class Issued:
    """One certificate the authority issued; ``files`` are the principal's current files."""

    principal: str
    kind: Kind
    serial: int
    not_before: datetime
    not_after: datetime
    fingerprint: str
    """SHA-256 of the DER certificate, lower-case hex."""
    revoked: bool
    revoked_at: datetime | None
    files: ClientFiles
