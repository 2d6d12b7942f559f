"""Check an evidence package offline: ``python -m contract.evidence PACKAGE.zip``.

An evidence package (written by ``hub evidence export``) holds one case as the hub
received and delivered it: the canonical events with their origin signatures, the native
originals where they are still retained, the public keys with their validity periods, the
custody entries the router wrote, their inclusion proofs against a signed tree head, and
consistency proofs from each such head up to the newest. This module checks every link
and prints each check with its result; exit status 0 when all hold, 1 naming the first
broken link, 2 when the file cannot be read as a package at all.

It needs no broker, no hub state and nothing but Python's standard library and the
``cryptography`` package: besides this file it imports only ``contract/signing.py``,
``contract/merkle.py``, ``contract/custody.py`` and ``contract/topology.py`` (see
``docs/evidence.md``, which also describes every check).

What the checks establish, link by link:

1. **Keys.** Each public key's id is the one derived from the key (``<principal>-<date
   it becomes valid>-<first 8 hex of SHA-256 of the raw key>``).
2. **Tree heads.** Each head is signed by a router key (principal ``cca-router``) that was
   valid, and not revoked, at the head's time; it names its log.
3. **Consistency.** Each older head of a log is a prefix of the newest one (RFC 9162
   §2.1.4 proof).
4. **Events.** Each canonical event's origin signature holds under its network's key,
   valid at the event's time or when the router verified it; its data's SHA-256 is the one
   the custody entry recorded.
5. **Natives.** The native original's SHA-256 (or that of the record of it the adapter
   translated) is the digest in the event's provenance and in its custody entry.
6. **Custody.** The entry names this event (id, case, network, type, signature, key) and
   is at its index in the log of the signed head (RFC 9162 §2.1.3 inclusion proof).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import io
import json
import re
import sys
import zipfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Final

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from contract.custody import TreeHead, decode_head
from contract.merkle import ProofError, leaf_hash, verify_consistency, verify_inclusion
from contract.signing import (
    KEYID_ATTRIBUTE,
    SIGNATURE_ATTRIBUTE,
    VerificationError,
    decode_signature,
    signing_payload,
)
from contract.topology import ROUTER_PRINCIPAL, network_of

__all__ = [
    "FORMAT",
    "MANIFEST",
    "Check",
    "PackageError",
    "Report",
    "main",
    "read_package",
    "verify",
]

FORMAT: Final = "cca-hub-evidence/v1"
MANIFEST: Final = "manifest.json"
README: Final = "README.txt"
KEYS: Final = "keys.json"

#: bounds on what a package may hold (a package is untrusted input too)
MAX_MEMBERS: Final = 200_000
MAX_MEMBER_BYTES: Final = 64 * 1024 * 1024
MAX_TOTAL_BYTES: Final = 1024 * 1024 * 1024
_MEMBER_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._/-]{0,254}")
_KEY_ID = re.compile(r"(?P<principal>[a-z][a-z0-9.-]*)-(?P<day>[0-9]{8})-(?P<fp>[0-9a-f]{8})")


class PackageError(ValueError):
    """The file is not an evidence package that can be read at all."""


@dataclass(frozen=True, slots=True)
class Check:
    ok: bool
    what: str


@dataclass
class Report:
    """Every check made, in order; the first that failed is the broken link."""

    checks: list[Check] = field(default_factory=list)

    def passed(self, what: str) -> None:
        self.checks.append(Check(True, what))

    def failed(self, what: str) -> None:
        self.checks.append(Check(False, what))

    def check(self, ok: bool, what: str, why: str = "") -> bool:
        self.checks.append(Check(ok, what if ok or not why else f"{what}: {why}"))
        return ok

    @property
    def broken(self) -> Check | None:
        return next((c for c in self.checks if not c.ok), None)


# -- reading ------------------------------------------------------------------------------


def read_package(path: Path) -> dict[str, bytes]:
    """Every member of the package by name, within the bounds above; :class:`PackageError`
    when it is not a zip file, or a member's name or size is out of bounds."""
    try:
        data = path.read_bytes()
    except OSError as error:
        raise PackageError(f"{path}: {error.strerror}") from None
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise PackageError(f"{path}: not a zip file") from None
    members = archive.infolist()
    if len(members) > MAX_MEMBERS:
        raise PackageError(f"{path}: {len(members)} members, over {MAX_MEMBERS}")
    out: dict[str, bytes] = {}
    total = 0
    for info in members:
        name = info.filename
        if info.is_dir():
            continue
        if not _MEMBER_NAME.fullmatch(name) or ".." in name.split("/"):
            raise PackageError(f"{path}: a member named {name!r}")
        if name in out:
            raise PackageError(f"{path}: {name} is in the package twice")
        if info.file_size > MAX_MEMBER_BYTES or total + info.file_size > MAX_TOTAL_BYTES:
            raise PackageError(f"{path}: {name} is too large")
        with archive.open(info) as member:
            body = member.read(MAX_MEMBER_BYTES + 1)
        if len(body) != info.file_size:
            raise PackageError(f"{path}: {name} is not the size its entry says")
        total += len(body)
        out[name] = body
    return out


