"""The public half: which key may sign for which network, when, and the verify check.

Time rules, chosen for evidence:

* **validity**: a key is accepted if it is within ``[not_before, not_after)``
  at the event's own ``time`` *or* at the moment of verification (``now``).
  The event time keeps a rotated-out key verifying the events it signed while
  it was current, even when they are replayed or audited later. The
  verification time is needed because ``time`` is when the *network* sent the
  message, not when the adapter signed it: a message sent yesterday (or a
  batch stamped at midnight) and translated today by a key created this
  morning is signed by a key that is valid now. The event time alone would
  refuse it; it adds nothing against forgery either, since ``time`` is chosen
  by whoever signs. Refused only when neither instant is inside the period:
  ``not_yet_valid`` if verification happens before ``not_before``, else
  ``expired_key``.
* **revocation** is judged at the moment of verification (``now``): once
  ``revoked_at`` has passed, everything signed by that key is refused, whatever
  time it claims — a stolen key can back-date events, so no claimed time can
  be trusted after a revocation. An event whose own time is at or after
  ``revoked_at`` is refused too (a revocation scheduled ahead of time).
  Events accepted before the revocation stay accepted: their provenance
  records the verification.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from contract.keys import fileformat
from contract.keys._files import ensure_dir, read_bounded, shared_lock, write_atomic
from contract.keys.ids import is_key_id, key_id_for, network_from_source, validate_network
from contract.keys.record import KeyRecord, encode_public_key
from contract.keys.signature import (
    RegistrySignature,
    RegistrySignatureError,
    sign_registry,
    signature_path,
    verify_registry,
)
from contract.signing import (
    MalformedEnvelopeError,
    VerificationError,
    decode_signature,
    signing_payload,
)

__all__ = ["KeyRegistry", "event_time", "lock_path"]

_MAX_SIGNATURE_FILE = 4096


def lock_path(registry_path: Path) -> Path:
    """The advisory lock writers hold while they replace the registry and its signature."""
    return registry_path.parent / ".lock"


_RFC3339 = re.compile(
    r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]{1,9})?(?:Z|[+-][0-9]{2}:[0-9]{2})"
)


def event_time(attributes: Mapping[str, str]) -> datetime:
    """The event's ``time`` attribute as an aware UTC datetime; malformed if not RFC 3339."""
    text = attributes.get("time")
    if not isinstance(text, str) or len(text) > 40 or not _RFC3339.fullmatch(text.upper()):
        raise VerificationError("malformed", "time is not an RFC 3339 timestamp")
    try:
        return datetime.fromisoformat(text.upper()).astimezone(UTC)
    except ValueError:
        raise VerificationError("malformed", "time is not a valid timestamp") from None


@dataclass(frozen=True, slots=True)
class _Entry:
    record: KeyRecord
    public_key: Ed25519PublicKey  # parsed once: verify must not re-decode keys


