"""`hub.pki`: the federation's CA, with real keys and certificates."""

from __future__ import annotations

import logging
import re
import stat
from datetime import UTC, datetime, timedelta
from ipaddress import ip_address
from pathlib import Path
from typing import TypeVar

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import load_pem_private_key
from cryptography.x509.oid import ExtendedKeyUsageOID
from cryptography.x509.verification import PolicyBuilder, Store
from typer.testing import CliRunner

from hub.cli import app
from hub.pki import (
    PKI_DIR_NAME,
    Authority,
    CertificateProblem,
    ClientFiles,
    check_certificate,
    pki_dir,
    principal_of,
)


@pytest.fixture
def authority(tmp_path: Path) -> Authority:
    return Authority.create(pki_dir(tmp_path / "state"))


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def load(path: Path) -> x509.Certificate:
    return x509.load_pem_x509_certificate(path.read_bytes())


E = TypeVar("E", bound=x509.ExtensionType)


def extension(cert: x509.Certificate, kind: type[E]) -> E:
    return cert.extensions.get_extension_for_class(kind).value


def exactly(path: Path, reason: str) -> str:
    """A ``match`` pattern for the whole message ``<path>: <reason>``."""
    return f"^{re.escape(f'{path}: {reason}')}$"


def test_pki_dir_is_under_the_state_dir(tmp_path: Path) -> None:
    assert pki_dir(tmp_path) == tmp_path / PKI_DIR_NAME == tmp_path / "pki"


def test_opening_an_authority_creates_nothing(tmp_path: Path) -> None:
    authority = Authority(tmp_path / "pki")
    assert not authority.exists()
    assert not (tmp_path / "pki").exists()
    assert authority.list() == []
    with pytest.raises(FileNotFoundError, match="hub pki init"):
        authority.issue("net.refco")


def test_create_makes_an_owner_only_ca(authority: Authority) -> None:
    assert authority.exists()
    assert mode(authority.root) == 0o700
    assert mode(authority.root / "ca.key") == 0o600
    assert authority.ca_cert_path == authority.root / "ca.pem"
    ca = load(authority.ca_cert_path)
    assert ca.subject.rfc4514_string() == "CN=CCA federation CA,O=CCA federation"
    assert ca.issuer == ca.subject
    ca.verify_directly_issued_by(ca)
    constraints = extension(ca, x509.BasicConstraints)
    assert constraints.ca
    assert constraints.path_length == 0
    usage = extension(ca, x509.KeyUsage)
    assert usage.key_cert_sign
    assert usage.crl_sign
    assert not usage.digital_signature
    key = load_pem_private_key((authority.root / "ca.key").read_bytes(), password=None)
    assert isinstance(key, ec.EllipticCurvePrivateKey)
    assert key.curve.name == "secp256r1"
    assert key.public_key() == ca.public_key()
    assert ca.not_valid_after_utc - ca.not_valid_before_utc == timedelta(days=3650)
    assert authority.revoked_serials() == frozenset()


def test_create_refuses_an_existing_ca_and_ensure_keeps_it(
    authority: Authority, tmp_path: Path
) -> None:
    before = authority.ca_cert_path.read_bytes()
    with pytest.raises(FileExistsError):
        Authority.create(authority.root)
    again = Authority.ensure(authority.root)
    assert again.ca_cert_path.read_bytes() == before
    fresh = Authority.ensure(tmp_path / "other" / "pki")
    assert fresh.exists()
    assert Authority.ensure(fresh.root).ca_cert_path.read_bytes() == (
        fresh.ca_cert_path.read_bytes()
    )


def test_create_takes_a_name_and_a_lifetime(tmp_path: Path) -> None:
    authority = Authority.create(tmp_path / "pki", name="Test CA", days=30)
    ca = load(authority.ca_cert_path)
    assert ca.subject.rfc4514_string() == "CN=Test CA,O=CCA federation"
    assert ca.not_valid_after_utc - ca.not_valid_before_utc == timedelta(days=30)


