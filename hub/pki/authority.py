"""The federation's certificate authority: a CA key and certificate, the certificates it
issued (``issued/<principal>.pem`` and ``.key``), their index and the CRL, all under one
owner-only folder (``<state>/pki``).

Writes are serialised between processes by an advisory lock on ``<root>/.lock``.
"""

from __future__ import annotations

import builtins
import contextlib
import dataclasses
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Final

from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec

from contract.keys._files import ensure_dir, exclusive_lock
from hub.pki.builders import (
    ca_certificate,
    certificate_revocation_list,
    leaf_certificate,
    new_key,
)
from hub.pki.check import check_certificate, read_verified_crl
from hub.pki.index import read_index, write_index
from hub.pki.names import (
    BROKER_DEFAULT_HOSTS,
    Kind,
    check_ca_name,
    check_kind,
    check_principal,
)
from hub.pki.paths import (
    CA_CERT_NAME,
    CA_KEY_NAME,
    CRL_NAME,
    INDEX_NAME,
    ISSUED_DIR_NAME,
    LOCK_NAME,
)
from hub.pki.pemfiles import (
    read_certificate,
    read_private_key,
    write_certificate,
    write_crl,
    write_private_key,
)
from hub.pki.problems import CertificateProblem
from hub.pki.records import ClientFiles, Issued

__all__ = ["Authority"]

DEFAULT_CA_NAME: Final = "CCA federation CA"
_BACKDATE: Final = timedelta(minutes=5)


def _aware(value: datetime, what: str) -> datetime:
    if value.tzinfo is None:
        raise ValueError(f"{what} must be timezone-aware")
    return value.astimezone(UTC)


def _check_days(days: int) -> int:
    if days < 1:
        raise ValueError(f"days must be at least 1, not {days}")
    return days


def _issued(principal: str, kind: Kind, cert: x509.Certificate, files: ClientFiles) -> Issued:
    return Issued(
        principal=principal,
        kind=kind,
        serial=cert.serial_number,
        not_before=cert.not_valid_before_utc,
        not_after=cert.not_valid_after_utc,
        fingerprint=cert.fingerprint(hashes.SHA256()).hex(),
        revoked=False,
        revoked_at=None,
        files=files,
    )


