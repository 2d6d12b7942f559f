"""``index.json``: every certificate ever issued, with its revocation time.

Format: ``{"version": 1, "certificates": [{"principal", "kind", "serial" (hex),
"not_before", "not_after", "fingerprint", "revoked_at"}, ...]}`` in issue order, times in
RFC 3339 UTC. Only public facts.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Final

from contract.keys._files import read_bounded, write_atomic
from hub.pki.names import check_kind, check_principal
from hub.pki.problems import CertificateProblem
from hub.pki.records import ClientFiles, Issued

__all__ = ["read_index", "write_index"]

_VERSION: Final = 1
_MAX_BYTES: Final = 64 * 1024 * 1024


def _time(value: datetime) -> str:
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z")


def _parse_time(value: Any) -> datetime:
    if not isinstance(value, str):
        raise ValueError("time is not a string")
    parsed = datetime.fromisoformat(value)
    if parsed.tzinfo is None:
        raise ValueError("time has no zone")
    return parsed.astimezone(UTC)


def _entry(item: Any, files: Callable[[str], ClientFiles]) -> Issued:
    if not isinstance(item, dict):
        raise ValueError("entry is not an object")
    principal = check_principal(str(item["principal"]))
    serial = item["serial"]
    fingerprint = item["fingerprint"]
    if not isinstance(serial, str) or not isinstance(fingerprint, str):
        raise ValueError("serial and fingerprint must be strings")
    revoked_at = None if item["revoked_at"] is None else _parse_time(item["revoked_at"])
    return Issued(
        principal=principal,
        kind=check_kind(str(item["kind"])),
        serial=int(serial, 16),
        not_before=_parse_time(item["not_before"]),
        not_after=_parse_time(item["not_after"]),
        fingerprint=fingerprint,
        revoked=revoked_at is not None,
        revoked_at=revoked_at,
        files=files(principal),
    )


def read_index(path: Path, files: Callable[[str], ClientFiles]) -> list[Issued]:
    """The entries in issue order; none if there is no file; CertificateProblem if corrupt."""
    try:
        data = read_bounded(path, _MAX_BYTES)
    except FileNotFoundError:
        return []
    except (OSError, ValueError) as error:
        raise CertificateProblem(f"{path}: cannot read the index ({error})") from None
    try:
        document = json.loads(data)
        if not isinstance(document, dict) or document.get("version") != _VERSION:
            raise ValueError(f"not a version {_VERSION} index")
        items = document["certificates"]
        if not isinstance(items, list):
            raise ValueError("certificates is not a list")
        return [_entry(item, files) for item in items]
    except KeyError as error:
        raise CertificateProblem(f"{path}: corrupt index (an entry has no {error})") from None
    except (ValueError, TypeError) as error:
        raise CertificateProblem(f"{path}: corrupt index ({error})") from None


def write_index(path: Path, entries: Sequence[Issued]) -> None:
    """Replace the index atomically."""
    document = {
        "version": _VERSION,
        "certificates": [
            {
                "principal": entry.principal,
                "kind": entry.kind,
                "serial": f"{entry.serial:x}",
                "not_before": _time(entry.not_before),
                "not_after": _time(entry.not_after),
                "fingerprint": entry.fingerprint,
                "revoked_at": None if entry.revoked_at is None else _time(entry.revoked_at),
            }
            for entry in entries
        ],
    }
    write_atomic(path, json.dumps(document, indent=2).encode() + b"\n", 0o644)
