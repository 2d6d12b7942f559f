"""`hub pki`: the CA commands on the `hub` app, their output and their errors."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from ipaddress import ip_address
from pathlib import Path

import pytest
from cryptography import x509
from typer.testing import CliRunner, Result

from hub.cli import app
from hub.pki import Authority, pki_dir

runner = CliRunner()


def run(state_dir: Path, *args: str) -> Result:
    return runner.invoke(app, ["pki", *args, "--state-dir", str(state_dir)])


def ok(state_dir: Path, *args: str) -> Result:
    result = run(state_dir, *args)
    assert result.exit_code == 0, result.stderr
    return result


def fails(state_dir: Path, *args: str) -> Result:
    result = run(state_dir, *args)
    assert result.exit_code == 1, result.stdout
    assert result.stderr.startswith("error: ")
    assert len(result.stderr.splitlines()) == 1
    return result


@pytest.mark.parametrize("command", ["init", "issue", "list", "show", "revoke"])
def test_every_command_explains_itself_and_takes_a_state_dir(command: str) -> None:
    result = runner.invoke(app, ["pki", command, "--help"])
    assert result.exit_code == 0
    assert "--state-dir" in result.stdout


def test_init_twice_keeps_the_first_ca(tmp_path: Path) -> None:
    first = ok(tmp_path, "init", "--name", "Test CA", "--days", "30")
    ca = pki_dir(tmp_path) / "ca.pem"
    assert str(ca) in first.stdout
    before = ca.read_bytes()
    again = ok(tmp_path, "init")
    assert f"CA already exists at {ca}" in again.stdout
    assert ca.read_bytes() == before


def test_the_state_dir_comes_from_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HUB_STATE_DIR", str(tmp_path))
    result = runner.invoke(app, ["pki", "init"])
    assert result.exit_code == 0, result.stderr
    assert Authority(pki_dir(tmp_path)).exists()


def test_issue_prints_the_public_facts_and_the_paths(tmp_path: Path) -> None:
    ok(tmp_path, "init")
    result = ok(tmp_path, "issue", "net.refco")
    issued = Authority(pki_dir(tmp_path)).show("net.refco")
    out = result.stdout
    assert "net.refco" in out
    assert "client" in out
    assert f"{issued.serial:x}" in out
    assert issued.fingerprint in out
    assert str(issued.files.cert) in out
    assert str(issued.files.key) in out
    assert "status       valid" in out


def test_issue_a_broker_with_hosts(tmp_path: Path) -> None:
    ok(tmp_path, "init")
    hosts = ["--host", "kafka.example", "--host", "::1"]
    result = ok(tmp_path, "issue", "broker-1", "--kind", "broker", *hosts)
    assert "kind         broker" in result.stdout
    issued = Authority(pki_dir(tmp_path)).show("broker-1")
    assert issued.kind == "broker"
    cert = x509.load_pem_x509_certificate(issued.files.cert.read_bytes())
    names = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    assert names.get_values_for_type(x509.DNSName) == ["kafka.example"]
    assert names.get_values_for_type(x509.IPAddress) == [ip_address("::1")]


def test_list_show_and_revoke(tmp_path: Path) -> None:
    ok(tmp_path, "init")
    ok(tmp_path, "issue", "net.refco")
    ok(tmp_path, "issue", "net.refco")
    ok(tmp_path, "issue", "broker-1", "--kind", "broker")
    authority = Authority(pki_dir(tmp_path))
    current = authority.show("net.refco")
    old = next(e for e in authority.list() if e.principal == "net.refco" and e != current)

    listing = ok(tmp_path, "list").stdout.splitlines()
    assert listing[0].split() == ["PRINCIPAL", "KIND", "SERIAL", "NOT", "AFTER", "STATUS"]
    assert len(listing) == 4
    assert all(line.endswith("valid") for line in listing[1:])

    shown = ok(tmp_path, "show", "net.refco").stdout
    assert f"serial       {current.serial:x}" in shown

    one = ok(tmp_path, "revoke", "net.refco", "--serial", f"{old.serial:x}").stdout
    assert "revoked 1 certificate of net.refco" in one
    assert authority.revoked_serials() == {old.serial}

    rest = ok(tmp_path, "revoke", "net.refco").stdout
    assert "revoked 1 certificate of net.refco" in rest
    assert authority.revoked_serials() == {old.serial, current.serial}
    again = ok(tmp_path, "revoke", "net.refco").stdout
    assert "nothing to revoke" in again

    lines = ok(tmp_path, "list").stdout.splitlines()[1:]
    rows = {tuple(line.split()[1:3]): line.split()[-1] for line in lines}
    assert rows[("client", f"{old.serial:x}")] == "revoked"
    assert rows[("client", f"{current.serial:x}")] == "revoked"
    assert "status       revoked" in ok(tmp_path, "show", "net.refco").stdout


def test_list_flags_an_expired_certificate(tmp_path: Path) -> None:
    authority = Authority.create(pki_dir(tmp_path))
    authority.issue("net.refco", days=1, valid_from=datetime.now(UTC) - timedelta(days=3))
    assert ok(tmp_path, "list").stdout.splitlines()[1].endswith("expired")


def test_list_without_certificates_says_so(tmp_path: Path) -> None:
    ok(tmp_path, "init")
    result = ok(tmp_path, "list")
    assert "no certificates issued" in result.stderr


@pytest.mark.parametrize(
    "args",
    [
        ("issue", "net.refco"),
        ("list",),
        ("show", "net.refco"),
        ("revoke", "net.refco"),
    ],
)
def test_commands_without_a_ca_ask_for_init(tmp_path: Path, args: tuple[str, ...]) -> None:
    result = fails(tmp_path, *args)
    assert "run hub pki init first" in result.stderr
    assert not pki_dir(tmp_path).exists()


def test_errors_exit_1_with_one_line(tmp_path: Path) -> None:
    ok(tmp_path, "init")
    assert "bad principal" in fails(tmp_path, "issue", "Net.Refco").stderr
    assert "bad host" in fails(tmp_path, "issue", "b", "--kind", "broker", "--host", "a b").stderr
    assert "client" in fails(tmp_path, "issue", "net.refco", "--host", "localhost").stderr
    assert "no certificate issued to net.refco" in fails(tmp_path, "show", "net.refco").stderr
    assert "no certificate issued" in fails(tmp_path, "revoke", "net.refco").stderr
    ok(tmp_path, "issue", "net.refco")
    assert "hexadecimal" in fails(tmp_path, "revoke", "net.refco", "--serial", "xyz").stderr
    assert (
        "no certificate with serial"
        in fails(tmp_path, "revoke", "net.refco", "--serial", "1").stderr
    )


def test_a_bad_kind_is_a_usage_error(tmp_path: Path) -> None:
    ok(tmp_path, "init")
    result = run(tmp_path, "issue", "net.refco", "--kind", "server")
    assert result.exit_code == 2