class KeyRegistry:
    """Public keys per network. Verification is read-only and safe from many threads."""

    def __init__(self, records: Iterable[KeyRecord] = ()) -> None:
        self._entries: dict[str, _Entry] = {}
        self._signature: RegistrySignature | None = None
        for record in records:
            if record.key_id in self._entries:
                raise ValueError(f"key id {record.key_id!r} appears twice")
            self._put(record)

    def _put(self, record: KeyRecord) -> None:
        self._entries[record.key_id] = _Entry(record, record.public_key_object())

    # -- persistence ---------------------------------------------------------

    @property
    def signature(self) -> RegistrySignature | None:
        """The operator signature this registry was loaded with or last saved under."""
        return self._signature

    @classmethod
    def load(
        cls, path: Path | str, operator_key: Ed25519PublicKey, *, lock: bool = True
    ) -> KeyRegistry:
        """Read a registry file signed by ``operator_key`` (the pinned key, never one inside).

        FileNotFoundError if the registry is absent; :class:`RegistrySignatureError` if it is
        unsigned or not signed by that key; ValueError if it is invalid. ``lock=False`` only
        for a caller that already holds the registry's exclusive lock.
        """
        path = Path(path)
        sig_path = signature_path(path)
        with shared_lock(lock_path(path)) if lock else contextlib.nullcontext():
            data = read_bounded(path, fileformat.MAX_REGISTRY_BYTES)
            try:
                signature_bytes = read_bounded(sig_path, _MAX_SIGNATURE_FILE)
            except FileNotFoundError:
                raise RegistrySignatureError(
                    "unsigned",
                    f"{path}: refused: not signed by the operator key ({sig_path} is missing)",
                ) from None
        try:
            signature = verify_registry(data, signature_bytes, operator_key)
        except RegistrySignatureError as error:
            raise RegistrySignatureError(error.reason, f"{path}: refused: {error}") from None
        try:
            registry = cls.from_json(data)
        except ValueError as error:
            raise ValueError(f"{path}: {error}") from None
        registry._signature = signature
        return registry

    @classmethod
    def load_or_empty(
        cls, path: Path | str, operator_key: Ed25519PublicKey, *, lock: bool = True
    ) -> KeyRegistry:
        try:
            return cls.load(path, operator_key, lock=lock)
        except FileNotFoundError:
            return cls()

    @classmethod
    def from_json(cls, data: bytes) -> KeyRegistry:
        """Parse a registry document without any signature (exports, tests, in-memory use)."""
        return cls(fileformat.decode(data))

    def to_json(self) -> bytes:
        return fileformat.encode(entry.record for entry in self._entries.values())

    def save(
        self,
        path: Path | str,
        operator: Ed25519PrivateKey,
        *,
        serial: int | None = None,
        now: datetime | None = None,
    ) -> RegistrySignature:
        """Write the registry (0644), then the operator's signature of its exact bytes.

        The revision ``serial`` defaults to the one loaded plus one. Readers take the
        shared lock, writers (:class:`hub.keys.KeyStore`) the exclusive one, so a reader
        never pairs a new registry with an old signature.
        """
        path = Path(path)
        data = self.to_json()
        if serial is None:
            serial = (self._signature.serial if self._signature is not None else 0) + 1
        signature_bytes, signature = sign_registry(data, operator, serial, now)
        ensure_dir(path.parent, 0o755)
        write_atomic(path, data, 0o644)
        write_atomic(signature_path(path), signature_bytes, 0o644)
        self._signature = signature
        return signature

    # -- changes -------------------------------------------------------------

    def add(
        self,
        network: str,
        public_key: Ed25519PublicKey,
        not_before: datetime,
        not_after: datetime,
    ) -> KeyRecord:
        """Register a network's public key for ``[not_before, not_after)``."""
        validate_network(network)
        key_id = key_id_for(network, public_key, not_before)
        encoded = encode_public_key(public_key)
        for entry in self._entries.values():
            if entry.record.public_key == encoded:
                raise ValueError(f"this public key is already registered as {entry.record.key_id}")
        record = KeyRecord(
            key_id=key_id,
            network=network,
            public_key=encoded,
            not_before=not_before,
            not_after=not_after,
        )
        self._put(record)
        return record

    def revoke(self, key_id: str, at: datetime, reason: str) -> KeyRecord:
        """Refuse the key for every verification from ``at`` on (see the module doc)."""
        record = self.get(key_id)
        if record.revoked_at is not None:
            since = record.revoked_at.isoformat()
            raise ValueError(f"key {key_id} is already revoked since {since}")
        if not reason.strip():
            raise ValueError("a revocation needs a reason")
        updated = KeyRecord.model_validate(
            {**record.model_dump(), "revoked_at": at, "revocation_reason": reason.strip()}
        )
        self._put(updated)
        return updated

    def shorten(self, key_id: str, not_after: datetime) -> KeyRecord:
        """End a key's validity earlier (rotation); validity can never be extended."""
        record = self.get(key_id)
        if not_after >= record.not_after:
            return record
        updated = KeyRecord.model_validate({**record.model_dump(), "not_after": not_after})
        self._put(updated)
        return updated

    # -- queries -------------------------------------------------------------

    def get(self, key_id: str) -> KeyRecord:
        try:
            return self._entries[key_id].record
        except KeyError:
            raise KeyError(f"no key {key_id!r} in the registry") from None

    def records(self, network: str | None = None) -> list[KeyRecord]:
        """Keys sorted by network, then age; only ``network``'s if given."""
        chosen = (e.record for e in self._entries.values())
        if network is not None:
            chosen = (r for r in chosen if r.network == network)
        return sorted(chosen, key=lambda r: (r.network, r.not_before, r.key_id))

    def __contains__(self, key_id: object) -> bool:
        return key_id in self._entries

    def __iter__(self) -> Iterator[KeyRecord]:
        return iter(self.records())

    def __len__(self) -> int:
        return len(self._entries)

    def __repr__(self) -> str:
        return f"KeyRegistry({len(self._entries)} keys)"

    # -- verification --------------------------------------------------------

    def verify(
        self,
        network: str,
        key_id: str,
        attributes: Mapping[str, str],
        data: bytes,
        signature: str,
        at: datetime | None = None,
        *,
        now: datetime | None = None,
    ) -> None:
        """Accept the event or raise :class:`VerificationError` with its reason.

        ``network`` is the slug the caller expects (from ``source``); ``at`` is
        the event time, parsed from ``attributes["time"]`` when omitted;
        ``now`` is the verification time (default: the clock); an auditor
        re-checking an old event passes the time it was first verified.
        """
        raw_signature = decode_signature(signature)
        if not is_key_id(key_id):
            raise VerificationError("malformed", "keyid is not a key id")
        try:
            payload = signing_payload(attributes, data)
        except MalformedEnvelopeError as error:
            raise VerificationError("malformed", str(error)) from None
        if at is None:
            when = event_time(attributes)
        elif at.tzinfo is None:
            raise ValueError("at must be timezone-aware")
        else:
            when = at
        entry = self._entries.get(key_id)
        if entry is None:
            raise VerificationError("unknown_key", f"no key {key_id}")
        record = entry.record
        if record.network != network or network_from_source(attributes["source"]) != network:
            raise VerificationError("wrong_network", f"key {key_id} does not sign for this source")
        checked_at = datetime.now(UTC) if now is None else now
        if record.revoked_at is not None and (
            checked_at >= record.revoked_at or when >= record.revoked_at
        ):
            raise VerificationError("revoked_key", f"key {key_id} is revoked")
        if not (
            record.not_before <= when < record.not_after
            or record.not_before <= checked_at < record.not_after
        ):
            if checked_at < record.not_before:
                raise VerificationError("not_yet_valid", f"key {key_id} is not valid yet")
            raise VerificationError("expired_key", f"key {key_id} is not valid at event time")
        try:
            entry.public_key.verify(raw_signature, payload)
        except InvalidSignature:
            raise VerificationError("bad_signature", f"not signed by key {key_id}") from None

    def verify_detached(
        self,
        principal: str,
        key_id: str,
        message: bytes,
        signature: str,
        *,
        now: datetime | None = None,
    ) -> None:
        """Accept a signature over ``message`` by a key of ``principal`` (a hub service, e.g.
        the router) that is active now, or raise :class:`VerificationError`. ``message``
        carries its own domain-separation prefix (:mod:`contract.seal`)."""
        raw_signature = decode_signature(signature)
        if not is_key_id(key_id):
            raise VerificationError("malformed", "keyid is not a key id")
        entry = self._entries.get(key_id)
        if entry is None:
            raise VerificationError("unknown_key", f"no key {key_id}")
        record = entry.record
        if record.network != principal:
            raise VerificationError("wrong_network", f"key {key_id} is not a {principal} key")
        checked_at = datetime.now(UTC) if now is None else now
        if record.revoked_at is not None and checked_at >= record.revoked_at:
            raise VerificationError("revoked_key", f"key {key_id} is revoked")
        if checked_at < record.not_before:
            raise VerificationError("not_yet_valid", f"key {key_id} is not valid yet")
        if checked_at >= record.not_after:
            raise VerificationError("expired_key", f"key {key_id} has expired")
        try:
            entry.public_key.verify(raw_signature, message)
        except InvalidSignature:
            raise VerificationError("bad_signature", f"not signed by key {key_id}") from None
