"""The custody log's own cost in the router: per event (the entry's leaf hash, noted in the
batch, then applied to its partition's Merkle log) and per signed tree head (a copy of the
log's frontier, its root, the Ed25519 signature and the encoding), on one core.

Run:  .venv/bin/python -m bench.custody [--entries 100000] [--size 1000000] [--json]

The entries are custody entries of the size the router writes (about 900 bytes). Figures
are the best of ``--repeat`` rounds. Compare them with the router's whole cost per event
(BENCHMARKS.md) for the share custody takes.
"""

from __future__ import annotations

import argparse
import json
import time
from datetime import UTC, datetime

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from contract.signing import Signer, canonical_json
from hub.core.custody import Appended, CustodyLogs


def _entries(count: int) -> list[bytes]:
    return [
        canonical_json(
            {
                "event_id": f"{n:08d}-0000-5000-8000-000000000000",
                "case_id": "CCA-ABCD-EFGH-IJKL-MNOP",
                "network": "refco",
                "type": "cca.case.referral.v1",
                "key_id": "refco-20260101-0123abcd",
                "signature": "s" * 86,
                "signature_verified": True,
                "native_sha256": "a" * 64,
                "canonical_sha256": "b" * 64,
                "input": {"topic": "cca.canonical.v1", "partition": 3, "offset": n},
                "outcome": "routed",
                "level": "RESTRICTED",
                "tlp": "AMBER",
                "desks": ["drug-trafficking", "money-laundering"],
                "withheld": [],
                "decisions": [
                    {"desk": d, "outcome": "delivered", "rule": "level+tlp", "clearance": "SECRET"}
                    for d in ("drug-trafficking", "money-laundering")
                ],
                "router": "router-1",
                "routed_at": "2026-12-07T10:00:00.000000Z",
            }
        )
        for n in range(count)
    ]


def per_entry_us(entries: list[bytes]) -> float:
    logs = CustodyLogs(every=10**9, interval_s=10**9)
    start = time.perf_counter()
    for batch in range(0, len(entries), 500):
        appended = Appended()
        for entry in entries[batch : batch + 500]:
            logs.add(0, entry, appended)
        logs.apply(appended)
    return (time.perf_counter() - start) / len(entries) * 1e6


def per_head_us(size: int, heads: int, signer: Signer) -> float:
    logs = CustodyLogs(every=1, interval_s=0)
    appended = Appended()
    for n in range(size):
        logs.add(0, n.to_bytes(8, "big"), appended)
    logs.apply(appended)
    at = datetime.now(UTC).isoformat()
    start = time.perf_counter()
    for n in range(heads):
        pending = Appended()
        logs.add(0, n.to_bytes(8, "big"), pending)
        for _part, head in logs.heads(pending, time.time(), at, "router-1", signer):
            head.encode()
    return (time.perf_counter() - start) / heads * 1e6 - per_entry_us([b"x" * 8] * 1000)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=100_000)
    parser.add_argument("--size", type=int, default=1_000_000, help="log size at each head")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    entries = _entries(args.entries)
    signer = Signer("cca-router-20260101-00000000", Ed25519PrivateKey.generate())
    entry = min(per_entry_us(entries) for _ in range(args.repeat))
    head = min(per_head_us(args.size, 2000, signer) for _ in range(args.repeat))
    result = {
        "entry_bytes": len(entries[0]),
        "per_entry_us": round(entry, 2),
        "per_head_us": round(head, 1),
        "log_size_at_head": args.size,
    }
    if args.json:
        print(json.dumps(result))
    else:
        print(
            f"custody entry ({result['entry_bytes']} bytes): {entry:.2f} µs per event; "
            f"signed head of a {args.size:,}-entry log: {head:.1f} µs"
        )


if __name__ == "__main__":
    main()
