"""Profiling the running hub: one more drain, with py-spy on the router and the adapters."""

from __future__ import annotations

import asyncio
import gzip
from pathlib import Path

from bench import profile
from bench.drain import poll_until
from bench.variants.base import RunContext, Target

SECONDS = 20
MIN_MESSAGES = 1000


async def profile_hub(
    ctx: RunContext, target: Target, rate: float, out_dir: Path, seconds: int = SECONDS
) -> dict[str, object]:
    count = min(target.available(ctx), int(rate * (seconds + 5)))
    if count < MIN_MESSAGES:
        return {"skipped": f"only {count} unused natives left in the corpus"}
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
        text = path.read_text()
        stacks = profile.parse(text)
        svg = path.with_suffix(".svg")
        svg.write_text(profile.flamegraph(stacks, f"hub {name}: where its CPU goes"))
        # the collapsed stacks stay for a closer look, compressed (they run to megabytes)
        packed = path.with_suffix(".txt.gz")
        packed.write_bytes(gzip.compress(text.encode(), mtime=0))
        path.unlink()
        out[name] = {
            **profile.summarise(stacks).to_json(),
            "collapsed": packed.name,
            "flamegraph": svg.name,
        }
    return out