def _json(files: Mapping[str, bytes], name: str) -> Any:
    raw = files.get(name)
    if raw is None:
        raise KeyError(name)
    return json.loads(raw)


def _when(text: object) -> datetime:
    if not isinstance(text, str):
        raise ValueError(f"not a time: {text!r}")
    value = datetime.fromisoformat(text.replace("Z", "+00:00"))
    if value.tzinfo is None:
        raise ValueError(f"a time without its zone: {text!r}")
    return value.astimezone(UTC)


def _hashes(values: object) -> list[bytes]:
    if not isinstance(values, list):
        raise ValueError("a proof is a list of hex hashes")
    out = [bytes.fromhex(str(v)) for v in values]
    if any(len(v) != 32 for v in out):
        raise ValueError("a proof hash is not 32 bytes")
    return out


# -- keys ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Key:
    key_id: str
    principal: str
    public: Ed25519PublicKey
    not_before: datetime
    not_after: datetime
    revoked_at: datetime | None

    def problem_at(self, when: datetime) -> str | None:
        """Why the key could not sign at ``when``; None when it could."""
        if self.revoked_at is not None and when >= self.revoked_at:
            return f"key {self.key_id} was revoked at {self.revoked_at:%Y-%m-%dT%H:%M:%SZ}"
        if when < self.not_before:
            return f"key {self.key_id} was not valid yet (from {self.not_before:%Y-%m-%d})"
        if when >= self.not_after:
            return f"key {self.key_id} had expired (until {self.not_after:%Y-%m-%dT%H:%M:%SZ})"
        return None

    def verify(self, signature: str, message: bytes) -> str | None:
        try:
            self.public.verify(decode_signature(signature), message)
        except (InvalidSignature, VerificationError):
            return f"not signed by key {self.key_id}"
        return None


def _key(doc: Mapping[str, Any]) -> Key:
    key_id, principal = str(doc["key_id"]), str(doc["network"])
    text = str(doc["public_key"])
    try:
        raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (binascii.Error, ValueError):
        raise ValueError(f"key {key_id}: public_key is not base64url") from None
    if len(raw) != 32:
        raise ValueError(f"key {key_id}: public_key is not 32 bytes")
    not_before = _when(doc["not_before"])
    revoked = doc.get("revoked_at")
    found = _KEY_ID.fullmatch(key_id)
    expected = f"{principal}-{not_before:%Y%m%d}-{hashlib.sha256(raw).hexdigest()[:8]}"
    if found is None or key_id != expected:
        raise ValueError(f"key {key_id}: the id does not match the key (it would be {expected})")
    return Key(
        key_id,
        principal,
        Ed25519PublicKey.from_public_bytes(raw),
        not_before,
        _when(doc["not_after"]),
        _when(revoked) if revoked is not None else None,
    )


def _keys(files: Mapping[str, bytes], report: Report) -> dict[str, Key]:
    keys: dict[str, Key] = {}
    docs = _json(files, KEYS).get("keys", [])
    for doc in docs:
        try:
            key = _key(doc)
        except (KeyError, TypeError, ValueError) as error:
            report.failed(f"key {doc.get('key_id') if isinstance(doc, dict) else doc}: {error}")
            continue
        keys[key.key_id] = key
        report.passed(
            f"key {key.key_id} ({key.principal}): the id matches the key; valid "
            f"{key.not_before:%Y-%m-%dT%H:%M:%SZ} to {key.not_after:%Y-%m-%dT%H:%M:%SZ}"
            + (f", revoked {key.revoked_at:%Y-%m-%dT%H:%M:%SZ}" if key.revoked_at else "")
        )
    return keys


# -- heads and logs -----------------------------------------------------------------------


