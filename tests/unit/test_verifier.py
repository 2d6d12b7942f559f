"""The parallel verifier answers exactly as the serial check does, in input order."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from contract.keys import KeyRegistry
from contract.signing import Signer, canonical_json
from hub.core.verifier import ParallelVerifier, VerifyItem, verify_items

NOT_BEFORE = datetime(2026, 1, 1, tzinfo=UTC)
NOT_AFTER = datetime(2027, 1, 1, tzinfo=UTC)


def attributes(network: str, n: int, time: str = "2026-05-09T10:00:00Z") -> dict[str, str]:
    return {
        "id": f"{network}:{n}",
        "source": f"urn:cca:net:{network}",
        "type": "cca.intel.report.v1",
        "time": time,
        "subject": f"R-{n}",
        "dataschema": "urn:cca:schema:intel.report:v1",
        "caseid": f"CCA-2026-{n:06d}",
        "classification": "CONFIDENTIAL",
    }


@pytest.fixture(scope="module")
def keys() -> tuple[KeyRegistry, dict[str, Signer]]:
    registry = KeyRegistry()
    signers = {}
    for network in ("refco", "clacip"):
        key = Ed25519PrivateKey.generate()
        record = registry.add(network, key.public_key(), NOT_BEFORE, NOT_AFTER)
        signers[network] = Signer(record.key_id, key)
    retired = Ed25519PrivateKey.generate()
    old = datetime(2020, 1, 1, tzinfo=UTC)
    record = registry.add("refco", retired.public_key(), old, old + timedelta(days=365))
    signers["retired"] = Signer(record.key_id, retired)
    return registry, signers


def item(signers: dict[str, Signer], n: int) -> VerifyItem:
    """Item ``n`` of a mixed batch: every fifth kind of failure at a known position."""
    network = ("refco", "clacip")[n % 2]
    signer = signers[network]
    attrs = attributes(network, n)
    data = canonical_json({"reference": f"R-{n}", "summary": "x" * (n % 7)})
    signature = signer.sign(attrs, data)
    match n % 6:
        case 1:
            data = data + b" "  # bad_signature
        case 2:
            signature = signature[:-1]  # malformed
        case 3:
            retired = signers["retired"]  # expired_key: neither now nor then in its period
            attrs = attributes("refco", n)
            return VerifyItem("refco", retired.key_id, attrs, data, retired.sign(attrs, data))
        case 4:
            return VerifyItem(
                "refco" if network == "clacip" else "clacip", signer.key_id, attrs, data, signature
            )
        case 5:
            return VerifyItem(network, f"{network}-20260101-00000000", attrs, data, signature)
    return VerifyItem(network, signer.key_id, attrs, data, signature)


EXPECTED_BY_KIND = [
    None,
    "bad_signature",
    "malformed",
    "expired_key",
    "wrong_network",
    "unknown_key",
]


@pytest.fixture
def verifier(keys: tuple[KeyRegistry, dict[str, Signer]]) -> Iterator[ParallelVerifier]:
    parallel = ParallelVerifier(keys[0], workers=2, inline_below=4)
    yield parallel
    parallel.close()


async def test_a_large_batch_gets_the_serial_answers_in_order(
    keys: tuple[KeyRegistry, dict[str, Signer]], verifier: ParallelVerifier
) -> None:
    registry, signers = keys
    items = [item(signers, n) for n in range(203)]
    results = await verifier.verify_many(items)
    assert results == verify_items(registry, items, datetime.now(UTC))
    assert [r.reason if r else None for r in results] == [
        EXPECTED_BY_KIND[n % 6] for n in range(203)
    ]
    assert any(t.name.startswith("hub-verify") for t in threading.enumerate())


@pytest.mark.parametrize("size", [0, 1, 3, 4, 5, 9])
async def test_batches_of_any_size_get_one_answer_per_item(
    size: int, keys: tuple[KeyRegistry, dict[str, Signer]], verifier: ParallelVerifier
) -> None:
    _, signers = keys
    items = [item(signers, n) for n in range(size)]
    results = await verifier.verify_many(items)
    assert [r.reason if r else None for r in results] == [
        EXPECTED_BY_KIND[n % 6] for n in range(size)
    ]


async def test_a_revocation_takes_effect_from_the_next_batch(
    keys: tuple[KeyRegistry, dict[str, Signer]],
) -> None:
    registry, signers = keys
    current = [registry]
    revoked = KeyRegistry.from_json(registry.to_json())
    revoked.revoke(signers["refco"].key_id, NOT_BEFORE, "compromised")
    items = [item(signers, 0)] * 10
    async with ParallelVerifier(lambda: current[0], workers=2, inline_below=2) as verifier:
        assert await verifier.verify_many(items) == [None] * 10
        current[0] = revoked
        after = await verifier.verify_many(items)
    assert {r.reason if r else None for r in after} == {"revoked_key"}


async def test_one_worker_verifies_inline(keys: tuple[KeyRegistry, dict[str, Signer]]) -> None:
    registry, signers = keys
    items = [item(signers, n) for n in range(30)]
    verifier = ParallelVerifier(registry, workers=1)
    assert await verifier.verify_many(items) == verify_items(registry, items, datetime.now(UTC))
    assert "workers=1" in repr(verifier)
