"""Profiling the running hub: one more drain, with py-spy on the router and the adapters."""

from __future__ import annotations

import asyncio
from pathlib import Path

from bench import profile
from bench.drain import poll_until
from bench.variants.base import RunContext, Target

SECONDS = 20


async def profile_hub(
    ctx: RunContext, target: Target, rate: float, out_dir: Path, seconds: int = SECONDS
) -> dict[str, object]:
    count = min(target.available(ctx), int(rate * (seconds + 5)))
    await target.prefill(ctx, count)
    recorders = {
        child.name: (
            profile.record(child.pid, out_dir / f"profile-{child.name}.txt", seconds),
            out_dir / f"profile-{child.name}.txt",
        )
        for child in target.children
    }
    await poll_until(
        lambda: target.drained(ctx),
        timeout_s=seconds + 120,
        what=lambda: f"hub profile drain ({target.waiting})",
    )
    out: dict[str, object] = {"messages": count, "seconds": seconds, "rate_hz": 100}
    for name, (proc, path) in recorders.items():
        await asyncio.to_thread(proc.wait, seconds + 60)
        if proc.returncode != 0 or not path.is_file():
            error = (proc.stderr.read() if proc.stderr else b"").decode(errors="replace")
            out[name] = {"error": error.strip()[-500:]}
            continue
        stacks = profile.parse(path.read_text())
        svg = path.with_suffix(".svg")
        svg.write_text(profile.flamegraph(stacks, f"hub {name}: where its CPU goes"))
        out[name] = {
            **profile.summarise(stacks).to_json(),
            "collapsed": path.name,
            "flamegraph": svg.name,
        }
    return out
