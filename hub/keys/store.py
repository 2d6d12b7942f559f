"""Private keys on disk, and the operations that create, rotate and revoke them.

Layout under the state directory (``$HUB_STATE_DIR``, default ``./var``)::

    keys/registry.json                      public registry (0644)
    keys/private/<network>/<key_id>.pem     PKCS#8 private key (0600, directories 0700)

Files are written atomically with their final permissions. A key file that
group or others can read, or that does not match its registry entry, is
refused rather than used. Private key bytes never reach logs, reprs or
exception messages.
"""

from __future__ import annotations

import logging
import os
import stat
from contextlib import AbstractContextManager
from datetime import UTC, datetime, timedelta
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import (
    Encoding,
    NoEncryption,
    PrivateFormat,
    load_pem_private_key,
)

from contract.keys._files import ensure_dir, exclusive_lock, write_atomic
from contract.keys.ids import is_key_id, validate_network
from contract.keys.record import KeyRecord, KeyStatus, encode_public_key
from contract.keys.registry import KeyRegistry
from contract.signing import Signer
from hub.keys.paths import default_state_dir, keys_dir, private_dir, registry_path

__all__ = ["InsecureKeyFileError", "KeyStore", "NoSigningKeyError"]

logger = logging.getLogger(__name__)

MAX_VALID_DAYS = 3650
_MAX_PEM_BYTES = 4096


class NoSigningKeyError(LookupError):
    """No valid, non-revoked key with a private half here for that network and time."""


class InsecureKeyFileError(PermissionError):
    """A private key file is readable by others or does not match its registry entry."""


def _whole_seconds(at: datetime | None) -> datetime:
    """Now (or ``at``) in UTC, floored to the second.

    Event times are often written to the second; flooring ``not_before`` keeps an
    event stamped in the same second as a key's creation inside its validity.
    """
    if at is not None and at.tzinfo is None:
        raise ValueError("times must be timezone-aware")
    moment = datetime.now(UTC) if at is None else at.astimezone(UTC)
    return moment.replace(microsecond=0)


def _check_days(name: str, days: int, minimum: int) -> timedelta:
    if not minimum <= days <= MAX_VALID_DAYS:
        raise ValueError(f"{name} must be between {minimum} and {MAX_VALID_DAYS} days")
    return timedelta(days=days)


