"""Signing and verification throughput: per core, across threads, and with ParallelVerifier.

Run:  .venv/bin/python bench/signing.py [--events 4000] [--repeat 5] [--json]

The corpus is generated from a fixed seed and its SHA-256 is printed, so two
runs (before/after a change) can be checked to have measured the same events.
Keys are derived from fixed seeds too. Figures are the best of ``--repeat``.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import json
import os
import random
import statistics
import sys
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from contract.keys import KeyRegistry
from contract.signing import Signer, canonical_json, signing_payload
from hub.core.verifier import ParallelVerifier, VerifyItem, verify_items

NETWORKS = ("refco", "aiamp", "rempm", "clacip", "ameripol", "oas-hien", "interpol")
NOT_BEFORE = datetime(2026, 1, 1, tzinfo=UTC)
NOT_AFTER = datetime(2036, 1, 1, tzinfo=UTC)


def build_corpus(count: int) -> tuple[list[tuple[str, dict[str, str], bytes]], str]:
    """Deterministic events of realistic size (≈0.5–3 KB of data each) and their hash."""
    rng = random.Random(20260509)
    words = ["tráfico", "armas", "cocaína", "lavado", "extorsión", "migrantes", "puerto", "ruta"]
    events = []
    digest = hashlib.sha256()
    for n in range(count):
        network = NETWORKS[n % len(NETWORKS)]
        data = canonical_json(
            {
                "reference": f"{network.upper()}-2026-{n:06d}",
                "summary": " ".join(rng.choice(words) for _ in range(rng.randint(40, 300))),
                "persons": [
                    {"full_name": f"Persona {rng.randint(1, 10**6)}", "birth_date": "1980"}
                    for _ in range(rng.randint(0, 5))
                ],
                "countries": rng.sample(["CO", "PA", "CR", "MX", "GT", "HN", "BR"], 3),
            }
        )
        attributes = {
            "id": f"{network}:{n:08x}",
            "source": f"urn:cca:net:{network}",
            "type": "cca.case.referral.v1",
            "time": f"2026-05-{1 + n % 28:02d}T{n % 24:02d}:00:00Z",
            "subject": f"{network.upper()}-2026-{n:06d}",
            "dataschema": "urn:cca:schema:case.referral:v1",
            "caseid": f"CCA-2026-{n:06d}",
            "classification": "RESTRICTED",
        }
        digest.update(signing_payload(attributes, data))
        events.append((network, attributes, data))
    return events, digest.hexdigest()


def build_keys() -> tuple[KeyRegistry, dict[str, Signer]]:
    registry = KeyRegistry()
    signers = {}
    for network in NETWORKS:
        seed = hashlib.sha256(f"bench-{network}".encode()).digest()
        key = Ed25519PrivateKey.from_private_bytes(seed)
        record = registry.add(network, key.public_key(), NOT_BEFORE, NOT_AFTER)
        signers[network] = Signer(record.key_id, key)
    return registry, signers


def best_rate(count: int, repeat: int, run: Callable[[], object]) -> float:
    """Operations per second of the fastest of ``repeat`` runs of ``count`` operations."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return count / min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=4000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--json", action="store_true", help="one JSON object on stdout")
    args = parser.parse_args()

    events, corpus_hash = build_corpus(args.events)
    registry, signers = build_keys()
    items = [
        VerifyItem(
            network, signers[network].key_id, attrs, data, signers[network].sign(attrs, data)
        )
        for network, attrs, data in events
    ]
    now = datetime.now(UTC)
    assert all(r is None for r in verify_items(registry, items, now)), "corpus must verify"
    count, repeat = len(items), args.repeat
    cores = len(os.sched_getaffinity(0))
    results: dict[str, float] = {}

    # Raw Ed25519 on one payload, to separate the primitive from our own overhead.
    key = Ed25519PrivateKey.from_private_bytes(bytes(32))
    public = key.public_key()
    payload = signing_payload(events[0][1], events[0][2])
    raw_signature = key.sign(payload)
    results["raw_sign_per_s"] = best_rate(
        count, repeat, lambda: [key.sign(payload) for _ in range(count)]
    )
    results["raw_verify_per_s"] = best_rate(
        count, repeat, lambda: [public.verify(raw_signature, payload) for _ in range(count)]
    )

    # The hub's own calls on one core.
    results["signer_sign_per_s"] = best_rate(
        count,
        repeat,
        lambda: [signers[network].sign(attrs, data) for network, attrs, data in events],
    )
    results["registry_verify_per_s"] = best_rate(
        count, repeat, lambda: verify_items(registry, items, now)
    )

    # Does Ed25519 verify release the GIL? Same work split over threads.
    for threads in (1, cores, 2 * cores):

        def threaded(threads: int = threads) -> None:
            share = count // threads
            with ThreadPoolExecutor(threads) as pool:
                list(
                    pool.map(
                        lambda _: [public.verify(raw_signature, payload) for _ in range(share)],
                        range(threads),
                    )
                )

        results[f"raw_verify_{threads}_threads_per_s"] = best_rate(
            count // threads * threads, repeat, threaded
        )

    # ParallelVerifier, as the router calls it, at several batch sizes.
    async def parallel(batch: int) -> float:
        async with ParallelVerifier(registry) as verifier:
            await verifier.verify_many(items[: max(batch, 8)])  # warm the pool

            async def once() -> None:
                for start in range(0, count, batch):
                    await verifier.verify_many(items[start : start + batch])

            times = []
            for _ in range(repeat):
                began = time.perf_counter()
                await once()
                times.append(time.perf_counter() - began)
            return count / min(times)

    for batch in (1, 8, 32, 128, 512, count):
        results[f"parallel_batch_{batch}_per_s"] = asyncio.run(parallel(batch))

    summary = {
        "corpus_sha256": corpus_hash,
        "events": count,
        "mean_data_bytes": round(statistics.mean(len(d) for _, _, d in events)),
        "cores": cores,
        "python": sys.version.split()[0],
        **{name: round(value) for name, value in results.items()},
    }
    if args.json:
        print(json.dumps(summary))
        return
    width = max(len(name) for name in summary)
    for name, value in summary.items():
        print(f"{name.ljust(width)}  {value}")
    speedup = results[f"parallel_batch_{count}_per_s"] / results["registry_verify_per_s"]
    print(f"{'parallel_speedup'.ljust(width)}  {speedup:.2f}x over one core")


if __name__ == "__main__":
    main()
