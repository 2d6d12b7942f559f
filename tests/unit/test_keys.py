"""The key registry and the private key store: who may sign, when, and where keys live."""

from __future__ import annotations

import base64
import json
import logging
import os
import stat
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import (
    BestAvailableEncryption,
    Encoding,
    NoEncryption,
    PrivateFormat,
)

from contract.keys import KeyRecord, KeyRegistry, KeyStatus, key_id_for, network_from_source
from contract.keys.signature import sign_registry, signature_path
from contract.signing import Signer, VerificationError, canonical_json
from hub.keys import InsecureKeyFileError, KeyStore, NoSigningKeyError, RegistryReloader

NOT_BEFORE = datetime(2026, 1, 1, tzinfo=UTC)
NOT_AFTER = datetime(2027, 1, 1, tzinfo=UTC)
DATA = canonical_json({"reference": "X-1", "summary": "résumé"})
OPERATOR = Ed25519PrivateKey.generate()
PINNED = OPERATOR.public_key()


def write_signed(path: Path, text: str) -> None:
    """Write a registry document by hand and sign it, so the document's own rules are tested."""
    path.write_text(text)
    signature, _ = sign_registry(path.read_bytes(), OPERATOR, serial=1)
    signature_path(path).write_bytes(signature)


def attributes(network: str = "refco", time: str = "2026-05-09T10:00:00Z") -> dict[str, str]:
    return {
        "id": f"{network}:1",
        "source": f"urn:cca:net:{network}",
        "type": "cca.case.referral.v1",
        "time": time,
        "subject": "X-1",
        "dataschema": "urn:cca:schema:case.referral:v1",
        "caseid": "CCA-2026-000001",
        "classification": "PUBLIC",
    }


def stamp(at: datetime) -> str:
    return at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def registry_with_key(
    network: str = "refco", not_before: datetime = NOT_BEFORE, not_after: datetime = NOT_AFTER
) -> tuple[KeyRegistry, Signer]:
    key = Ed25519PrivateKey.generate()
    registry = KeyRegistry()
    record = registry.add(network, key.public_key(), not_before, not_after)
    return registry, Signer(record.key_id, key)


def reason_of(
    registry: KeyRegistry,
    signer: Signer,
    attrs: dict[str, str],
    *,
    network: str = "refco",
    key_id: str | None = None,
    now: datetime = datetime(2026, 6, 1, tzinfo=UTC),
) -> str | None:
    signature = signer.sign(attrs, DATA)
    try:
        registry.verify(network, key_id or signer.key_id, attrs, DATA, signature, now=now)
    except VerificationError as error:
        return error.reason
    return None


def private_material(key: Ed25519PrivateKey) -> list[str]:
    """Every spelling of the private key that must never be printed or logged."""
    raw = key.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())
    pem = key.private_bytes(Encoding.PEM, PrivateFormat.PKCS8, NoEncryption()).decode()
    body = "".join(line for line in pem.splitlines() if not line.startswith("-----"))
    return [
        raw.hex(),
        base64.b64encode(raw).decode().rstrip("="),
        base64.urlsafe_b64encode(raw).decode().rstrip("="),
        body,
        "PRIVATE KEY",
    ]


# -- key ids and names ---------------------------------------------------------


def test_a_key_id_names_the_network_the_utc_day_and_the_key() -> None:
    key = Ed25519PrivateKey.generate().public_key()
    evening_in_panama = datetime(2026, 5, 9, 21, 30, tzinfo=timezone(timedelta(hours=-5)))
    key_id = key_id_for("oas-hien", key, evening_in_panama)
    network, day, fingerprint = key_id.rsplit("-", 2)
    assert (network, day) == ("oas-hien", "20260510")
    assert len(fingerprint) == 8
    assert int(fingerprint, 16) >= 0


def test_a_network_slug_comes_from_a_cca_source_only() -> None:
    assert network_from_source("urn:cca:net:oas-hien") == "oas-hien"
    assert network_from_source("urn:cca:net:") is None
    assert network_from_source("urn:cca:net:Refco") is None
    assert network_from_source("https://example.org/refco") is None


@pytest.mark.parametrize("network", ["", "Refco", "re fco", "../etc", "-refco", "a" * 41])
def test_a_key_cannot_be_added_for_something_that_is_not_a_slug(network: str) -> None:
    with pytest.raises(ValueError, match="slug"):
        KeyRegistry().add(network, Ed25519PrivateKey.generate().public_key(), NOT_BEFORE, NOT_AFTER)


