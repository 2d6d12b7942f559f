"""The operator key: the Ed25519 key whose signature makes a key registry trusted.

Its private half is ``<state>/keys/operator/operator-key.pem`` (encrypted, 0600, folder
0700); only key administration (``hub keys``) opens it. Its public half is pinned in a file
of its own, ``$HUB_OPERATOR_KEY`` or ``<state>/keys/operator.pub`` (0644), which services
read once at start and check every registry against. Both are made on first use, by
``hub keys operator init`` or by the first ``hub keys create`` in an empty state folder.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from contract.keys._files import ensure_dir, write_atomic
from contract.keys.signature import (
    RegistrySignatureError,
    encode_operator_public_key,
    load_operator_public_key,
    operator_fingerprint,
)
from hub.keys.passphrase import Passphrase
from hub.keys.private import InsecureKeyFileError, read_private_key, write_private_key

__all__ = ["OperatorKey", "load_operator", "operator_exists"]

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class OperatorKey:
    """The operator's key, loaded and checked against its pin (repr shows only its name)."""

    private_key: Ed25519PrivateKey
    fingerprint: str
    created: bool

    def __repr__(self) -> str:
        return f"OperatorKey({self.fingerprint})"


def operator_exists(private_path: Path, pin_path: Path) -> bool:
    return private_path.exists() or pin_path.exists()


def load_operator(
    private_path: Path, pin_path: Path, passphrase: Passphrase, *, create: bool
) -> OperatorKey:
    """The operator key, made (with its pin) if ``create`` and neither exists yet.

    A private key that does not match the pin, or a pin without its private key here,
    is refused: registries signed on this host would be refused by every service.
    """
    if not private_path.exists():
        if pin_path.exists():
            raise RegistrySignatureError(
                "no_operator_key",
                f"the operator key pinned at {pin_path} has no private key here "
                f"({private_path}): change the registry where the operator key is kept",
            )
        if not create:
            raise RegistrySignatureError(
                "no_operator_key",
                f"there is no operator key at {private_path} "
                "(create it with `hub keys operator init`)",
            )
        key = Ed25519PrivateKey.generate()
        write_private_key(private_path, key, passphrase)
        _write_pin(pin_path, key.public_key())
        fingerprint = operator_fingerprint(key.public_key())
        logger.warning(
            "created operator key %s; its public key is pinned at %s", fingerprint, pin_path
        )
        return OperatorKey(key, fingerprint, created=True)
    key = read_private_key(private_path, lambda: passphrase)
    fingerprint = operator_fingerprint(key.public_key())
    if not pin_path.exists():
        _write_pin(pin_path, key.public_key())
        logger.warning("pinned operator key %s at %s", fingerprint, pin_path)
        return OperatorKey(key, fingerprint, created=False)
    pinned: Ed25519PublicKey = load_operator_public_key(pin_path)
    if operator_fingerprint(pinned) != fingerprint:
        raise InsecureKeyFileError(
            f"the operator key {private_path} does not match the key pinned at {pin_path}"
        )
    return OperatorKey(key, fingerprint, created=False)


def _write_pin(path: Path, public_key: Ed25519PublicKey) -> None:
    ensure_dir(path.parent, 0o755)
    write_atomic(path, encode_operator_public_key(public_key), 0o644)
