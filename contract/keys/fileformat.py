"""The key registry file: one JSON document holding every network's public keys.

Default path ``<state>/keys/registry.json``, where ``<state>`` is ``$HUB_STATE_DIR``
(default ``./var``). It holds only public material, so it can be copied to
every router and published to the networks. Example::

    {
      "format": "cca-hub-key-registry",
      "version": 1,
      "keys": [
        {
          "key_id": "refco-20260509-1a2b3c4d",
          "network": "refco",
          "algorithm": "Ed25519",
          "public_key": "<raw 32-byte key, base64url without padding>",
          "not_before": "2026-05-09T10:00:00Z",
          "not_after": "2027-05-09T10:00:00Z",
          "revoked_at": null,
          "revocation_reason": null
        }
      ]
    }

Rules, checked on every load (a registry that breaks one is refused whole):

* ``format``, ``version`` and ``keys`` are required; unknown fields are refused;
* ``key_id`` is ``<network>-<yyyymmdd of not_before, UTC>-<first 8 hex of
  SHA-256(raw public key)>``, and ids are unique;
* times are RFC 3339 with a zone (written in UTC, ``Z``);
  ``not_before < not_after``; a key is valid in ``[not_before, not_after)``
  (how that meets event and verification times: :mod:`contract.keys.registry`);
* ``revoked_at`` and ``revocation_reason`` are both null or both set.

Keys are written sorted by network, then ``not_before``, then id, so diffs
of the file stay readable.

**The operator's signature.** Whoever can add a key can sign as any network, so a
registry is loaded only with a valid detached signature in ``registry.json.sig`` next to
it (:mod:`contract.keys.signature`), made by the operator's Ed25519 key::

    {
      "format": "cca-hub-key-registry-signature",
      "version": 1,
      "algorithm": "Ed25519",
      "operator_key": "<first 16 hex of SHA-256(raw operator public key)>",
      "serial": 7,
      "signed_at": "2026-05-09T10:00:00Z",
      "signature": "<64 bytes, base64url without padding>"
    }

The signature is over ``"cca-hub key registry signature v1" NUL``, the serial in decimal,
``LF``, ``signed_at``, ``LF``, then the exact bytes of ``registry.json``: the prefix keeps
it from passing for any other signature, and the serial (one more on every write) lets a
running router refuse an older, once validly signed registry put back in place (a
revocation undone). The operator's public key is never in the registry it signs: it is
pinned in a file of its own (PEM ``PUBLIC KEY``; ``$HUB_OPERATOR_KEY``, default
``<state>/keys/operator.pub``) that services read once at start. A registry without a
signature, signed by another key, or changed after signing is refused whole.

:func:`encode` and :func:`decode` handle the document alone: a network's export
(``hub keys export``) is an unsigned document for others to pin as they see fit.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Final, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from contract.keys.record import KeyRecord

__all__ = [
    "FORMAT_NAME",
    "FORMAT_VERSION",
    "MAX_REGISTRY_BYTES",
    "RegistryDocument",
    "decode",
    "encode",
]

FORMAT_NAME: Final = "cca-hub-key-registry"
FORMAT_VERSION: Final = 1
MAX_REGISTRY_BYTES = 8 * 1024 * 1024
_MAX_KEYS = 20_000


class RegistryDocument(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    format: Literal["cca-hub-key-registry"]
    version: Literal[1]
    keys: list[KeyRecord] = Field(max_length=_MAX_KEYS)


def encode(records: Iterable[KeyRecord]) -> bytes:
    ordered = sorted(records, key=lambda r: (r.network, r.not_before, r.key_id))
    document = RegistryDocument(format=FORMAT_NAME, version=FORMAT_VERSION, keys=ordered)
    return (document.model_dump_json(indent=2) + "\n").encode()


def decode(data: bytes) -> list[KeyRecord]:
    """Parse and check a registry document; ValueError says what is wrong."""
    if len(data) > MAX_REGISTRY_BYTES:
        raise ValueError(f"registry is larger than {MAX_REGISTRY_BYTES} bytes")
    try:
        document = RegistryDocument.model_validate_json(data)
    except ValidationError as error:
        raise ValueError(f"invalid key registry: {error}") from None
    seen: set[str] = set()
    for record in document.keys:
        if record.key_id in seen:
            raise ValueError(f"invalid key registry: key id {record.key_id!r} appears twice")
        seen.add(record.key_id)
    return list(document.keys)