def test_the_same_public_key_cannot_be_registered_twice() -> None:
    key = Ed25519PrivateKey.generate().public_key()
    registry = KeyRegistry()
    registry.add("refco", key, NOT_BEFORE, NOT_AFTER)
    with pytest.raises(ValueError, match="already registered"):
        registry.add("aiamp", key, NOT_BEFORE, NOT_AFTER)


def test_naive_times_are_refused() -> None:
    key = Ed25519PrivateKey.generate().public_key()
    with pytest.raises(ValueError, match="timezone"):
        KeyRegistry().add("refco", key, datetime(2026, 1, 1), NOT_AFTER)


# -- verification outcomes -------------------------------------------------------


def test_a_valid_event_verifies() -> None:
    registry, signer = registry_with_key()
    assert reason_of(registry, signer, attributes()) is None


def test_an_unregistered_key_is_an_unknown_key() -> None:
    registry, _ = registry_with_key()
    stranger = Signer("refco-20260101-0badc0de", Ed25519PrivateKey.generate())
    assert reason_of(registry, stranger, attributes()) == "unknown_key"


def test_a_key_id_that_is_not_one_is_malformed() -> None:
    registry, signer = registry_with_key()
    assert reason_of(registry, signer, attributes(), key_id="../../etc/passwd") == "malformed"


def test_another_networks_key_is_the_wrong_network() -> None:
    registry, refco = registry_with_key("refco")
    aiamp_key = Ed25519PrivateKey.generate()
    aiamp_record = registry.add("aiamp", aiamp_key.public_key(), NOT_BEFORE, NOT_AFTER)
    aiamp = Signer(aiamp_record.key_id, aiamp_key)
    assert reason_of(registry, aiamp, attributes("refco")) == "wrong_network"
    assert reason_of(registry, aiamp, attributes("aiamp"), network="refco") == "wrong_network"
    assert reason_of(registry, refco, attributes("aiamp"), network="refco") == "wrong_network"
    assert reason_of(registry, aiamp, attributes("aiamp"), network="aiamp") is None


def test_an_expired_key_is_refused_for_events_dated_after_its_period() -> None:
    registry, signer = registry_with_key()
    later = NOT_AFTER + timedelta(days=30)
    at_expiry = attributes(time=stamp(NOT_AFTER))
    assert reason_of(registry, signer, at_expiry, now=later) == "expired_key"
    assert reason_of(registry, signer, at_expiry, now=NOT_AFTER) == "expired_key"


def test_an_expired_key_still_verifies_what_it_signed_while_valid() -> None:
    registry, signer = registry_with_key()
    last_second = attributes(time=stamp(NOT_AFTER - timedelta(seconds=1)))
    assert reason_of(registry, signer, last_second, now=NOT_AFTER + timedelta(days=300)) is None


def test_a_key_is_refused_before_its_period_starts() -> None:
    registry, signer = registry_with_key()
    early = NOT_BEFORE - timedelta(seconds=1)
    assert reason_of(registry, signer, attributes(time=stamp(early)), now=early) == "not_yet_valid"


def test_a_current_key_verifies_a_message_the_network_sent_before_the_key_existed() -> None:
    registry, signer = registry_with_key()
    sent_last_year = attributes(time="2025-03-01T00:00:00Z")
    assert reason_of(registry, signer, sent_last_year, now=NOT_BEFORE) is None
    assert reason_of(registry, signer, sent_last_year, now=NOT_AFTER) == "expired_key"


def test_a_revoked_key_is_refused_even_for_events_dated_before_the_revocation() -> None:
    registry, signer = registry_with_key()
    revoked_at = datetime(2026, 3, 1, tzinfo=UTC)
    registry.revoke(signer.key_id, revoked_at, "key file leaked")
    old_event = attributes(time="2026-02-01T00:00:00Z")
    assert reason_of(registry, signer, old_event, now=revoked_at) == "revoked_key"
    assert reason_of(registry, signer, old_event, now=revoked_at - timedelta(seconds=1)) is None


