"""Private key files: encrypted PKCS#8 PEM, owner-only, read with every check first.

Keys are written ``ENCRYPTED PRIVATE KEY`` (PKCS#8, ``BestAvailableEncryption``) under the
key passphrase (:mod:`hub.keys.passphrase`). A key file written before encryption
(``PRIVATE KEY``) is refused unless ``HUB_KEY_ALLOW_UNENCRYPTED=1`` is set, and then used
with a warning; ``hub keys encrypt`` encrypts such files in place. Errors name the file and
the fault, never key bytes or the passphrase.
"""

from __future__ import annotations

import logging
import os
import stat
from collections.abc import Callable
from pathlib import Path
from typing import Final

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import (
    BestAvailableEncryption,
    Encoding,
    PrivateFormat,
    load_pem_private_key,
)

from contract.keys._files import ensure_dir, write_atomic
from hub.keys.passphrase import ALLOW_UNENCRYPTED_ENV, Passphrase, allow_unencrypted

__all__ = [
    "InsecureKeyFileError",
    "is_encrypted",
    "read_private_key",
    "write_private_key",
]

logger = logging.getLogger(__name__)

_MAX_PEM_BYTES: Final = 4096
_ENCRYPTED: Final = b"-----BEGIN ENCRYPTED PRIVATE KEY-----"
_PLAIN: Final = b"-----BEGIN PRIVATE KEY-----"


class InsecureKeyFileError(PermissionError):
    """A private key file is readable by others, unencrypted, undecryptable, or not the key
    it should be."""


def write_private_key(path: Path, key: Ed25519PrivateKey, passphrase: Passphrase) -> None:
    """Encrypt and write atomically, mode 0600 in a 0700 folder."""
    pem = key.private_bytes(
        Encoding.PEM, PrivateFormat.PKCS8, BestAvailableEncryption(passphrase.secret())
    )
    ensure_dir(path.parent, 0o700, enforce=True)
    write_atomic(path, pem, 0o600)


def _read_pem(path: Path) -> bytes:
    fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW)
    with os.fdopen(fd, "rb") as handle:
        info = os.fstat(handle.fileno())
        if not stat.S_ISREG(info.st_mode) or info.st_mode & 0o077:
            raise InsecureKeyFileError(f"{path} must be a regular file with mode 0600")
        pem = handle.read(_MAX_PEM_BYTES + 1)
    if len(pem) > _MAX_PEM_BYTES:
        raise InsecureKeyFileError(f"{path} is not a private key file")
    return pem


def is_encrypted(path: Path) -> bool:
    return _read_pem(path).lstrip().startswith(_ENCRYPTED)


def read_private_key(
    path: Path, passphrase: Callable[[], Passphrase], *, allow_plain: bool | None = None
) -> Ed25519PrivateKey:
    """Load an Ed25519 key file; ``passphrase`` is asked for only if the file is encrypted.

    An unencrypted file is read only if ``allow_plain`` (default: the opt-out variable).
    FileNotFoundError if there is no file; InsecureKeyFileError for every other fault.
    """
    pem = _read_pem(path)
    head = pem.lstrip()
    if head.startswith(_ENCRYPTED):
        secret: bytes | None = passphrase().secret()
    elif head.startswith(_PLAIN):
        if not (allow_unencrypted() if allow_plain is None else allow_plain):
            raise InsecureKeyFileError(
                f"{path} is not encrypted: encrypt it with `hub keys encrypt` "
                f"(or set {ALLOW_UNENCRYPTED_ENV}=1 to use it as it is)"
            )
        if allow_plain is None:
            logger.warning(
                "private key file %s is not encrypted (allowed by %s)", path, ALLOW_UNENCRYPTED_ENV
            )
        secret = None
    else:
        raise InsecureKeyFileError(f"{path} is not a readable private key")
    try:
        key = load_pem_private_key(pem, password=secret)
    except (ValueError, TypeError):
        what = "cannot be decrypted with the key passphrase" if secret else "is not readable"
        raise InsecureKeyFileError(f"{path} {what}") from None
    if not isinstance(key, Ed25519PrivateKey):
        raise InsecureKeyFileError(f"{path} is not an Ed25519 private key")
    return key
