"""Checking a certificate file before use: issued by the CA, in its validity, not revoked."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric import ec, ed448, ed25519, rsa
from cryptography.x509.oid import NameOID

from hub.pki.pemfiles import read_certificate, read_crl
from hub.pki.problems import CertificateProblem

__all__ = ["check_certificate", "format_time", "principal_of", "read_verified_crl"]


def format_time(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")


def _now(now: datetime | None) -> datetime:
    if now is None:
        return datetime.now(UTC)
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    return now


def principal_of(cert: x509.Certificate) -> str:
    """The subject's common name; ValueError if there is not exactly one."""
    names = cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)
    if len(names) != 1:
        raise ValueError(f"certificate subject {cert.subject.rfc4514_string()} has no single CN")
    value = names[0].value
    return value if isinstance(value, str) else value.decode()


def _check_window(path: Path, cert: x509.Certificate, now: datetime, what: str) -> None:
    if now < cert.not_valid_before_utc:
        raise CertificateProblem(
            f"{path}: {what} not valid before {format_time(cert.not_valid_before_utc)}"
        )
    if now > cert.not_valid_after_utc:
        expired = format_time(cert.not_valid_after_utc)
        raise CertificateProblem(f"{path}: {what} expired on {expired}")


def read_verified_crl(crl_path: Path, ca: x509.Certificate) -> x509.CertificateRevocationList:
    """The CRL at ``crl_path``, refused unless the CA issued and signed it."""
    crl = read_crl(crl_path)
    public = ca.public_key()
    if not isinstance(
        public,
        (
            ec.EllipticCurvePublicKey,
            rsa.RSAPublicKey,
            ed25519.Ed25519PublicKey,
            ed448.Ed448PublicKey,
        ),
    ):
        raise CertificateProblem(f"{crl_path}: the CA's key type cannot sign a CRL")
    if crl.issuer != ca.subject or not crl.is_signature_valid(public):
        raise CertificateProblem(f"{crl_path}: CRL not signed by the CA")
    return crl


def _is_ca(cert: x509.Certificate) -> bool:
    try:
        return cert.extensions.get_extension_for_class(x509.BasicConstraints).value.ca
    except x509.ExtensionNotFound:
        return False


def check_certificate(
    ca: Path, cert: Path, crl: Path | None = None, *, now: datetime | None = None
) -> x509.Certificate:
    """The certificate in ``cert``, or CertificateProblem naming the file and the reason.

    Checks the signature against the CA certificate in ``ca``, both validity windows, and,
    if ``crl`` is given and the file exists, that the CA-signed CRL does not list it.
    """
    moment = _now(now)
    ca_cert = read_certificate(ca)
    _check_window(ca, ca_cert, moment, "CA certificate")
    certificate = read_certificate(cert)
    if _is_ca(certificate):
        raise CertificateProblem(f"{cert}: a CA certificate, not a principal's")
    try:
        certificate.verify_directly_issued_by(ca_cert)
    except (ValueError, TypeError, InvalidSignature):
        raise CertificateProblem(f"{cert}: not signed by the CA in {ca}") from None
    _check_window(cert, certificate, moment, "certificate")
    if crl is not None and crl.exists():
        entry = read_verified_crl(crl, ca_cert).get_revoked_certificate_by_serial_number(
            certificate.serial_number
        )
        if entry is not None:
            raise CertificateProblem(
                f"{cert}: certificate revoked on {format_time(entry.revocation_date_utc)} "
                f"(serial {certificate.serial_number:x})"
            )
    return certificate