def test_a_revocation_set_for_later_refuses_events_dated_after_it() -> None:
    registry, signer = registry_with_key()
    registry.revoke(signer.key_id, datetime(2026, 9, 1, tzinfo=UTC), "planned retirement")
    now = datetime(2026, 6, 1, tzinfo=UTC)
    assert reason_of(registry, signer, attributes(time="2026-05-01T00:00:00Z"), now=now) is None
    future_event = attributes(time="2026-09-02T00:00:00Z")
    assert reason_of(registry, signer, future_event, now=now) == "revoked_key"


def test_revocation_is_judged_by_the_clock_when_no_time_is_given() -> None:
    registry, signer = registry_with_key()
    registry.revoke(signer.key_id, datetime.now(UTC) - timedelta(seconds=1), "compromised")
    with pytest.raises(VerificationError) as caught:
        registry.verify("refco", signer.key_id, attributes(), DATA, signer.sign(attributes(), DATA))
    assert caught.value.reason == "revoked_key"


@pytest.mark.parametrize("time", ["", "yesterday", "2026-05-09", "2026-05-09T10:00:00", "x" * 100])
def test_an_event_time_that_is_not_rfc3339_is_malformed(time: str) -> None:
    registry, signer = registry_with_key()
    assert reason_of(registry, signer, attributes(time=time)) == "malformed"


def test_a_key_can_be_revoked_once_and_needs_a_reason() -> None:
    registry, signer = registry_with_key()
    with pytest.raises(ValueError, match="reason"):
        registry.revoke(signer.key_id, NOT_BEFORE, "  ")
    registry.revoke(signer.key_id, NOT_BEFORE, "lost")
    with pytest.raises(ValueError, match="already revoked"):
        registry.revoke(signer.key_id, NOT_BEFORE, "lost again")


def test_a_key_status_follows_revocation_then_validity() -> None:
    registry, signer = registry_with_key()
    record = registry.get(signer.key_id)
    assert record.status(NOT_BEFORE - timedelta(days=1)) is KeyStatus.PENDING
    assert record.status(NOT_BEFORE) is KeyStatus.ACTIVE
    assert record.status(NOT_AFTER) is KeyStatus.EXPIRED
    revoked = registry.revoke(signer.key_id, NOT_BEFORE + timedelta(days=1), "lost")
    assert revoked.status(NOT_BEFORE + timedelta(days=2)) is KeyStatus.REVOKED


# -- the registry file -----------------------------------------------------------


def test_a_saved_registry_loads_back_identical_and_still_verifies(tmp_path: Path) -> None:
    registry, signer = registry_with_key()
    registry.add("aiamp", Ed25519PrivateKey.generate().public_key(), NOT_BEFORE, NOT_AFTER)
    registry.revoke(signer.key_id, datetime(2026, 12, 1, tzinfo=UTC), "rotated out")
    path = tmp_path / "keys" / "registry.json"
    registry.save(path, OPERATOR)
    loaded = KeyRegistry.load(path, PINNED)
    assert loaded.records() == registry.records()
    assert loaded.to_json() == registry.to_json()
    assert reason_of(loaded, signer, attributes()) is None
    assert stat.S_IMODE(path.stat().st_mode) == 0o644


def test_the_registry_file_is_a_documented_json_document(tmp_path: Path) -> None:
    registry, signer = registry_with_key()
    path = tmp_path / "registry.json"
    registry.save(path, OPERATOR)
    document = json.loads(path.read_text())
    assert document["format"] == "cca-hub-key-registry"
    assert document["version"] == 1
    (entry,) = document["keys"]
    assert entry["key_id"] == signer.key_id
    assert entry["not_before"] == "2026-01-01T00:00:00Z"
    assert set(entry) == {
        "key_id",
        "network",
        "algorithm",
        "public_key",
        "not_before",
        "not_after",
        "revoked_at",
        "revocation_reason",
    }


def _saved_document(tmp_path: Path) -> tuple[Path, dict[str, object]]:
    registry, _ = registry_with_key()
    path = tmp_path / "registry.json"
    registry.save(path, OPERATOR)
    return path, json.loads(path.read_text())


def test_a_registry_whose_key_does_not_match_its_id_is_refused(tmp_path: Path) -> None:
    path, document = _saved_document(tmp_path)
    other = KeyRegistry()
    other.add("refco", Ed25519PrivateKey.generate().public_key(), NOT_BEFORE, NOT_AFTER)
    document["keys"][0]["public_key"] = other.records()[0].public_key  # type: ignore[index]
    write_signed(path, json.dumps(document))
    with pytest.raises(ValueError, match="does not match"):
        KeyRegistry.load(path, PINNED)


