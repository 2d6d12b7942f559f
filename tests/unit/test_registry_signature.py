"""The key registry is trusted only under the operator's signature, and private keys are
encrypted at rest: a key slipped into the registry file is never used, a key file copied
off the host is useless without the passphrase, and the passphrase is never shown."""

from __future__ import annotations

import base64
import json
import logging
import os
import stat
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import (
    Encoding,
    NoEncryption,
    PrivateFormat,
    load_pem_private_key,
)
from prometheus_client import CollectorRegistry
from typer.testing import CliRunner

from contract.keys import KeyRegistry, RegistrySignatureError, operator_fingerprint
from contract.keys.signature import SIGNATURE_DOMAIN, sign_registry, signature_path
from hub.cli.keys import app
from hub.keys import InsecureKeyFileError, KeyStore, RegistryReloader
from hub.keys.metrics import RegistryMetrics
from hub.keys.passphrase import PassphraseError
from hub.keys.private import read_private_key

PASSPHRASE = "correct horse battery staple 7f3a"


def appended_key(store: KeyStore) -> tuple[bytes, str]:
    """The registry's bytes with one more key added by hand, and that key's id."""
    registry = KeyRegistry.from_json(store.registry_path.read_bytes())
    record = registry.add(
        "refco",
        Ed25519PrivateKey.generate().public_key(),
        registry.records()[0].not_before,
        registry.records()[0].not_after,
    )
    return registry.to_json(), record.key_id


def rejected(metrics: RegistryMetrics, reason: str) -> float:
    return metrics.rejected.labels(reason)._value.get()


def file_stamps(folder: Path) -> dict[str, tuple[int, int, int]]:
    return {
        str(p.relative_to(folder)): (p.stat().st_ino, p.stat().st_size, p.stat().st_mtime_ns)
        for p in sorted(folder.rglob("*"))
    }


# -- the registry signature ------------------------------------------------------