@pytest.mark.parametrize("name", ["", "x" * 65, "CA\x00", " CA"])
def test_a_bad_ca_name_is_refused(tmp_path: Path, name: str) -> None:
    with pytest.raises(ValueError, match="bad CA name"):
        Authority.create(tmp_path / "pki", name=name)
    assert not (tmp_path / "pki").exists()


def test_issue_writes_an_owner_only_key_and_a_client_certificate(
    authority: Authority,
) -> None:
    issued = authority.issue("net.refco")
    files = issued.files
    assert files == ClientFiles(
        ca=authority.ca_cert_path,
        cert=authority.root / "issued" / "net.refco.pem",
        key=authority.root / "issued" / "net.refco.key",
    )
    assert mode(files.key) == 0o600
    assert mode(files.key.parent) == 0o700
    pem = files.key.read_bytes()
    assert pem.startswith(b"-----BEGIN PRIVATE KEY-----")
    key = load_pem_private_key(pem, password=None)
    assert isinstance(key, ec.EllipticCurvePrivateKey)
    assert key.curve.name == "secp256r1"

    cert = load(files.cert)
    ca = load(authority.ca_cert_path)
    cert.verify_directly_issued_by(ca)
    assert key.public_key() == cert.public_key()
    assert cert.subject.rfc4514_string() == "CN=net.refco,O=CCA federation"
    assert principal_of(cert) == "net.refco"
    assert list(extension(cert, x509.ExtendedKeyUsage)) == [ExtendedKeyUsageOID.CLIENT_AUTH]
    assert not extension(cert, x509.BasicConstraints).ca
    assert extension(cert, x509.KeyUsage).digital_signature
    with pytest.raises(x509.ExtensionNotFound):
        extension(cert, x509.SubjectAlternativeName)

    assert issued.principal == "net.refco"
    assert issued.kind == "client"
    assert issued.serial == cert.serial_number
    assert issued.not_before == cert.not_valid_before_utc
    assert issued.not_after - issued.not_before == timedelta(days=365)
    assert issued.not_before < datetime.now(UTC)
    assert issued.fingerprint == cert.fingerprint(hashes.SHA256()).hex()
    assert not issued.revoked
    assert issued.revoked_at is None
    assert authority.show("net.refco") == issued
    assert authority.files("net.refco") == files
    assert authority.check(files.cert) == cert


def test_a_broker_certificate_serves_its_hosts(authority: Authority) -> None:
    default = load(authority.issue("broker-1", kind="broker").files.cert)
    assert list(extension(default, x509.ExtendedKeyUsage)) == [
        ExtendedKeyUsageOID.SERVER_AUTH,
        ExtendedKeyUsageOID.CLIENT_AUTH,
    ]
    names = extension(default, x509.SubjectAlternativeName)
    assert names.get_values_for_type(x509.DNSName) == ["localhost"]
    assert names.get_values_for_type(x509.IPAddress) == [ip_address("127.0.0.1")]

    issued = authority.issue("broker-2", kind="broker", hosts=["kafka.cca.example", "10.1.2.3"])
    cert = load(issued.files.cert)
    names = extension(cert, x509.SubjectAlternativeName)
    assert names.get_values_for_type(x509.DNSName) == ["kafka.cca.example"]
    assert names.get_values_for_type(x509.IPAddress) == [ip_address("10.1.2.3")]

    store = Store([load(authority.ca_cert_path)])
    for name in (x509.DNSName("kafka.cca.example"), x509.IPAddress(ip_address("10.1.2.3"))):
        verifier = PolicyBuilder().store(store).build_server_verifier(name)
        chain = verifier.verify(cert, [])
        assert chain[-1] == load(authority.ca_cert_path)


def test_bad_hosts_and_hosts_on_a_client_are_refused(authority: Authority) -> None:
    with pytest.raises(ValueError, match="bad host"):
        authority.issue("broker-1", kind="broker", hosts=["not a host"])
    with pytest.raises(ValueError, match="client"):
        authority.issue("net.refco", hosts=["localhost"])
    with pytest.raises(ValueError, match="kind"):
        authority.issue("net.refco", kind="server")  # type: ignore[arg-type]
    assert authority.list() == []


