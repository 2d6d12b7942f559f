"""The custody log's wire forms: a signed tree head and the name of a log.

The router keeps one RFC 9162 Merkle log per partition of ``cca.provenance.v1``
(:mod:`hub.core.custody`) and signs a **tree head** of it from time to time: the log's
name, its size, its root hash and the time, with the router's Ed25519 key. What the
signature covers is :meth:`TreeHead.payload`: :data:`HEAD_DOMAIN`, then those four fields
as canonical JSON. Heads travel on ``cca.custody.sth.v1`` as :meth:`TreeHead.encode`.

Standard library and :mod:`contract.signing` only, so the offline verifier
(:mod:`contract.evidence`) reads heads exactly as the hub writes them.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Final

from contract.signing import Signer, canonical_json
from contract.topology import PROVENANCE

__all__ = ["HEAD_DOMAIN", "TreeHead", "decode_head", "log_name"]

HEAD_DOMAIN: Final = b"cca-hub/custody-tree-head/v1\x00"


def log_name(partition: int) -> str:
    return f"{PROVENANCE}/{partition}"


@dataclass(frozen=True, slots=True)
class TreeHead:
    log: str
    size: int
    root: bytes
    at: str  # ISO 8601, UTC
    router: str
    key_id: str = ""
    signature: str = ""

    def payload(self) -> bytes:
        """What the signature covers: the domain, then the head's fields as canonical JSON."""
        return HEAD_DOMAIN + canonical_json(
            {"log": self.log, "size": self.size, "root": self.root.hex(), "at": self.at}
        )

    def signed(self, signer: Signer) -> TreeHead:
        return TreeHead(
            self.log,
            self.size,
            self.root,
            self.at,
            self.router,
            signer.key_id,
            signer.sign_message(self.payload()),
        )

    def time(self) -> datetime:
        return datetime.fromisoformat(self.at.replace("Z", "+00:00"))

    def encode(self) -> bytes:
        return canonical_json(
            {
                "log": self.log,
                "size": self.size,
                "root": self.root.hex(),
                "at": self.at,
                "router": self.router,
                "key_id": self.key_id,
                "signature": self.signature,
            }
        )


def decode_head(raw: bytes) -> TreeHead:
    """A head from its encoded bytes; :class:`ValueError` or :class:`KeyError` when it is
    not one."""
    doc = json.loads(raw)
    if not isinstance(doc, dict):
        raise ValueError("a tree head is a JSON object")
    root = bytes.fromhex(str(doc["root"]))
    if len(root) != 32:
        raise ValueError("a tree head's root is 32 bytes")
    size = doc["size"]
    if not isinstance(size, int) or isinstance(size, bool) or size < 0:
        raise ValueError("a tree head's size is a count")
    return TreeHead(
        log=str(doc["log"]),
        size=size,
        root=root,
        at=str(doc["at"]),
        router=str(doc.get("router", "")),
        key_id=str(doc["key_id"]),
        signature=str(doc["signature"]),
    )
