"""Private keys on disk, and the operations that create, rotate and revoke them.

Layout under the state directory (``$HUB_STATE_DIR``, default ``./var``)::

    keys/registry.json                      public registry (0644)
    keys/registry.json.sig                  the operator's signature of it (0644)
    keys/operator.pub                       the pinned operator public key (0644)
    keys/operator/operator-key.pem          operator private key (encrypted, 0600, folder 0700)
    keys/private/<network>/<key_id>.pem     encrypted PKCS#8 private key (0600, folders 0700)
    keys/passphrase                         default key passphrase (0600; see hub.keys.passphrase)

Every change reads the registry (checked against the pinned operator key, so a key
slipped into the file is never signed over), changes it and writes it back signed, under
an exclusive lock. Reading keys to sign with writes nothing. Files are written atomically
with their final permissions. A key file that group or others can read, that is not
encrypted, or that does not match its registry entry, is refused rather than used.
Private key bytes and the passphrase never reach logs, reprs or exception messages.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from contextlib import AbstractContextManager
from datetime import UTC, datetime, timedelta
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from contract.keys._files import ensure_dir, exclusive_lock, read_bounded
from contract.keys.fileformat import MAX_REGISTRY_BYTES, decode
from contract.keys.ids import is_key_id, validate_network
from contract.keys.record import KeyRecord, KeyStatus, encode_public_key
from contract.keys.registry import KeyRegistry, lock_path
from contract.keys.signature import (
    RegistrySignature,
    load_operator_public_key,
    parse_serial,
    signature_path,
)
from contract.signing import Signer
from hub.keys.operator import OperatorKey, load_operator
from hub.keys.passphrase import Passphrase, resolve_passphrase
from hub.keys.paths import (
    default_state_dir,
    keys_dir,
    operator_pin_path,
    operator_private_path,
    private_dir,
    registry_path,
)
from hub.keys.private import (
    InsecureKeyFileError,
    is_encrypted,
    read_private_key,
    write_private_key,
)

__all__ = ["InsecureKeyFileError", "KeyStore", "NoSigningKeyError"]

logger = logging.getLogger(__name__)

MAX_VALID_DAYS = 3650


class NoSigningKeyError(LookupError):
    """No valid, non-revoked key with a private half here for that network and time."""


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
        self._pinned: Ed25519PublicKey | None = None

    @property
    def state_dir(self) -> Path:
        return self._state_dir

    @property
    def registry_path(self) -> Path:
        return registry_path(self._state_dir)

    @property
    def operator_pin_path(self) -> Path:
        return operator_pin_path(self.registry_path)

    @property
    def operator_private_path(self) -> Path:
        return operator_private_path(self._state_dir)

    def private_key_path(self, network: str, key_id: str) -> Path:
        validate_network(network)
        if not is_key_id(key_id):
            raise ValueError(f"not a key id: {key_id!r}")
        return private_dir(self._state_dir) / network / f"{key_id}.pem"

    def operator_public_key(self) -> Ed25519PublicKey:
        """The pinned operator key, read once: a service keeps the pin it started with."""
        if self._pinned is None:
            self._pinned = load_operator_public_key(self.operator_pin_path)
        return self._pinned

    def registry(self) -> KeyRegistry:
        """The registry as on disk now, checked against the pinned operator key (empty if
        there is none yet). Reads only: never writes a file."""
        return self._read_registry(lock=True)

    def _read_registry(self, *, lock: bool) -> KeyRegistry:
        if not self.registry_path.exists():
            return KeyRegistry()
        return KeyRegistry.load_or_empty(self.registry_path, self.operator_public_key(), lock=lock)

    def passphrase(self, *, create: bool = False) -> Passphrase:
        return resolve_passphrase(self._state_dir, create=create)

    def __repr__(self) -> str:
        return f"KeyStore(state_dir={str(self._state_dir)!r})"

    # -- the operator key ------------------------------------------------------

    def init_operator(self) -> OperatorKey:
        """Make the operator key and its pin if there are none (idempotent)."""
        with self._locked():
            return self._operator(create=True)

    def sign_registry(self, *, now: datetime | None = None) -> tuple[int, RegistrySignature]:
        """Sign the registry file as it is now, as a new revision; (key count, signature).

        For a registry that has no valid signature: one written before signing existed,
        or one restored from a backup. It trusts the file's content, so review it first.
        """
        with self._locked():
            operator = self._operator()
            data = read_bounded(self.registry_path, MAX_REGISTRY_BYTES)
            registry = KeyRegistry(decode(data))
            previous = self._claimed_serial()
            signature = registry.save(
                self.registry_path, operator.private_key, serial=previous + 1, now=now
            )
        logger.warning(
            "signed key registry %s (%d keys) as revision %d with operator key %s",
            self.registry_path,
            len(registry),
            signature.serial,
            operator.fingerprint,
        )
        return len(registry), signature

    def _claimed_serial(self) -> int:
        try:
            data = read_bounded(signature_path(self.registry_path), 4096)
        except (FileNotFoundError, ValueError):
            return 0
        return parse_serial(data) or 0

    def _operator(self, *, create: bool | None = None) -> OperatorKey:
        """The operator key; made on first use, i.e. with the registry (or when asked)."""
        operator = load_operator(
            self.operator_private_path,
            self.operator_pin_path,
            # the default passphrase is made with the first secret, never beside existing ones
            self.passphrase(create=not self.operator_private_path.exists()),
            create=not self.registry_path.exists() if create is None else create,
        )
        self._pinned = None  # a new pin is read again
        return operator

    # -- changes -------------------------------------------------------------

    def create(
        self, network: str, valid_days: int = 365, *, now: datetime | None = None
    ) -> tuple[KeyRecord, Signer]:
        """Generate a key pair for ``network``, store the private half, register the public one."""
        validity = _check_days("valid_days", valid_days, 1)
        start = _whole_seconds(now)
        with self._locked():
            registry = self._read_registry(lock=False)
            operator = self._operator()
            record, signer = self._new_key(registry, network, start, start + validity)
            registry.save(self.registry_path, operator.private_key)
        logger.info("created key %s for network %s", record.key_id, network)
        return record, signer

    def ensure(self, names: Iterable[str]) -> list[str]:
        """A first key for each of ``names`` (networks, or a hub service such as the router)
        that has none registered; returns the names keyed now."""
        made = []
        for name in names:
            if not self.registry().records(name):
                self.create(name)
                made.append(name)
        return made

    def signers(self, name: str, at: datetime | None = None) -> list[Signer]:
        """Every key of ``name`` whose private half is on this host and that is not revoked,
        newest first (the first is :meth:`signer_for`'s when it is active): what checks the
        MACs made under a rotated key."""
        when = datetime.now(UTC) if at is None else at
        out = []
        records = sorted(
            (r for r in self.registry().records(name) if r.status(when) is not KeyStatus.REVOKED),
            key=lambda r: (r.not_before, r.not_after, r.key_id),
            reverse=True,
        )
        for record in records:
            try:
                key = self._load_private(self.private_key_path(name, record.key_id), record)
            except FileNotFoundError:
                continue
            out.append(Signer(record.key_id, key))
        return out

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
            registry = self._read_registry(lock=False)
            current = [r for r in registry.records(network) if r.status(start) is KeyStatus.ACTIVE]
            if not current:
                raise NoSigningKeyError(f"network {network} has no active key to rotate")
            operator = self._operator()
            record, signer = self._new_key(registry, network, start, start + validity)
            for old in current:
                # a key created this very second cannot end at its own start
                registry.shorten(old.key_id, max(cutoff, old.not_before + timedelta(seconds=1)))
            registry.save(self.registry_path, operator.private_key)
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
            registry = self._read_registry(lock=False)
            record = registry.revoke(key_id, when, reason)
            registry.save(self.registry_path, self._operator().private_key)
        logger.warning("revoked key %s of network %s", key_id, record.network)
        return record

    def encrypt_legacy_keys(self) -> list[Path]:
        """Encrypt, in place, private key files written before keys were encrypted."""
        done = []
        with self._locked():
            passphrase = self.passphrase(create=True)
            folders = [private_dir(self._state_dir), self.operator_private_path.parent]
            for path in sorted(p for d in folders if d.is_dir() for p in d.rglob("*.pem")):
                if is_encrypted(path):
                    continue
                key = read_private_key(path, lambda: passphrase, allow_plain=True)
                write_private_key(path, key, passphrase)
                done.append(path)
                logger.warning("encrypted private key file %s", path)
        return done

    def _new_key(
        self, registry: KeyRegistry, network: str, not_before: datetime, not_after: datetime
    ) -> tuple[KeyRecord, Signer]:
        key = Ed25519PrivateKey.generate()
        record = registry.add(network, key.public_key(), not_before, not_after)
        path = self.private_key_path(network, record.key_id)
        ensure_dir(private_dir(self._state_dir), 0o700, enforce=True)
        write_private_key(path, key, self.passphrase())
        return record, Signer(record.key_id, key)

    def _locked(self) -> AbstractContextManager[None]:
        ensure_dir(keys_dir(self._state_dir), 0o755)
        return exclusive_lock(lock_path(self.registry_path))

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

    def _load_private(self, path: Path, record: KeyRecord) -> Ed25519PrivateKey:
        key = read_private_key(path, self.passphrase)
        if encode_public_key(key.public_key()) != record.public_key:
            raise InsecureKeyFileError(f"{path} does not match registry entry {record.key_id}")
        return key
