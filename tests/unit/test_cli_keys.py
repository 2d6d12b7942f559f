"""`hub keys`: the operator's key commands, their errors, and that they never print secrets."""

from __future__ import annotations

import base64
import logging
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import (
    Encoding,
    NoEncryption,
    PrivateFormat,
    load_pem_private_key,
)
from typer.testing import CliRunner, Result

from contract.keys import KeyRegistry
from contract.keys.signature import sign_registry, signature_path
from hub.cli.keys import app
from hub.keys import KeyStore
from hub.keys.private import read_private_key

runner = CliRunner()


def run(*args: str, state_dir: Path | None = None) -> Result:
    extra = ["--state-dir", str(state_dir)] if state_dir is not None else []
    return runner.invoke(app, [*args, *extra])


def private_material(pem_path: Path) -> list[str]:
    """Every spelling of a key file's secret, the passphrase that opens it included."""
    state_dir = pem_path.parents[3]
    passphrase = KeyStore(state_dir).passphrase().secret()
    key = load_pem_private_key(pem_path.read_bytes(), password=passphrase)
    assert isinstance(key, Ed25519PrivateKey)
    raw = key.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())
    pem = pem_path.read_text()
    body = [line for line in pem.splitlines() if line and not line.startswith("-----")]
    return [
        *body,
        raw.hex(),
        base64.b64encode(raw).decode().rstrip("="),
        base64.urlsafe_b64encode(raw).decode().rstrip("="),
        "PRIVATE KEY",
        passphrase.decode(),
    ]


@pytest.mark.parametrize("command", ["create", "list", "rotate", "revoke", "export"])
def test_every_command_explains_itself_and_takes_a_state_dir(command: str) -> None:
    result = run(command, "--help")
    assert result.exit_code == 0
    assert "--state-dir" in result.stdout


def test_create_registers_a_key_and_prints_only_public_material(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.DEBUG):
        result = run("create", "refco", state_dir=tmp_path)
    assert result.exit_code == 0, result.stderr
    (record,) = KeyStore(tmp_path).registry().records()
    assert record.key_id in result.stdout
    assert record.public_key in result.stdout
    shown = result.stdout + result.stderr + caplog.text
    pem_path = KeyStore(tmp_path).private_key_path("refco", record.key_id)
    for secret in private_material(pem_path):
        assert secret not in shown


def test_no_command_ever_prints_private_key_material(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    shown = []
    with caplog.at_level(logging.DEBUG):
        for args in (("create", "refco"), ("rotate", "refco"), ("list",), ("export", "refco")):
            result = run(*args, state_dir=tmp_path)
            assert result.exit_code == 0, result.stderr
            shown.append(result.stdout + result.stderr)
        first = KeyStore(tmp_path).registry().records("refco")[0]
        result = run("revoke", first.key_id, "--reason", "test", state_dir=tmp_path)
        assert result.exit_code == 0, result.stderr
        shown.append(result.stdout + result.stderr)
    shown.append(caplog.text)
    text = "\n".join(shown)
    for pem_path in (tmp_path / "keys" / "private" / "refco").glob("*.pem"):
        for secret in private_material(pem_path):
            assert secret not in text


def test_list_shows_each_key_with_its_status(tmp_path: Path) -> None:
    run("create", "refco", state_dir=tmp_path)
    run("create", "clacip", state_dir=tmp_path)
    result = run("list", state_dir=tmp_path)
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[0].split()[:3] == ["KEY", "ID", "NETWORK"]
    assert [line.split()[1:3] for line in lines[1:]] == [["clacip", "active"], ["refco", "active"]]
    only_refco = run("list", "--network", "refco", state_dir=tmp_path)
    assert len(only_refco.stdout.splitlines()) == 2


def test_list_on_an_empty_state_says_so_on_stderr(tmp_path: Path) -> None:
    result = run("list", state_dir=tmp_path)
    assert result.exit_code == 0
    assert result.stdout == ""
    assert "no keys" in result.stderr


def test_rotate_adds_a_key_and_shortens_the_old_one(tmp_path: Path) -> None:
    run("create", "refco", state_dir=tmp_path)
    result = run("rotate", "refco", "--overlap-days", "3", state_dir=tmp_path)
    assert result.exit_code == 0, result.stderr
    old, new = sorted(
        KeyStore(tmp_path).registry().records("refco"),
        key=lambda r: r.not_after,
    )
    assert (old.not_after - new.not_before).days == 3
    assert new.key_id in result.stdout


def test_revoke_records_the_reason_and_shows_in_list(tmp_path: Path) -> None:
    run("create", "refco", state_dir=tmp_path)
    (record,) = KeyStore(tmp_path).registry().records()
    result = run(
        "revoke",
        record.key_id,
        "--reason",
        "laptop stolen",
        "--at",
        "2026-01-01T00:00:00Z",
        state_dir=tmp_path,
    )
    assert result.exit_code == 0, result.stderr
    listing = run("list", state_dir=tmp_path).stdout
    assert "revoked" in listing
    assert "laptop stolen" in listing


def test_export_prints_a_registry_document_of_that_network_only(tmp_path: Path) -> None:
    run("create", "refco", state_dir=tmp_path)
    run("create", "clacip", state_dir=tmp_path)
    result = run("export", "refco", state_dir=tmp_path)
    assert result.exit_code == 0, result.stderr
    exported = KeyRegistry.from_json(result.stdout.encode())
    assert [r.network for r in exported.records()] == ["refco"]
    target = tmp_path / "refco-keys.json"
    result = run("export", "refco", "--output", str(target), state_dir=tmp_path)
    assert result.exit_code == 0
    assert KeyRegistry.from_json(target.read_bytes()).records() == exported.records()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("create", "Not A Slug"), "not a network slug"),
        (("rotate", "refco"), "no active key"),
        (("revoke", "refco-20260101-00000000", "--reason", "x"), "no key"),
        (("revoke", "refco-20260101-00000000", "--reason", "x", "--at", "soon"), "RFC 3339"),
        (("export", "refco"), "no registered keys"),
    ],
)
def test_failures_exit_non_zero_with_one_clear_line(
    tmp_path: Path, args: tuple[str, ...], message: str
) -> None:
    result = run(*args, state_dir=tmp_path)
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.startswith("error: ")
    assert message in result.stderr


def test_a_broken_registry_is_reported_not_traced(tmp_path: Path) -> None:
    store = KeyStore(tmp_path)
    store.init_operator()
    (tmp_path / "keys" / "registry.json").write_text("{}")
    operator = read_private_key(store.operator_private_path, store.passphrase)
    signature, _ = sign_registry(b"{}", operator, serial=1)
    signature_path(store.registry_path).write_bytes(signature)
    result = run("list", state_dir=tmp_path)
    assert result.exit_code == 1
    assert "invalid key registry" in result.stderr
    assert "Traceback" not in result.output


def test_missing_arguments_are_usage_errors() -> None:
    assert run("revoke", "refco-20260101-00000000").exit_code == 2


def test_the_state_dir_can_come_from_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HUB_STATE_DIR", str(tmp_path))
    assert run("create", "refco").exit_code == 0
    assert (tmp_path / "keys" / "registry.json").exists()
