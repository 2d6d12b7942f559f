"""Cost of the hub's metric calls on the hot path, per call, on one core. Plain script:

.venv/bin/python bench/metrics_cost.py
"""

from __future__ import annotations

import os
import timeit

from prometheus_client import CollectorRegistry

from hub.ops.metrics import HubMetrics


def main() -> None:
    m = HubMetrics(CollectorRegistry())
    calls = {
        "Counter.labels().inc()": lambda: m.messages_out.labels("refco", "triage").inc(),
        "Histogram.labels().observe()": lambda: m.end_to_end_seconds.labels("refco").observe(0.1),
        "Histogram.observe() (labels resolved)": m.stage_seconds.labels("route").observe,
    }
    print(f"load average: {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores")
    for name, call in calls.items():
        args = () if "resolved" not in name else (0.01,)
        runs = timeit.repeat(lambda c=call, a=args: c(*a), number=100_000, repeat=5)
        print(f"{name:<40} {min(runs) / 100_000 * 1e6:6.2f} µs")


if __name__ == "__main__":
    main()