def _heads(
    files: Mapping[str, bytes],
    logs: Sequence[Mapping[str, Any]],
    keys: Mapping[str, Key],
    report: Report,
) -> dict[tuple[str, int], TreeHead]:
    """Every signed head the package names, checked; by (log, size)."""
    heads: dict[tuple[str, int], TreeHead] = {}
    for log in logs:
        name = str(log["log"])
        for ref in log["heads"]:
            path = str(ref["path"])
            what = f"tree head {path}"
            raw = files.get(path)
            if raw is None:
                report.failed(f"{what}: missing from the package")
                continue
            try:
                head = decode_head(raw)
                at = head.time()
            except (KeyError, TypeError, ValueError) as error:
                report.failed(f"{what}: unreadable ({error})")
                continue
            if not report.check(head.log == name, what, f"names log {head.log}, not {name}"):
                continue
            key = keys.get(head.key_id)
            problem = (
                f"signed with key {head.key_id}, which the package does not hold"
                if key is None
                else f"signed with {key.principal} key {key.key_id}, not a router key"
                if key.principal != ROUTER_PRINCIPAL
                else key.problem_at(at) or key.verify(head.signature, head.payload())
            )
            if report.check(
                problem is None,
                f"{what}: {head.log} size {head.size} at {head.at}, signed by router key "
                f"{head.key_id}, valid then",
                problem or "",
            ):
                heads[(head.log, head.size)] = head
    return heads


def _consistency(
    logs: Sequence[Mapping[str, Any]], heads: Mapping[tuple[str, int], TreeHead], report: Report
) -> None:
    for log in logs:
        name = str(log["log"])
        for step in log.get("consistency", []):
            old, new = int(step["from"]), int(step["to"])
            what = f"{name}: the head of size {old} is a prefix of the head of size {new}"
            first, last = heads.get((name, old)), heads.get((name, new))
            if first is None or last is None:
                report.failed(f"{what}: a head it needs did not check")
                continue
            try:
                verify_consistency(old, new, first.root, last.root, _hashes(step["proof"]))
            except (ProofError, ValueError) as error:
                report.failed(f"{what}: {error}")
            else:
                report.passed(f"{what} (RFC 9162 consistency proof)")


# -- events -------------------------------------------------------------------------------


def _event(
    files: Mapping[str, bytes],
    item: Mapping[str, Any],
    keys: Mapping[str, Key],
    heads: Mapping[tuple[str, int], TreeHead],
    report: Report,
) -> None:
    event_id = str(item["id"])
    label = f"event {event_id}"
    attributes = _json(files, str(item["attributes"]))
    data = files.get(str(item["data"]))
    entry_ref = item["entry"]
    entry_path = str(entry_ref["path"])
    entry_raw = files.get(entry_path)
    if not report.check(data is not None, f"{label}: its data is in the package", "missing"):
        return
    assert data is not None
    if not report.check(
        entry_raw is not None,
        f"{label}: its custody entry {entry_path} is in the package",
        "missing",
    ):
        return
    assert entry_raw is not None
    entry = json.loads(entry_raw)
    if not isinstance(attributes, dict) or not isinstance(entry, dict):
        report.failed(f"{label}: its attributes and its custody entry are JSON objects")
        return
    report.check(
        attributes.get("id") == event_id,
        f"{label}: the attributes are this event's",
        f"they are those of {attributes.get('id')}",
    )

    # 4. the origin signature
    key_id = str(attributes.get(KEYID_ATTRIBUTE, ""))
    network = network_of(str(attributes.get("source", "")))
    key = keys.get(key_id)
    problem: str | None
    if key is None:
        problem = f"key {key_id} is not in the package"
    elif key.principal != network:
        problem = f"key {key_id} is a {key.principal} key, the event comes from {network}"
    else:
        try:
            signed_at = _when(attributes.get("time"))
            verified_at = _when(entry.get("routed_at"))
        except ValueError as error:
            problem = str(error)
        else:
            at_event, at_routing = key.problem_at(signed_at), key.problem_at(verified_at)
            problem = (
                f"{at_event} at the event's time, and {at_routing} when the router verified it"
                if at_event and at_routing
                else None
            )
        if problem is None:
            try:
                payload = signing_payload(attributes, data)
            except ValueError as error:
                problem = str(error)
            else:
                problem = key.verify(str(attributes.get(SIGNATURE_ATTRIBUTE, "")), payload)
    report.check(
        problem is None,
        f"{label}: signed by {network} with key {key_id}, valid at the event's time or "
        "when the router verified it",
        problem or "",
    )
    canonical = hashlib.sha256(data).hexdigest()
    report.check(
        canonical == entry.get("canonical_sha256"),
        f"{label}: the canonical event's SHA-256 {canonical[:16]}… is the one in custody",
        f"custody recorded {str(entry.get('canonical_sha256'))[:16]}…",
    )

    # 5. the native original
    try:
        provenance = json.loads(data).get("provenance") or {}
    except (ValueError, AttributeError):
        provenance = {}
    native_sha = provenance.get("sha256") if isinstance(provenance, dict) else None
    report.check(
        native_sha is not None and native_sha == entry.get("native_sha256"),
        f"{label}: the native digest in its provenance is the one in custody",
        f"provenance says {native_sha}, custody {entry.get('native_sha256')}",
    )
    native_path, record_path = item.get("native"), item.get("record")
    if native_path is None:
        report.passed(f"{label}: native original not retained ({item.get('native_note', '')})")
    else:
        native = files.get(str(native_path))
        record = files.get(str(record_path)) if record_path is not None else native
        if native is None or record is None:
            report.failed(f"{label}: its native original is missing from the package")
        else:
            digest = hashlib.sha256(record).hexdigest()
            where = "native original" if record_path is None else "record of the native original"
            report.check(
                digest == native_sha,
                f"{label}: the {where}'s SHA-256 {digest[:16]}… is the provenance digest",
                f"provenance says {str(native_sha)[:16]}…",
            )

    # 6. the custody entry, and its place in the log
    for name, expected in (
        ("event_id", event_id),
        ("case_id", attributes.get("caseid")),
        ("type", attributes.get("type")),
        ("network", network),
        ("signature", attributes.get(SIGNATURE_ATTRIBUTE)),
        ("key_id", key_id),
    ):
        if entry.get(name) != expected:
            report.failed(
                f"{label}: custody entry {entry_path} has {name} {entry.get(name)!r}, "
                f"the event {expected!r}"
            )
            return
    report.passed(
        f"{label}: custody entry {entry_path} names it (delivered to "
        f"{', '.join(entry.get('desks') or []) or 'no desk'}"
        + (f"; withheld from {', '.join(entry['withheld'])}" if entry.get("withheld") else "")
        + ")"
    )
    log, index, size = str(entry_ref["log"]), int(entry_ref["index"]), int(item["head"])
    head = heads.get((log, size))
    what = f"{label}: custody entry {index} is in {log} under the signed head of size {size}"
    if head is None:
        report.failed(f"{what}: that head did not check")
        return
    try:
        verify_inclusion(index, size, leaf_hash(entry_raw), _hashes(item["inclusion"]), head.root)
    except (ProofError, ValueError) as error:
        report.failed(f"{what}: {error}")
    else:
        report.passed(f"{what} (RFC 9162 inclusion proof)")