def test_reissue_replaces_the_files_and_keeps_every_serial(authority: Authority) -> None:
    first = authority.issue("net.refco")
    second = authority.issue("net.refco")
    other = authority.issue("net.aiamp")
    assert first.serial != second.serial
    assert load(second.files.cert).serial_number == second.serial
    assert authority.show("net.refco") == second
    listed = authority.list()
    assert [entry.serial for entry in listed] == [other.serial, second.serial, first.serial]
    assert not any(entry.revoked for entry in listed)
    assert all(entry.files == second.files for entry in listed if entry.principal == "net.refco")


def test_check_refuses_another_cas_certificate(authority: Authority, tmp_path: Path) -> None:
    stranger = Authority.create(tmp_path / "elsewhere" / "pki")
    foreign = stranger.issue("net.refco").files.cert
    with pytest.raises(CertificateProblem) as caught:
        authority.check(foreign)
    assert str(caught.value) == f"{foreign}: not signed by the CA in {authority.ca_cert_path}"


def test_check_refuses_an_expired_and_a_not_yet_valid_certificate(
    authority: Authority,
) -> None:
    start = datetime(2020, 1, 2, 3, 4, 5, tzinfo=UTC)
    old = authority.issue("net.refco", days=1, valid_from=start)
    with pytest.raises(CertificateProblem) as caught:
        authority.check(old.files.cert)
    assert str(caught.value) == f"{old.files.cert}: certificate expired on 2020-01-03 03:04 UTC"

    current = authority.issue("net.aiamp")
    with pytest.raises(CertificateProblem, match="not valid before"):
        authority.check(current.files.cert, now=current.not_before - timedelta(minutes=1))


def test_check_refuses_missing_and_unreadable_files(authority: Authority, tmp_path: Path) -> None:
    missing = tmp_path / "missing.pem"
    with pytest.raises(CertificateProblem, match=exactly(missing, "no such file")):
        authority.check(missing)
    garbage = tmp_path / "garbage.pem"
    garbage.write_text("hello\n")
    with pytest.raises(CertificateProblem, match=exactly(garbage, "not a PEM certificate")):
        authority.check(garbage)
    with pytest.raises(CertificateProblem, match="a CA certificate"):
        authority.check(authority.ca_cert_path)


def test_revoke_is_idempotent_and_the_crl_says_so(authority: Authority) -> None:
    first = authority.issue("net.refco")
    second = authority.issue("net.refco")
    keep = authority.issue("net.aiamp")
    crl_before = authority.root.joinpath("crl.pem").read_bytes()

    done = authority.revoke("net.refco")
    assert {entry.serial for entry in done} == {first.serial, second.serial}
    assert all(entry.revoked and entry.revoked_at is not None for entry in done)
    crl = authority.root / "crl.pem"
    assert crl.read_bytes() != crl_before
    assert authority.revoked_serials() == frozenset({first.serial, second.serial})
    parsed = x509.load_pem_x509_crl(crl.read_bytes())
    assert parsed.is_signature_valid(load(authority.ca_cert_path).public_key())  # type: ignore[arg-type]
    assert parsed.next_update_utc is not None
    assert parsed.next_update_utc - parsed.last_update_utc == timedelta(days=7)

    written = crl.read_bytes()
    assert authority.revoke("net.refco") == []
    assert crl.read_bytes() == written
    assert authority.show("net.refco").revoked
    assert not authority.show("net.aiamp").revoked

    with pytest.raises(CertificateProblem) as caught:
        authority.check(second.files.cert)
    assert f"{second.files.cert}: certificate revoked on " in str(caught.value)
    authority.check(keep.files.cert)


def test_revoke_one_serial(authority: Authority) -> None:
    first = authority.issue("net.refco")
    second = authority.issue("net.refco")
    done = authority.revoke("net.refco", serial=first.serial)
    assert [entry.serial for entry in done] == [first.serial]
    assert authority.revoked_serials() == frozenset({first.serial})
    assert not authority.show("net.refco").revoked
    authority.check(second.files.cert)
    assert authority.revoke("net.refco", serial=first.serial) == []
    with pytest.raises(KeyError):
        authority.revoke("net.refco", serial=second.serial + 1)
    with pytest.raises(KeyError):
        authority.revoke("net.unknown")


