"""Reading and writing the authority's PEM files; errors name the file, never key bytes."""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import Final

from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import (
    Encoding,
    NoEncryption,
    PrivateFormat,
    load_pem_private_key,
)

from contract.keys._files import write_atomic
from hub.pki.problems import CertificateProblem

__all__ = [
    "read_certificate",
    "read_crl",
    "read_private_key",
    "write_certificate",
    "write_crl",
    "write_private_key",
]

_MAX_PEM_BYTES: Final = 1024 * 1024
_MAX_KEY_BYTES: Final = 8192


def _read(path: Path, limit: int) -> bytes:
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW)
    except FileNotFoundError:
        raise CertificateProblem(f"{path}: no such file") from None
    except OSError as error:
        raise CertificateProblem(f"{path}: cannot read ({error.strerror})") from None
    with os.fdopen(fd, "rb") as handle:
        if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):
            raise CertificateProblem(f"{path}: not a regular file")
        data = handle.read(limit + 1)
    if len(data) > limit:
        raise CertificateProblem(f"{path}: larger than {limit} bytes")
    return data


def read_certificate(path: Path) -> x509.Certificate:
    """The one PEM certificate in ``path``."""
    try:
        return x509.load_pem_x509_certificate(_read(path, _MAX_PEM_BYTES))
    except CertificateProblem:
        raise
    except ValueError:
        raise CertificateProblem(f"{path}: not a PEM certificate") from None


def read_crl(path: Path) -> x509.CertificateRevocationList:
    try:
        return x509.load_pem_x509_crl(_read(path, _MAX_PEM_BYTES))
    except CertificateProblem:
        raise
    except ValueError:
        raise CertificateProblem(f"{path}: not a PEM certificate revocation list") from None


def read_private_key(path: Path) -> ec.EllipticCurvePrivateKey:
    """An unencrypted EC key file, refused unless it is owner-only."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW)
    except FileNotFoundError:
        raise CertificateProblem(f"{path}: no such file") from None
    except OSError as error:
        raise CertificateProblem(f"{path}: cannot read ({error.strerror})") from None
    with os.fdopen(fd, "rb") as handle:
        info = os.fstat(handle.fileno())
        if not stat.S_ISREG(info.st_mode) or info.st_mode & 0o077:
            raise CertificateProblem(f"{path}: must be a regular file with mode 0600")
        pem = handle.read(_MAX_KEY_BYTES + 1)
    try:
        if len(pem) > _MAX_KEY_BYTES:
            raise ValueError
        key = load_pem_private_key(pem, password=None)
    except (ValueError, TypeError):
        raise CertificateProblem(f"{path}: not an unencrypted PEM private key") from None
    if not isinstance(key, ec.EllipticCurvePrivateKey):
        raise CertificateProblem(f"{path}: not an EC private key")
    return key


def write_private_key(path: Path, key: ec.EllipticCurvePrivateKey) -> None:
    """PKCS#8 PEM, unencrypted, created with mode 0600 (never readable by others)."""
    pem = key.private_bytes(Encoding.PEM, PrivateFormat.PKCS8, NoEncryption())
    write_atomic(path, pem, 0o600)


def write_certificate(path: Path, certificate: x509.Certificate) -> None:
    write_atomic(path, certificate.public_bytes(Encoding.PEM), 0o644)


def write_crl(path: Path, crl: x509.CertificateRevocationList) -> None:
    write_atomic(path, crl.public_bytes(Encoding.PEM), 0o644)