# -- the package --------------------------------------------------------------------------


def verify(files: Mapping[str, bytes]) -> Report:
    """Check every link of the package's members; the report says what held."""
    report = Report()
    try:
        manifest = _json(files, MANIFEST)
    except (KeyError, ValueError):
        report.failed(f"{MANIFEST}: missing or not JSON")
        return report
    if not report.check(
        isinstance(manifest, dict) and manifest.get("format") == FORMAT,
        f"{MANIFEST}: format {FORMAT}",
        f"format {manifest.get('format') if isinstance(manifest, dict) else None!r}",
    ):
        return report
    try:
        keys = _keys(files, report)
        logs = manifest["logs"]
        heads = _heads(files, logs, keys, report)
        _consistency(logs, heads, report)
        events = list(manifest["events"])
        named = {str(e["entry"]["path"]) for e in events}
    except (KeyError, TypeError, ValueError, AttributeError) as error:
        report.failed(f"the package's manifest or keys are malformed ({error!r})")
        return report
    for item in events:
        try:
            _event(files, item, keys, heads, report)
        except (KeyError, TypeError, ValueError, AttributeError) as error:
            report.failed(f"an event's files are malformed ({error!r})")
    extra = sorted(n for n in files if n.startswith("custody/") and n not in named)
    report.check(
        not extra,
        "every custody entry in the package belongs to one of its events",
        f"{', '.join(extra)} belong to none",
    )
    report.check(bool(events), "the package holds at least one event", "it holds none")
    return report


def main(argv: Sequence[str] | None = None, out: Any = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    out = out or sys.stdout
    if len(args) != 1 or args[0].startswith("-"):
        print("usage: python -m contract.evidence PACKAGE.zip", file=sys.stderr)
        return 2
    try:
        files = read_package(Path(args[0]))
    except PackageError as error:
        print(f"cannot read the package: {error}", file=sys.stderr)
        return 2
    report = verify(files)
    for check in report.checks:
        print(f"{'ok    ' if check.ok else 'FAILED'} {check.what}", file=out)
    broken = report.broken
    if broken is not None:
        print(f"\nBROKEN: {broken.what}", file=out)
        return 1
    print(f"\nALL {len(report.checks)} CHECKS HOLD", file=out)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