def test_a_crl_from_another_ca_is_refused(authority: Authority, tmp_path: Path) -> None:
    issued = authority.issue("net.refco")
    stranger = Authority.create(tmp_path / "elsewhere" / "pki")
    stranger.issue("net.refco")
    stranger.revoke("net.refco")
    crl = authority.root / "crl.pem"
    crl.write_bytes((stranger.root / "crl.pem").read_bytes())
    with pytest.raises(CertificateProblem, match=exactly(crl, "CRL not signed by the CA")):
        authority.revoked_serials()
    with pytest.raises(CertificateProblem, match="CRL not signed"):
        authority.check(issued.files.cert)
    with pytest.raises(CertificateProblem, match="CRL not signed"):
        check_certificate(issued.files.ca, issued.files.cert, crl)


def test_check_without_the_crl_is_refused(authority: Authority) -> None:
    issued = authority.issue("net.refco")
    (authority.root / "crl.pem").unlink()
    with pytest.raises(CertificateProblem, match=r"crl\.pem: no such file"):
        authority.check(issued.files.cert)


def test_check_certificate_needs_only_the_public_files(authority: Authority) -> None:
    issued = authority.issue("net.refco")
    authority.revoke("net.refco")
    files = issued.files
    crl = authority.root / "crl.pem"
    assert principal_of(check_certificate(files.ca, files.cert)) == "net.refco"
    assert check_certificate(files.ca, files.cert, crl.with_name("absent.pem"))
    with pytest.raises(CertificateProblem, match="revoked"):
        check_certificate(files.ca, files.cert, crl)


def test_a_ca_key_readable_by_others_is_refused(authority: Authority) -> None:
    (authority.root / "ca.key").chmod(0o644)
    with pytest.raises(CertificateProblem, match="mode 0600"):
        authority.issue("net.refco")


@pytest.mark.parametrize(
    "principal",
    ["", "Net.refco", "-refco", ".refco", "a" * 65, "net/refco", "../x", "net refco", "x\n"],
)
def test_bad_principals_are_refused(authority: Authority, principal: str) -> None:
    with pytest.raises(ValueError, match="bad principal"):
        authority.issue(principal)
    with pytest.raises(ValueError, match="bad principal"):
        authority.show(principal)
    assert not authority.root.joinpath("issued").exists()


def test_the_longest_principal_is_accepted(authority: Authority) -> None:
    name = "a" * 64
    assert principal_of(authority.check(authority.issue(name).files.cert)) == name


def test_show_and_files_of_an_unknown_principal(authority: Authority) -> None:
    with pytest.raises(KeyError):
        authority.show("net.refco")
    with pytest.raises(KeyError):
        authority.files("net.refco")


def test_the_cli_never_prints_private_key_bytes(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    runner = CliRunner()
    state = ["--state-dir", str(tmp_path)]
    shown = []
    for args in (
        ["init"],
        ["issue", "net.refco"],
        ["issue", "broker-1", "--kind", "broker"],
        ["list"],
        ["show", "net.refco"],
        ["show", "broker-1"],
        ["revoke", "net.refco"],
    ):
        result = runner.invoke(app, ["pki", *args, *state])
        assert result.exit_code == 0, result.stderr
        shown.append(result.stdout + result.stderr)
    text = "\n".join([*shown, caplog.text])
    root = pki_dir(tmp_path)
    for key_path in [root / "ca.key", *sorted((root / "issued").glob("*.key"))]:
        pem = key_path.read_text()
        key = load_pem_private_key(pem.encode(), password=None)
        assert isinstance(key, ec.EllipticCurvePrivateKey)
        secret = key.private_numbers().private_value
        body = [line for line in pem.splitlines() if line and not line.startswith("-----")]
        for needle in [*body, f"{secret:x}", str(secret), "PRIVATE KEY"]:
            assert needle not in text
    assert "PRIVATE KEY" not in (root / "index.json").read_text()
