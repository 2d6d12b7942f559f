"""Names the key registry relies on: network slugs, key ids, event sources.

A key id is ``<network>-<yyyymmdd>-<8 hex>``: the network, the UTC date the key
becomes valid and the first 8 hex digits of SHA-256 over the raw 32-byte public
key. It reads well in logs and DLQ headers and says at a glance whose key it is;
the registry checks, on every load, that each id matches its key.
"""

from __future__ import annotations

import hashlib
import re
from datetime import UTC, datetime
from typing import Final

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from contract.topology import SOURCE_PREFIX

__all__ = [
    "KEY_ID_PATTERN",
    "NETWORK_PATTERN",
    "SOURCE_PREFIX",
    "fingerprint",
    "is_key_id",
    "key_id_for",
    "network_from_source",
    "raw_public_key",
    "validate_network",
]

NETWORK_PATTERN: Final = re.compile(r"[a-z][a-z0-9]*(?:-[a-z0-9]+)*")
_MAX_NETWORK_CHARS: Final = 40
KEY_ID_PATTERN: Final = re.compile(
    r"(?P<network>[a-z][a-z0-9]*(?:-[a-z0-9]+)*)-(?P<date>[0-9]{8})-(?P<fingerprint>[0-9a-f]{8})"
)
_MAX_KEY_ID_CHARS: Final = _MAX_NETWORK_CHARS + 18


def validate_network(network: str) -> str:
    """Return the slug unchanged, or raise ValueError: slugs end up in paths and key ids."""
    if (
        not isinstance(network, str)
        or len(network) > _MAX_NETWORK_CHARS
        or not NETWORK_PATTERN.fullmatch(network)
    ):
        raise ValueError(f"not a network slug: {network!r}")
    return network


def raw_public_key(public_key: Ed25519PublicKey) -> bytes:
    return public_key.public_bytes(Encoding.Raw, PublicFormat.Raw)


def fingerprint(public_key: Ed25519PublicKey) -> str:
    return hashlib.sha256(raw_public_key(public_key)).hexdigest()[:8]


def key_id_for(network: str, public_key: Ed25519PublicKey, not_before: datetime) -> str:
    """The id of ``public_key`` for ``network``, valid from ``not_before`` (aware, any zone)."""
    if not_before.tzinfo is None:
        raise ValueError("not_before must be timezone-aware")
    day = not_before.astimezone(UTC).strftime("%Y%m%d")
    return f"{validate_network(network)}-{day}-{fingerprint(public_key)}"


def is_key_id(text: str) -> bool:
    """Cheap shape check, so untrusted ``keyid`` values are refused before any lookup."""
    return (
        isinstance(text, str)
        and len(text) <= _MAX_KEY_ID_CHARS
        and KEY_ID_PATTERN.fullmatch(text) is not None
    )


def network_from_source(source: str) -> str | None:
    """The slug of a ``urn:cca:net:<slug>`` source, or None if it is not one."""
    if not isinstance(source, str) or not source.startswith(SOURCE_PREFIX):
        return None
    slug = source[len(SOURCE_PREFIX) :]
    if len(slug) > _MAX_NETWORK_CHARS or not NETWORK_PATTERN.fullmatch(slug):
        return None
    return slug
