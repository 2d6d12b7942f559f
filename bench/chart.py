"""The results as one picture: sustained throughput per variant, and latency percentiles
at 50 % and 80 % of each variant's own maximum, on logarithmic axes (the variants differ
by orders of magnitude). Several results files give the median with min–max bars."""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from pathlib import Path
from typing import Any

PERCENTILES = (("p50_ms", "p50"), ("p99_ms", "p99"), ("p999_ms", "p99.9"))


def _spread(values: Sequence[float]) -> tuple[float, float, float]:
    mid = statistics.median(values)
    return mid, mid - min(values), max(values) - mid


def draw(results: Sequence[dict[str, Any]], out: Path) -> Path:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    names = [n for n in results[-1]["variants"] if all(n in r["variants"] for r in results)]
    fig, (left, right) = plt.subplots(1, 2, figsize=(13, 5), width_ratios=(1, 1.6))

    rates = [
        _spread([r["variants"][n]["throughput"]["rate_per_s"] for r in results]) for n in names
    ]
    bars = left.bar(
        names,
        [m for m, _, _ in rates],
        yerr=[[lo for _, lo, _ in rates], [hi for _, _, hi in rates]],
        color="#4c72b0",
        capsize=4,
    )
    left.bar_label(bars, labels=[f"{m:,.0f}" for m, _, _ in rates], padding=2, fontsize=8)
    left.set_yscale("log")
    left.set_ylabel("messages / s (sustained drain)")
    left.set_title("Throughput")
    left.tick_params(axis="x", labelrotation=25)

    width = 0.13
    colours = ("#8fbbd9", "#1f77b4", "#08306b", "#f4b183", "#ed7d31", "#843c0c")
    x = range(len(names))
    k = 0
    for load_index, load in enumerate(results[-1]["settings"]["loads"]):
        for key, label in PERCENTILES:
            values = []
            for n in names:
                got = [r["variants"][n]["latency"][load_index][key] for r in results]
                got = [g for g in got if g is not None]
                values.append(_spread(got) if got else (0.0, 0.0, 0.0))
            right.bar(
                [i + (k - 2.5) * width for i in x],
                [m for m, _, _ in values],
                width,
                yerr=[[lo for _, lo, _ in values], [hi for _, _, hi in values]],
                label=f"{label} at {load:.0%}",
                color=colours[k],
                capsize=2,
            )
            k += 1
    right.set_xticks(list(x), names, rotation=25)
    right.set_yscale("log")
    right.set_ylabel("end-to-end latency, ms")
    right.set_title("Latency at 50 % and 80 % of each variant's maximum")
    right.legend(fontsize=8, ncols=2)
    right.axhline(100, color="grey", linestyle=":", linewidth=1)

    runs = len(results)
    fig.suptitle(
        f"CCA hub benchmark — {results[-1]['started_at']}"
        + (f", median of {runs} runs" if runs > 1 else ""),
        fontsize=11,
    )
    fig.tight_layout()
    out.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(out, dpi=110)
    plt.close(fig)
    return out
