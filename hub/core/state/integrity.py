"""The router's state records carry a MAC under a key only the router holds.

The seen-ids, case-desks and progress topics decide what the router routes after a restart
or a rebalance: a record written there by anyone else could make a genuine event vanish
(a predicted event id marked as seen) or misroute a status update. Each state record the
router writes carries ``hub.state.mac`` = ``<router key id>:<HMAC-SHA256>`` over the topic,
key and value; the secret is derived from that router key's private half
(:meth:`contract.signing.Signer.derive_secret`), so there is no second secret to keep and
every router instance holding the key computes the same MAC. A rotated key keeps verifying
the records made under it while its private half is still on the host.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterable, Sequence
from typing import Final

from contract.signing import Signer

MAC_HEADER: Final = "hub.state.mac"
MAC_LABEL: Final = b"cca-hub/router-state-mac/v1"

Headers = Sequence[tuple[str, bytes]]


def _lp(value: bytes) -> bytes:
    return len(value).to_bytes(4, "big") + value


class StateMac:
    """MACs state records with the first key given; checks them with any of the keys."""

    __slots__ = ("_current", "_secrets")

    def __init__(self, signers: Iterable[Signer]) -> None:
        self._secrets: dict[str, bytes] = {}
        self._current = ""
        for signer in signers:
            self._secrets[signer.key_id] = signer.derive_secret(MAC_LABEL)
            self._current = self._current or signer.key_id
        if not self._current:
            raise ValueError("a StateMac needs at least one router key")

    def _mac(self, key_id: str, topic: str, key: bytes | None, value: bytes | None) -> str:
        message = _lp(topic.encode()) + _lp(key or b"") + _lp(value or b"")
        return hmac.new(self._secrets[key_id], message, hashlib.sha256).hexdigest()

    def header(self, topic: str, key: bytes | None, value: bytes | None) -> tuple[str, bytes]:
        mac = self._mac(self._current, topic, key, value)
        return MAC_HEADER, f"{self._current}:{mac}".encode()

    def check(self, topic: str, key: bytes | None, value: bytes | None, headers: Headers) -> str:
        """Why the record is not the router's own, or ``""`` when its MAC holds."""
        found = [raw for name, raw in headers if name == MAC_HEADER]
        if len(found) != 1:
            return "no router MAC" if not found else "more than one router MAC"
        key_id, _, mac = found[0].decode("ascii", "replace").partition(":")
        if key_id not in self._secrets:
            return f"MAC under a key this router does not hold ({key_id[:60]})"
        if not hmac.compare_digest(mac, self._mac(key_id, topic, key, value)):
            return "MAC does not match"
        return ""

    def __repr__(self) -> str:
        return f"StateMac(current={self._current!r}, keys={len(self._secrets)})"
