"""SCRAM-SHA-512 credentials: each SCRAM user's password is a file under
``<state>/pki/scram/`` (owner-only), created once; the broker stores only the salted form."""

from __future__ import annotations

import hashlib
import os
import secrets
from dataclasses import dataclass, field
from pathlib import Path

from hub.pki import pki_dir

ITERATIONS = 8192  # Kafka refuses fewer than 4096 for SCRAM-SHA-512


@dataclass(frozen=True)
class SaltedCredential:
    user: str
    iterations: int
    salt: bytes = field(repr=False)
    salted_password: bytes = field(repr=False)


def scram_dir(state_dir: Path) -> Path:
    return pki_dir(state_dir) / "scram"


def password_file(state_dir: Path, user: str) -> Path:
    return scram_dir(state_dir) / f"{user}.password"


def ensure_password(state_dir: Path, user: str) -> Path:
    """The user's password file, made (random, 0600) if there is none."""
    path = password_file(state_dir, user)
    if path.is_file():
        return path
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        out.write(secrets.token_urlsafe(32) + "\n")
    return path


def read_password(path: Path) -> str:
    return path.read_text(encoding="utf-8").strip()


def salted(user: str, password: str, iterations: int = ITERATIONS) -> SaltedCredential:
    """RFC 5802's SaltedPassword: PBKDF2 with HMAC-SHA-512 over a fresh salt."""
    salt = secrets.token_bytes(32)
    digest = hashlib.pbkdf2_hmac("sha512", password.encode("utf-8"), salt, iterations)
    return SaltedCredential(user, iterations, salt, digest)


def fingerprint(password: str) -> str:
    """What ``hub acl apply`` remembers of a password it set: enough to see it changed."""
    return hashlib.sha256(b"cca-scram-applied\0" + password.encode("utf-8")).hexdigest()
