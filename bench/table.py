"""The results as Markdown tables, for BENCHMARKS.md."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any


def _num(value: object, digits: int = 0) -> str:
    if value is None:
        return "–"
    if isinstance(value, float | int):
        return f"{value:,.{digits}f}"
    return str(value)


def markdown(result: dict[str, Any]) -> str:
    variants = result["variants"]
    lines = [
        "| variant | msg/s | CPU µs/msg per process | "
        "p50 / p99 / p99.9 ms at 50 % | p50 / p99 / p99.9 ms at 80 % |",
        "|---|---:|---|---:|---:|",
    ]
    for name, v in variants.items():
        t = v["throughput"]
        cpu = ", ".join(f"{k} {_num(x)}" for k, x in t["cpu_us_per_message"].items())
        lat = [
            f"{_num(r['p50_ms'], 1)} / {_num(r['p99_ms'], 1)} / {_num(r['p999_ms'], 1)}"
            + (f" ({_num(r['achieved_rate_per_s'])}/s)")
            for r in v["latency"]
        ]
        lines.append(f"| {name} | {_num(t['rate_per_s'])} | {cpu} | {' | '.join(lat)} |")
    lines += ["", "| ratio | value |", "|---|---:|"]
    lines += [f"| {k} | {v:.3f} |" for k, v in result["ratios"].items()]
    if result.get("targets"):
        lines += ["", "| target | measured | met |", "|---|---:|---|"]
        for k, t in result["targets"].items():
            lines.append(f"| {k} | {_num(t['value'], 2)} | {'yes' if t['met'] else 'no'} |")
    return "\n".join(lines)


def runs(results: Sequence[dict[str, Any]]) -> str:
    """One row per run: throughput of each variant and the load average around it."""
    names = list(results[-1]["variants"])
    lines = [
        "| run | load avg before → after | " + " | ".join(names) + " | hub/raw |",
        "|---|---|" + "---:|" * (len(names) + 1),
    ]
    for r in results:
        m = r["machine"]
        rates = [
            _num(r["variants"].get(n, {}).get("throughput", {}).get("rate_per_s")) for n in names
        ]
        lines.append(
            f"| {r['started_at']} | {m['load_average_before'][0]} → "
            f"{m['load_average_after'][0]} | "
            + " | ".join(rates)
            + f" | {_num(r['ratios'].get('hub/raw'), 3)} |"
        )
    return "\n".join(lines)