class Authority:
    """The CA kept in ``root`` (``<state>/pki``). Opening one creates nothing."""

    def __init__(self, root: Path) -> None:
        self._root = root

    @property
    def root(self) -> Path:
        return self._root

    @property
    def ca_cert_path(self) -> Path:
        return self._root / CA_CERT_NAME

    @property
    def ca_key_path(self) -> Path:
        return self._root / CA_KEY_NAME

    @property
    def crl_path(self) -> Path:
        return self._root / CRL_NAME

    @property
    def index_path(self) -> Path:
        return self._root / INDEX_NAME

    @property
    def issued_dir(self) -> Path:
        return self._root / ISSUED_DIR_NAME

    def exists(self) -> bool:
        """Whether a CA certificate or key is here."""
        return self.ca_cert_path.exists() or self.ca_key_path.exists()

    @classmethod
    def create(cls, root: Path, *, name: str = DEFAULT_CA_NAME, days: int = 3650) -> Authority:
        """Make the folder (0700), the CA key (0600), its self-signed certificate and an
        empty CRL. FileExistsError if a CA is there already."""
        check_ca_name(name)
        _check_days(days)
        authority = cls(root)
        ensure_dir(root, 0o700, enforce=True)
        with authority._locked():
            if authority.exists():
                raise FileExistsError(f"CA already exists at {authority.ca_cert_path}")
            key = new_key()
            now = datetime.now(UTC).replace(microsecond=0)
            cert = ca_certificate(key, name, not_before=now - _BACKDATE, days=days)
            write_private_key(authority.ca_key_path, key)
            write_certificate(authority.ca_cert_path, cert)
            write_crl(
                authority.crl_path,
                certificate_revocation_list(cert, key, [], now=now, number=1),
            )
        return authority

    @classmethod
    def ensure(cls, root: Path) -> Authority:
        """The CA in ``root``, created with the defaults if there is none."""
        authority = cls(root)
        if authority.exists():
            return authority
        try:
            return cls.create(root)
        except FileExistsError:
            return authority

    @contextlib.contextmanager
    def _locked(self) -> Iterator[None]:
        with exclusive_lock(self._root / LOCK_NAME):
            yield

    def _require(self) -> None:
        if not self.exists():
            raise FileNotFoundError(f"no CA in {self._root}: run hub pki init first")

    def _ca(self) -> tuple[x509.Certificate, ec.EllipticCurvePrivateKey]:
        cert = read_certificate(self.ca_cert_path)
        key = read_private_key(self.ca_key_path)
        if key.public_key() != cert.public_key():
            raise CertificateProblem(f"{self.ca_key_path}: not the key of {self.ca_cert_path}")
        return cert, key

    def _files(self, principal: str) -> ClientFiles:
        return ClientFiles(
            ca=self.ca_cert_path,
            cert=self.issued_dir / f"{principal}.pem",
            key=self.issued_dir / f"{principal}.key",
        )

    def _entries(self) -> builtins.list[Issued]:
        return read_index(self.index_path, self._files)

    def issue(
        self,
        principal: str,
        *,
        kind: Kind = "client",
        days: int = 365,
        hosts: Sequence[str] = (),
        valid_from: datetime | None = None,
    ) -> Issued:
        """Issue a new key and certificate to ``principal``, replacing its current files.

        A broker's certificate names ``hosts`` (default localhost and 127.0.0.1) as subject
        alternative names; a client's names none. ``valid_from`` defaults to five minutes ago.
        """
        check_principal(principal)
        check_kind(kind)
        _check_days(days)
        if kind == "client" and hosts:
            raise ValueError("hosts name a broker: a client certificate has none")
        names = tuple(hosts) if hosts else (BROKER_DEFAULT_HOSTS if kind == "broker" else ())
        start = (
            datetime.now(UTC) - _BACKDATE
            if valid_from is None
            else _aware(valid_from, "valid_from")
        ).replace(microsecond=0)
        self._require()
        with self._locked():
            ca_cert, ca_key = self._ca()
            entries = self._entries()
            key = new_key()
            cert = leaf_certificate(
                ca_cert,
                ca_key,
                key.public_key(),
                principal,
                kind=kind,
                hosts=names,
                not_before=start,
                days=days,
            )
            files = self._files(principal)
            ensure_dir(self.issued_dir, 0o700, enforce=True)
            write_private_key(files.key, key)
            write_certificate(files.cert, cert)
            issued = _issued(principal, kind, cert, files)
            write_index(self.index_path, [*entries, issued])
        return issued

    def show(self, principal: str) -> Issued:
        """The principal's current (latest) certificate; KeyError if it has none."""
        check_principal(principal)
        for entry in reversed(self._entries()):
            if entry.principal == principal:
                return entry
        raise KeyError(f"no certificate issued to {principal}")

    def files(self, principal: str) -> ClientFiles:
        """The paths of the principal's current certificate and key; KeyError if none."""
        return self.show(principal).files

    def revoke(self, principal: str, *, serial: int | None = None) -> builtins.list[Issued]:
        """Revoke the certificate with ``serial``, or with None every certificate of the
        principal, and rewrite the CRL. Returns what was newly revoked: [] the second time."""
        check_principal(principal)
        self._require()
        with self._locked():
            entries = self._entries()
            mine = [entry for entry in entries if entry.principal == principal]
            if not mine:
                raise KeyError(f"no certificate issued to {principal}")
            if serial is not None and all(entry.serial != serial for entry in mine):
                raise KeyError(f"{principal} has no certificate with serial {serial:x}")
            now = datetime.now(UTC).replace(microsecond=0)
            done: builtins.list[Issued] = []
            updated: builtins.list[Issued] = []
            for entry in entries:
                if (
                    entry.principal == principal
                    and not entry.revoked
                    and (serial is None or entry.serial == serial)
                ):
                    entry = dataclasses.replace(entry, revoked=True, revoked_at=now)
                    done.append(entry)
                updated.append(entry)
            self._write_crl(updated, now)
            if done:
                write_index(self.index_path, updated)
        return done

    def _write_crl(self, entries: Sequence[Issued], now: datetime) -> None:
        """Rewrite the CRL unless it lists exactly the revoked entries already."""
        revoked = {(e.serial, e.revoked_at) for e in entries if e.revoked_at is not None}
        ca_cert, ca_key = self._ca()
        number = 1
        try:
            current = read_verified_crl(self.crl_path, ca_cert)
        except CertificateProblem:
            current = None
        if current is not None:
            if {r.serial_number for r in current} == {serial for serial, _ in revoked}:
                return
            number = _crl_number(current) + 1
        crl = certificate_revocation_list(ca_cert, ca_key, revoked, now=now, number=number)
        write_crl(self.crl_path, crl)

    def revoked_serials(self) -> frozenset[int]:
        """The serials the CRL lists, once its signature verifies against the CA; none if
        there is no CRL. CertificateProblem for a CRL this CA did not sign."""
        if not self.crl_path.exists():
            return frozenset()
        crl = read_verified_crl(self.crl_path, read_certificate(self.ca_cert_path))
        return frozenset(entry.serial_number for entry in crl)

    def check(self, cert_path: Path, *, now: datetime | None = None) -> x509.Certificate:
        """The certificate in ``cert_path`` if this CA issued it, it is valid at ``now`` and
        the CRL (which must be present) does not list it; else CertificateProblem."""
        if not self.crl_path.exists() and self.ca_cert_path.exists():
            raise CertificateProblem(f"{self.crl_path}: no such file")
        return check_certificate(self.ca_cert_path, cert_path, self.crl_path, now=now)

    def list(self) -> builtins.list[Issued]:
        """Every certificate ever issued, by principal, the latest first."""
        entries = self._entries()
        order = sorted(range(len(entries)), key=lambda i: (entries[i].principal, -i))
        return [entries[i] for i in order]


def _crl_number(crl: x509.CertificateRevocationList) -> int:
    try:
        return crl.extensions.get_extension_for_class(x509.CRLNumber).value.crl_number
    except x509.ExtensionNotFound:
        return 0