def test_a_key_appended_without_the_operators_signature_is_refused_and_the_old_registry_kept(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    store = KeyStore(tmp_path)
    original, _ = store.create("refco")
    metrics = RegistryMetrics(CollectorRegistry())
    clock = [0.0]
    reloader = RegistryReloader(
        store.registry_path, interval=5.0, clock=lambda: clock[0], metrics=metrics
    )
    forged, forged_id = appended_key(store)
    store.registry_path.write_bytes(forged)
    clock[0] = 5.0
    with caplog.at_level(logging.ERROR, logger="hub.reloading"):
        current = reloader.current()
    assert forged_id not in current
    assert original.key_id in current
    assert "not reloaded" in caplog.text
    assert "does not match the registry" in caplog.text
    assert rejected(metrics, "bad_signature") == 1
    with pytest.raises(RegistrySignatureError) as caught:
        store.registry()
    assert caught.value.reason == "bad_signature"


def test_an_unsigned_registry_is_refused_with_a_clear_error(tmp_path: Path) -> None:
    store = KeyStore(tmp_path)
    store.create("refco")
    signature_path(store.registry_path).unlink()
    with pytest.raises(RegistrySignatureError, match="not signed by the operator key") as caught:
        KeyRegistry.load(store.registry_path, store.operator_public_key())
    assert caught.value.reason == "unsigned"


def test_a_registry_signed_by_another_key_is_refused(tmp_path: Path) -> None:
    store = KeyStore(tmp_path)
    store.create("refco")
    forged, _ = appended_key(store)
    store.registry_path.write_bytes(forged)
    signature, _ = sign_registry(forged, Ed25519PrivateKey.generate(), serial=99)
    signature_path(store.registry_path).write_bytes(signature)
    with pytest.raises(RegistrySignatureError, match="not by the pinned key") as caught:
        store.registry()
    assert caught.value.reason == "wrong_key"
    # another key's signature that claims to be the pinned operator's does not verify either
    claimed = json.loads(signature)
    claimed["operator_key"] = operator_fingerprint(store.operator_public_key())
    signature_path(store.registry_path).write_text(json.dumps(claimed))
    with pytest.raises(RegistrySignatureError) as caught:
        store.registry()
    assert caught.value.reason == "bad_signature"


def test_the_signature_covers_the_exact_bytes_behind_a_domain_prefix(tmp_path: Path) -> None:
    store = KeyStore(tmp_path)
    store.create("refco")
    data = store.registry_path.read_bytes()
    document = json.loads(signature_path(store.registry_path).read_text())
    assert SIGNATURE_DOMAIN.startswith(b"cca-hub key registry signature")
    message = SIGNATURE_DOMAIN + f"{document['serial']}\n{document['signed_at']}\n".encode() + data
    raw = base64.urlsafe_b64decode(document["signature"] + "==")
    store.operator_public_key().verify(raw, message)
    # one byte of whitespace more is another registry
    store.registry_path.write_bytes(data + b" ")
    with pytest.raises(RegistrySignatureError):
        store.registry()


def test_the_operator_key_is_pinned_outside_the_registry_and_kept_owner_only(
    tmp_path: Path,
) -> None:
    store = KeyStore(tmp_path)
    store.create("refco")
    pin = store.operator_pin_path.read_bytes()
    assert pin.startswith(b"-----BEGIN PUBLIC KEY-----")
    assert store.operator_pin_path != store.registry_path
    assert b"operator" not in store.registry_path.read_bytes()
    private = store.operator_private_path
    assert stat.S_IMODE(private.stat().st_mode) == 0o600
    assert stat.S_IMODE(private.parent.stat().st_mode) == 0o700
    assert private.read_bytes().startswith(b"-----BEGIN ENCRYPTED PRIVATE KEY-----")


def test_the_pinned_key_can_be_named_by_a_setting(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pin = tmp_path / "elsewhere" / "operator.pub"
    monkeypatch.setenv("HUB_OPERATOR_KEY", str(pin))
    store = KeyStore(tmp_path / "state")
    store.create("refco")
    assert pin.exists()
    assert not (tmp_path / "state" / "keys" / "operator.pub").exists()
    assert len(RegistryReloader(store.registry_path).current()) == 1


def test_the_reloader_refuses_an_older_signed_registry_put_back(tmp_path: Path) -> None:
    store = KeyStore(tmp_path)
    record, _ = store.create("refco")
    before = (store.registry_path.read_bytes(), signature_path(store.registry_path).read_bytes())
    metrics = RegistryMetrics(CollectorRegistry())
    clock = [0.0]
    reloader = RegistryReloader(
        store.registry_path, interval=1.0, clock=lambda: clock[0], metrics=metrics
    )
    store.revoke(record.key_id, "compromised")
    clock[0] = 1.0
    assert reloader.current().get(record.key_id).revoked_at is not None
    assert metrics.serial._value.get() == 2
    store.registry_path.write_bytes(before[0])
    signature_path(store.registry_path).write_bytes(before[1])
    clock[0] = 2.0
    assert reloader.current().get(record.key_id).revoked_at is not None
    assert rejected(metrics, "rollback") == 1


def test_a_service_refuses_to_start_on_an_unsigned_registry(tmp_path: Path) -> None:
    store = KeyStore(tmp_path)
    store.create("refco")
    signature_path(store.registry_path).unlink()
    with pytest.raises(RegistrySignatureError, match="not signed"):
        RegistryReloader(store.registry_path, metrics=RegistryMetrics(CollectorRegistry()))


def test_signing_and_reading_keys_write_nothing(tmp_path: Path) -> None:
    store = KeyStore(tmp_path)
    store.create("refco")
    before = file_stamps(tmp_path)
    reader = KeyStore(tmp_path)
    reader.signer_for("refco")
    reader.registry()
    RegistryReloader(reader.registry_path, metrics=RegistryMetrics(CollectorRegistry())).current()
    assert file_stamps(tmp_path) == before


def test_operator_sign_brings_a_registry_from_before_signing_into_use(tmp_path: Path) -> None:
    store = KeyStore(tmp_path)
    store.create("refco")
    signature_path(store.registry_path).unlink()
    runner = CliRunner()
    init = runner.invoke(app, ["operator", "init", "--state-dir", str(tmp_path)])
    assert init.exit_code == 0, init.stderr
    assert "exists" in init.stdout
    assert "is not signed" in init.stderr
    signed = runner.invoke(app, ["operator", "sign", "--state-dir", str(tmp_path)])
    assert signed.exit_code == 0, signed.stderr
    assert "(1 keys) as revision 1" in signed.stdout
    assert len(KeyStore(tmp_path).registry()) == 1


def test_a_registry_change_needs_the_operator_key_that_is_pinned(tmp_path: Path) -> None:
    store = KeyStore(tmp_path)
    store.create("refco")
    store.operator_private_path.unlink()
    with pytest.raises(RegistrySignatureError, match="has no private key here"):
        store.create("aiamp")


# -- private keys at rest --------------------------------------------------------


def test_a_private_key_file_is_encrypted_and_unreadable_without_the_passphrase(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HUB_KEY_PASSPHRASE", PASSPHRASE)
    store = KeyStore(tmp_path)
    record, _ = store.create("refco")
    path = store.private_key_path("refco", record.key_id)
    pem = path.read_bytes()
    assert pem.startswith(b"-----BEGIN ENCRYPTED PRIVATE KEY-----")
    with pytest.raises(TypeError):
        load_pem_private_key(pem, password=None)
    assert load_pem_private_key(pem, password=PASSPHRASE.encode()) is not None
    monkeypatch.setenv("HUB_KEY_PASSPHRASE", "not the passphrase")
    with pytest.raises(InsecureKeyFileError, match="cannot be decrypted") as caught:
        KeyStore(tmp_path).signer_for("refco")
    assert "not the passphrase" not in str(caught.value)
    assert not (tmp_path / "keys" / "passphrase").exists()


def test_the_passphrase_appears_in_no_log_record_and_no_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setenv("HUB_KEY_PASSPHRASE", PASSPHRASE)
    errors = []
    with caplog.at_level(logging.DEBUG):
        store = KeyStore(tmp_path)
        record, signer = store.create("refco")
        store.rotate("refco")
        store.signer_for("refco")
        store.revoke(record.key_id, "test")
        store.sign_registry()
        monkeypatch.setenv("HUB_KEY_PASSPHRASE", PASSPHRASE + "x")
        for attempt in (lambda: KeyStore(tmp_path).signer_for("refco"), store.init_operator):
            with pytest.raises(InsecureKeyFileError) as caught:
                attempt()
            errors.append(f"{caught.value!s} {caught.value!r}")
        passphrase_file = tmp_path / "secret"
        passphrase_file.write_text(PASSPHRASE + "\n")
        monkeypatch.setenv("HUB_KEY_PASSPHRASE_FILE", str(passphrase_file))
        with pytest.raises(PassphraseError) as both:
            store.passphrase()
        errors.append(str(both.value))
    shown = caplog.text + "\n".join(errors) + repr(store) + repr(signer)
    shown += repr(store.passphrase) + "".join(r.getMessage() for r in caplog.records)
    assert record.key_id in caplog.text
    assert PASSPHRASE not in shown
    assert "HUB_KEY_PASSPHRASE" in both.value.args[0]


def test_the_passphrase_can_come_from_a_file_and_never_from_an_option(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    secret = tmp_path / "passphrase-secret"
    secret.write_text(PASSPHRASE + "\n")
    secret.chmod(0o400)
    monkeypatch.setenv("HUB_KEY_PASSPHRASE_FILE", str(secret))
    store = KeyStore(tmp_path / "state")
    record, _ = store.create("refco")
    pem = store.private_key_path("refco", record.key_id).read_bytes()
    assert load_pem_private_key(pem, password=PASSPHRASE.encode()) is not None
    monkeypatch.delenv("HUB_KEY_PASSPHRASE_FILE")
    monkeypatch.setenv("HUB_KEY_PASSPHRASE", PASSPHRASE)
    assert KeyStore(tmp_path / "state").signer_for("refco").key_id == record.key_id
    for command in ("create", "rotate", "revoke", "encrypt"):
        help_text = CliRunner().invoke(app, [command, "--help"]).stdout
        assert "passphrase" not in help_text.lower(), command


def test_the_default_passphrase_file_is_made_owner_only_on_first_use(tmp_path: Path) -> None:
    KeyStore(tmp_path).create("refco")
    path = tmp_path / "keys" / "passphrase"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    path.chmod(0o644)
    with pytest.raises(PassphraseError, match="0600"):
        KeyStore(tmp_path).signer_for("refco")


def test_an_unencrypted_key_is_refused_unless_allowed_and_can_be_encrypted(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    store = KeyStore(tmp_path)
    record, _ = store.create("refco")
    path = store.private_key_path("refco", record.key_id)
    key = read_private_key(path, store.passphrase)
    path.write_bytes(key.private_bytes(Encoding.PEM, PrivateFormat.PKCS8, NoEncryption()))
    with pytest.raises(InsecureKeyFileError, match="not encrypted"):
        store.signer_for("refco")
    monkeypatch.setenv("HUB_KEY_ALLOW_UNENCRYPTED", "1")
    with caplog.at_level(logging.WARNING, logger="hub.keys.private"):
        assert store.signer_for("refco").key_id == record.key_id
    assert "is not encrypted" in caplog.text
    monkeypatch.delenv("HUB_KEY_ALLOW_UNENCRYPTED")
    result = CliRunner().invoke(app, ["encrypt", "--state-dir", str(tmp_path)])
    assert result.exit_code == 0, result.stderr
    assert str(path) in result.stdout
    assert path.read_bytes().startswith(b"-----BEGIN ENCRYPTED PRIVATE KEY-----")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert store.signer_for("refco").key_id == record.key_id


def test_setting_both_passphrase_variables_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HUB_KEY_PASSPHRASE", PASSPHRASE)
    monkeypatch.setenv("HUB_KEY_PASSPHRASE_FILE", os.devnull)
    with pytest.raises(PassphraseError, match="not both"):
        KeyStore(tmp_path).create("refco")