def test_a_registry_with_a_duplicate_key_id_is_refused(tmp_path: Path) -> None:
    path, document = _saved_document(tmp_path)
    document["keys"] = document["keys"] * 2  # type: ignore[operator]
    write_signed(path, json.dumps(document))
    with pytest.raises(ValueError, match="twice"):
        KeyRegistry.load(path, PINNED)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("extra", "field"),
        ("not_before", "2026-01-01T00:00:00"),
        ("not_after", "2025-01-01T00:00:00Z"),
        ("revoked_at", "2026-02-01T00:00:00Z"),
        ("algorithm", "RSA"),
    ],
)
def test_a_registry_entry_breaking_a_rule_is_refused(
    tmp_path: Path, field: str, value: str
) -> None:
    path, document = _saved_document(tmp_path)
    document["keys"][0][field] = value  # type: ignore[index]
    write_signed(path, json.dumps(document))
    with pytest.raises(ValueError, match="invalid key registry"):
        KeyRegistry.load(path, PINNED)


def test_an_oversized_registry_file_is_refused_unread(tmp_path: Path) -> None:
    path = tmp_path / "registry.json"
    path.write_bytes(b" " * (8 * 1024 * 1024 + 1))
    with pytest.raises(ValueError, match="larger than"):
        KeyRegistry.load(path, PINNED)


