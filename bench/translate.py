"""Translate throughput per network: records/s of ``translate`` (parse + envelope) over each
adapter's golden native messages, on one core. Plain script, not a test:

    .venv/bin/python bench/translate.py [--seconds 2]
"""

from __future__ import annotations

import argparse
import os
import time
from pathlib import Path

from adapters.sdk import Translated, get_adapter, slugs, translate

GOLDEN = Path(__file__).resolve().parents[1] / "tests" / "adapters"


def natives(slug: str) -> list[bytes]:
    folder = GOLDEN / slug.replace("-", "_") / "golden"
    return [
        next(case.glob("native.*")).read_bytes()
        for case in sorted(folder.iterdir())
        if case.is_dir()
    ]


def measure(slug: str, seconds: float) -> tuple[float, float]:
    """(accepted records/s, all messages/s) over the goldens, repeated for ``seconds``."""
    adapter = get_adapter(slug)
    samples = natives(slug)
    records = messages = 0
    started = time.perf_counter()
    while time.perf_counter() - started < seconds:
        for native in samples:
            records += sum(isinstance(r, Translated) for r in translate(adapter, native))
            messages += 1
    elapsed = time.perf_counter() - started
    return records / elapsed, messages / elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=2.0)
    args = parser.parse_args()
    print(f"load average: {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores")
    print(f"{'network':<10} {'records/s':>10} {'messages/s':>11}")
    for slug in slugs():
        records, messages = measure(slug, args.seconds)
        print(f"{slug:<10} {records:>10.0f} {messages:>11.0f}")


if __name__ == "__main__":
    main()
