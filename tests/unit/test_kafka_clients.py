"""Every Kafka client the hub or its benchmark makes is built by `hub.access.clients`, so
none can miss its TLS and SASL settings: a constructor called anywhere else fails here."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from hub.access.clients import AccessError, KafkaAccess

ROOT = Path(__file__).resolve().parents[2]
CONSTRUCTORS = {"AIOKafkaProducer", "AIOKafkaConsumer", "AIOKafkaAdminClient", "KafkaBroker"}
BUILDER = ROOT / "hub" / "access" / "clients.py"


def _constructed(path: Path) -> list[tuple[int, str]]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            name = (
                node.func.attr
                if isinstance(node.func, ast.Attribute)
                else getattr(node.func, "id", "")
            )
            if name in CONSTRUCTORS:
                found.append((node.lineno, name))
    return found


def test_no_kafka_client_is_made_outside_the_one_builder() -> None:
    offenders = [
        f"{path.relative_to(ROOT)}:{line} {name}(...)"
        for folder in ("hub", "bench", "adapters", "contract")
        for path in sorted((ROOT / folder).rglob("*.py"))
        if path != BUILDER
        for line, name in _constructed(path)
    ]
    assert not offenders, "build it with hub.access.clients: " + ", ".join(offenders)


def test_the_builder_is_where_the_clients_are_made() -> None:
    assert {name for _, name in _constructed(BUILDER)} == CONSTRUCTORS


@pytest.mark.parametrize(
    "bootstrap", ["10.0.0.5:9092", "kafka.cca.example:9092", "127.0.0.1:9092,10.1.1.1:9092"]
)
def test_plaintext_is_refused_off_loopback(bootstrap: str) -> None:
    with pytest.raises(AccessError, match="loopback only"):
        KafkaAccess.plaintext(bootstrap)


@pytest.mark.parametrize("bootstrap", ["127.0.0.1:9095", "localhost:9095", "[::1]:9095"])
def test_plaintext_is_allowed_on_loopback(bootstrap: str) -> None:
    assert KafkaAccess.plaintext(bootstrap).options()["security_protocol"] == "PLAINTEXT"


def test_mtls_needs_a_certificate_and_scram_a_password_file(tmp_path: Path) -> None:
    with pytest.raises(AccessError, match="certificate"):
        KafkaAccess(bootstrap="kafka:9092", security="mtls", ca=tmp_path / "ca.pem")
    with pytest.raises(AccessError, match="password file"):
        KafkaAccess(
            bootstrap="kafka:9094", security="scram", ca=tmp_path / "ca.pem", username="net.refco"
        )


def test_a_scram_password_is_in_no_repr_and_no_error(tmp_path: Path) -> None:
    secret = "correct horse battery staple 42"
    (tmp_path / "pw").write_text(secret + "\n", encoding="utf-8")
    access = KafkaAccess(
        bootstrap="kafka:9094",
        security="scram",
        ca=tmp_path / "missing-ca.pem",
        username="net.refco",
        password_file=tmp_path / "pw",
    )
    assert secret not in repr(access)
    with pytest.raises(AccessError) as refused:
        access.options()  # the CA file is missing
    assert secret not in str(refused.value)
