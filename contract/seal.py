"""Router seals: the router's own signature on the records it writes for others to act on.

A receipt on ``cca.receipts.<slug>.v1`` makes an adapter tell its network that a message was
routed; a record written there by anyone else would make the hub send a forged
acknowledgement. So the router signs each such record with its key from the key registry
(principal :data:`ROUTER_PRINCIPAL`), and the reader refuses one without a valid seal.

The seal covers, length-prefixed after a domain prefix: the topic, the key, the value and
every header before the seal itself, in order — the whole record as the reader sees it.
It travels as two headers: :data:`SEAL_KEYID_HEADER` and :data:`SEAL_HEADER` (unpadded
base64url Ed25519).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Final

from contract.keys.registry import KeyRegistry
from contract.signing import Signer, VerificationError
from contract.topology import ROUTER_PRINCIPAL

__all__ = [
    "ROUTER_PRINCIPAL",
    "SEAL_DOMAIN",
    "SEAL_HEADER",
    "SEAL_KEYID_HEADER",
    "check_seal",
    "seal_message",
    "sealed_headers",
]
SEAL_DOMAIN: Final = b"cca-hub/router-seal/v1\x00"
SEAL_KEYID_HEADER: Final = "hub.seal.keyid"
SEAL_HEADER: Final = "hub.seal"

Headers = Sequence[tuple[str, bytes]]


def _lp(value: bytes) -> bytes:
    return len(value).to_bytes(4, "big") + value


def seal_message(topic: str, key: bytes | None, value: bytes | None, headers: Headers) -> bytes:
    parts = [SEAL_DOMAIN, _lp(topic.encode()), _lp(key or b""), _lp(value or b"")]
    parts.append(len(headers).to_bytes(4, "big"))
    for name, raw in headers:
        parts += [_lp(name.encode()), _lp(raw)]
    return b"".join(parts)


def sealed_headers(
    signer: Signer, topic: str, key: bytes | None, value: bytes | None, headers: Headers
) -> list[tuple[str, bytes]]:
    """``headers`` followed by the seal of the whole record."""
    covered = [*headers, (SEAL_KEYID_HEADER, signer.key_id.encode())]
    signature = signer.sign_message(seal_message(topic, key, value, covered))
    return [*covered, (SEAL_HEADER, signature.encode())]


def check_seal(
    registry: KeyRegistry,
    topic: str,
    key: bytes | None,
    value: bytes | None,
    headers: Headers,
    *,
    principal: str = ROUTER_PRINCIPAL,
    now: datetime | None = None,
) -> list[tuple[str, bytes]]:
    """The record's headers without the seal, once the seal holds; else
    :class:`VerificationError`. The seal must be the last header, and appear once."""
    if not headers or headers[-1][0] != SEAL_HEADER:
        raise VerificationError("malformed", "the record carries no router seal")
    if sum(1 for name, _ in headers if name in (SEAL_HEADER, SEAL_KEYID_HEADER)) != 2:
        raise VerificationError("malformed", "the router seal appears more than once")
    covered = list(headers[:-1])
    if covered[-1][0] != SEAL_KEYID_HEADER:
        raise VerificationError("malformed", "the router seal has no key id")
    try:
        key_id = covered[-1][1].decode("ascii")
        signature = headers[-1][1].decode("ascii")
    except UnicodeDecodeError:
        raise VerificationError("malformed", "the router seal is not ASCII") from None
    registry.verify_detached(
        principal, key_id, seal_message(topic, key, value, covered), signature, now=now
    )
    return covered[:-1]