class KeyStore:
    """A state directory's keys: the registry plus the private keys held on this host."""

    def __init__(self, state_dir: Path | str | None = None) -> None:
        self._state_dir = Path(state_dir) if state_dir is not None else default_state_dir()

    @property
    def state_dir(self) -> Path:
        return self._state_dir

    @property
    def registry_path(self) -> Path:
        return registry_path(self._state_dir)

    def private_key_path(self, network: str, key_id: str) -> Path:
        validate_network(network)
        if not is_key_id(key_id):
            raise ValueError(f"not a key id: {key_id!r}")
        return private_dir(self._state_dir) / network / f"{key_id}.pem"

    def registry(self) -> KeyRegistry:
        """The registry as on disk now (empty if there is none yet)."""
        return KeyRegistry.load_or_empty(self.registry_path)

    def __repr__(self) -> str:
        return f"KeyStore(state_dir={str(self._state_dir)!r})"

    # -- changes -------------------------------------------------------------

    def create(
        self, network: str, valid_days: int = 365, *, now: datetime | None = None
    ) -> tuple[KeyRecord, Signer]:
        """Generate a key pair for ``network``, store the private half, register the public one."""
        validity = _check_days("valid_days", valid_days, 1)
        start = _whole_seconds(now)
        with self._locked():
            registry = self.registry()
            record, signer = self._new_key(registry, network, start, start + validity)
            registry.save(self.registry_path)
        logger.info("created key %s for network %s", record.key_id, network)
        return record, signer

    def rotate(
        self,
        network: str,
        overlap_days: int = 7,
        *,
        valid_days: int = 365,
        now: datetime | None = None,
    ) -> tuple[KeyRecord, Signer]:
        """New key from now; current keys stay valid ``overlap_days`` more, then expire.

        The overlap lets events signed just before the rotation (still in flight,
        or from adapters that have not picked up the new key) verify.
        """
        validity = _check_days("valid_days", valid_days, 1)
        overlap = _check_days("overlap_days", overlap_days, 0)
        if overlap >= validity:
            raise ValueError("overlap_days must be shorter than valid_days")
        start = _whole_seconds(now)
        cutoff = start + overlap
        with self._locked():
            registry = self.registry()
            current = [r for r in registry.records(network) if r.status(start) is KeyStatus.ACTIVE]
            if not current:
                raise NoSigningKeyError(f"network {network} has no active key to rotate")
            record, signer = self._new_key(registry, network, start, start + validity)
            for old in current:
                # a key created this very second cannot end at its own start
                registry.shorten(old.key_id, max(cutoff, old.not_before + timedelta(seconds=1)))
            registry.save(self.registry_path)
        logger.info(
            "rotated network %s to key %s; previous keys expire at %s",
            network,
            record.key_id,
            cutoff.isoformat(),
        )
        return record, signer

    def revoke(self, key_id: str, reason: str, at: datetime | None = None) -> KeyRecord:
        """Revoke a key from ``at`` (default now) and persist it."""
        when = datetime.now(UTC) if at is None else at
        if when.tzinfo is None:
            raise ValueError("times must be timezone-aware")
        with self._locked():
            registry = self.registry()
            record = registry.revoke(key_id, when, reason)
            registry.save(self.registry_path)
        logger.warning("revoked key %s of network %s", key_id, record.network)
        return record

    def _new_key(
        self, registry: KeyRegistry, network: str, not_before: datetime, not_after: datetime
    ) -> tuple[KeyRecord, Signer]:
        key = Ed25519PrivateKey.generate()
        record = registry.add(network, key.public_key(), not_before, not_after)
        pem = key.private_bytes(Encoding.PEM, PrivateFormat.PKCS8, NoEncryption())
        path = self.private_key_path(network, record.key_id)
        ensure_dir(private_dir(self._state_dir), 0o700, enforce=True)
        ensure_dir(path.parent, 0o700, enforce=True)
        write_atomic(path, pem, 0o600)
        return record, Signer(record.key_id, key)

    def _locked(self) -> AbstractContextManager[None]:
        ensure_dir(keys_dir(self._state_dir), 0o755)
        return exclusive_lock(keys_dir(self._state_dir) / ".lock")

    # -- signing -------------------------------------------------------------

    def signer_for(self, network: str, at: datetime | None = None) -> Signer:
        """The newest key active at ``at`` (default now) whose private half is on this host."""
        when = datetime.now(UTC) if at is None else at
        if when.tzinfo is None:
            raise ValueError("times must be timezone-aware")
        candidates = sorted(
            (r for r in self.registry().records(network) if r.status(when) is KeyStatus.ACTIVE),
            # after a rotation in the same second, the new key is the one that ends last
            key=lambda r: (r.not_before, r.not_after, r.key_id),
            reverse=True,
        )
        for record in candidates:
            path = self.private_key_path(network, record.key_id)
            try:
                key = self._load_private(path, record)
            except FileNotFoundError:
                logger.warning("no private key here for registered key %s", record.key_id)
                continue
            return Signer(record.key_id, key)
        raise NoSigningKeyError(f"no signing key for network {network} at {when.isoformat()}")

    @staticmethod
    def _load_private(path: Path, record: KeyRecord) -> Ed25519PrivateKey:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW)
        with os.fdopen(fd, "rb") as handle:
            info = os.fstat(handle.fileno())
            if not stat.S_ISREG(info.st_mode) or info.st_mode & 0o077:
                raise InsecureKeyFileError(f"{path} must be a regular file with mode 0600")
            pem = handle.read(_MAX_PEM_BYTES + 1)
        if len(pem) > _MAX_PEM_BYTES:
            raise InsecureKeyFileError(f"{path} is not a private key file")
        try:
            key = load_pem_private_key(pem, password=None)
        except (ValueError, TypeError):
            raise InsecureKeyFileError(f"{path} is not a readable private key") from None
        if not isinstance(key, Ed25519PrivateKey):
            raise InsecureKeyFileError(f"{path} is not an Ed25519 private key")
        if encode_public_key(key.public_key()) != record.public_key:
            raise InsecureKeyFileError(f"{path} does not match registry entry {record.key_id}")
        return key