def test_a_missing_registry_file_is_an_error_unless_empty_is_asked_for(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        KeyRegistry.load(tmp_path / "nope.json", PINNED)
    assert len(KeyRegistry.load_or_empty(tmp_path / "nope.json", PINNED)) == 0


def test_the_reloader_picks_up_a_revocation_after_its_interval(tmp_path: Path) -> None:
    registry, signer = registry_with_key()
    path = tmp_path / "registry.json"
    registry.save(path, OPERATOR)
    clock = [0.0]
    reloader = RegistryReloader(path, operator_key=PINNED, interval=5.0, clock=lambda: clock[0])
    registry.revoke(signer.key_id, NOT_BEFORE, "compromised")
    registry.save(path, OPERATOR)
    assert reloader.current().get(signer.key_id).revoked_at is None
    clock[0] = 5.0
    assert reloader.current().get(signer.key_id).revoked_at == NOT_BEFORE


def test_the_reloader_keeps_the_last_good_registry_when_the_file_breaks(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    registry, signer = registry_with_key()
    path = tmp_path / "registry.json"
    registry.save(path, OPERATOR)
    clock = [0.0]
    reloader = RegistryReloader(path, operator_key=PINNED, interval=1.0, clock=lambda: clock[0])
    write_signed(path, "{not json")
    clock[0] = 1.0
    with caplog.at_level(logging.ERROR, logger="hub.keys.reload"):
        assert signer.key_id in reloader.current()
    assert "not reloaded" in caplog.text


# -- the private key store -------------------------------------------------------


def test_a_created_key_is_stored_owner_only_and_registered(tmp_path: Path) -> None:
    store = KeyStore(tmp_path)
    record, signer = store.create("refco", valid_days=30)
    path = tmp_path / "keys" / "private" / "refco" / f"{record.key_id}.pem"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    assert stat.S_IMODE(path.parent.parent.stat().st_mode) == 0o700
    assert store.registry().get(record.key_id) == record
    assert record.not_after - record.not_before == timedelta(days=30)
    assert record.not_before.microsecond == 0
    first_second = attributes(time=stamp(record.not_before))
    assert reason_of(store.registry(), signer, first_second, now=record.not_before) is None


def test_private_keys_are_written_owner_only_whatever_the_umask(tmp_path: Path) -> None:
    previous = os.umask(0)
    try:
        record, _ = KeyStore(tmp_path).create("refco")
    finally:
        os.umask(previous)
    path = tmp_path / "keys" / "private" / "refco" / f"{record.key_id}.pem"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_the_signer_for_a_network_signs_with_its_stored_key(tmp_path: Path) -> None:
    store = KeyStore(tmp_path)
    record, _ = store.create("refco")
    signer = store.signer_for("refco")
    assert signer.key_id == record.key_id
    first_second = attributes(time=stamp(record.not_before))
    assert reason_of(store.registry(), signer, first_second, now=record.not_before) is None


def test_a_network_without_a_key_has_no_signer(tmp_path: Path) -> None:
    store = KeyStore(tmp_path)
    store.create("refco")
    with pytest.raises(NoSigningKeyError):
        store.signer_for("aiamp")


def test_a_revoked_key_is_never_used_for_signing(tmp_path: Path) -> None:
    store = KeyStore(tmp_path)
    record, _ = store.create("refco")
    store.revoke(record.key_id, "compromised")
    with pytest.raises(NoSigningKeyError):
        store.signer_for("refco")
    assert store.registry().get(record.key_id).revocation_reason == "compromised"


def test_a_private_key_readable_by_others_is_refused(tmp_path: Path) -> None:
    store = KeyStore(tmp_path)
    record, _ = store.create("refco")
    store.private_key_path("refco", record.key_id).chmod(0o644)
    with pytest.raises(InsecureKeyFileError, match="0600"):
        store.signer_for("refco")


def test_a_private_key_file_that_does_not_match_the_registry_is_refused(tmp_path: Path) -> None:
    store = KeyStore(tmp_path)
    record, _ = store.create("refco")
    other = Ed25519PrivateKey.generate().private_bytes(
        Encoding.PEM, PrivateFormat.PKCS8, BestAvailableEncryption(store.passphrase().secret())
    )
    store.private_key_path("refco", record.key_id).write_bytes(other)
    with pytest.raises(InsecureKeyFileError, match="does not match"):
        store.signer_for("refco")


def test_rotation_keeps_the_old_key_verifiable_during_the_overlap(tmp_path: Path) -> None:
    store = KeyStore(tmp_path)
    start = datetime(2026, 1, 1, tzinfo=UTC)
    old, old_signer = store.create("refco", now=start)
    rotated_at = start + timedelta(days=100)
    new, _ = store.rotate("refco", overlap_days=7, now=rotated_at)
    registry = store.registry()

    assert registry.get(old.key_id).not_after == rotated_at + timedelta(days=7)
    assert store.signer_for("refco", at=rotated_at + timedelta(days=1)).key_id == new.key_id
    in_overlap = attributes(time=stamp(rotated_at + timedelta(days=6)))
    after_overlap = attributes(time=stamp(rotated_at + timedelta(days=7)))
    now = rotated_at + timedelta(days=30)
    assert reason_of(registry, old_signer, in_overlap, now=now) is None
    assert reason_of(registry, old_signer, after_overlap, now=now) == "expired_key"
    assert store.signer_for("refco", at=rotated_at + timedelta(days=8)).key_id == new.key_id


def test_rotating_in_the_same_second_as_creating_still_signs_with_the_new_key(
    tmp_path: Path,
) -> None:
    store = KeyStore(tmp_path)
    now = datetime(2026, 1, 1, tzinfo=UTC)
    store.create("refco", now=now)
    new, _ = store.rotate("refco", overlap_days=1, now=now)
    assert store.signer_for("refco", at=now).key_id == new.key_id


def test_a_network_without_keys_cannot_be_rotated(tmp_path: Path) -> None:
    with pytest.raises(NoSigningKeyError):
        KeyStore(tmp_path).rotate("refco")


def test_the_state_directory_comes_from_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HUB_STATE_DIR", str(tmp_path))
    store = KeyStore()
    assert store.registry_path == tmp_path / "keys" / "registry.json"


def test_the_store_never_shows_or_logs_private_keys(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    store = KeyStore(tmp_path)
    with caplog.at_level(logging.DEBUG):
        record, signer = store.create("refco")
        store.rotate("refco")
        store.signer_for("refco")
        store.revoke(record.key_id, "test")
    pem_path = store.private_key_path("refco", record.key_id)
    from cryptography.hazmat.primitives.serialization import load_pem_private_key

    passphrase = store.passphrase().secret()
    key = load_pem_private_key(pem_path.read_bytes(), password=passphrase)
    assert isinstance(key, Ed25519PrivateKey)
    shown = caplog.text + repr(store) + repr(signer) + repr(store.registry())
    assert record.key_id in caplog.text
    for secret in [*private_material(key), passphrase.decode()]:
        assert secret not in shown


def test_a_key_record_is_immutable() -> None:
    registry, signer = registry_with_key()
    record: KeyRecord = registry.get(signer.key_id)
    with pytest.raises(ValueError, match="frozen"):
        record.not_after = NOT_AFTER + timedelta(days=1)  # type: ignore[misc]
