"""The front end of ``scripts/fuzz``: run targets under the engine, one process each, and say
per target how many inputs ran, for how long, and what broke.

Each target fuzzes from its committed corpus (``tests/fuzz/corpus/<target>``, read only)
and a working corpus under ``var/fuzz/corpus/<target>`` where the engine keeps what it
finds; ``--merge`` then adds to the committed corpus the found inputs that reach features
it does not reach. A crashing input is saved as ``tests/fuzz/crashes/<target>-crash-<sha1>``
and makes the exit status non-zero.
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path

from tests.fuzz.targets import CRASHES, corpus_dir, names

ROOT = Path(__file__).resolve().parents[2]
WORK = ROOT / "var" / "fuzz"
LONG_RUNS = 1_000_000
#: a single input slower than this is a finding (a record that burns the CPU)
TIMEOUT_S = 10
EXECUTED = re.compile(r"stat::number_of_executed_units:\s*(\d+)")
DONE = re.compile(r"Done (\d+) runs in")
PROGRESS = re.compile(r"^#(\d+)\s", re.MULTILINE)


@dataclass(frozen=True)
class Outcome:
    target: str
    executions: int
    seconds: float
    status: int
    crashes: tuple[Path, ...]
    log: Path

    @property
    def rate(self) -> float:
        return self.executions / self.seconds if self.seconds else 0.0

    @property
    def crashed(self) -> bool:
        return self.status != 0 or bool(self.crashes)


def engine_command(target: str, flags: list[str], dirs: list[Path]) -> list[str]:
    return [sys.executable, "-m", "tests.fuzz.engine", target, *flags, *map(str, dirs)]


def fuzz(target: str, runs: int | None, seconds: int | None, seed: int | None) -> Outcome:
    work = WORK / "corpus" / target
    work.mkdir(parents=True, exist_ok=True)
    CRASHES.mkdir(parents=True, exist_ok=True)
    logs = WORK / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    log = logs / f"{target}.log"
    flags = [
        f"-artifact_prefix={CRASHES}/{target}-",
        f"-timeout={TIMEOUT_S}",
        "-print_final_stats=1",
        f"-runs={runs if runs is not None else -1}",
    ]
    if seconds is not None:
        flags.append(f"-max_total_time={seconds}")
    if seed is not None:
        flags.append(f"-seed={seed}")
    before = _crashes(target)
    started = time.monotonic()
    with log.open("wb") as out:
        status = subprocess.call(
            engine_command(target, flags, [work, corpus_dir(target)]),
            cwd=ROOT,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    elapsed = time.monotonic() - started
    text = log.read_text("utf-8", "replace")
    counts = EXECUTED.findall(text) or DONE.findall(text) or PROGRESS.findall(text) or ["0"]
    crashes = tuple(sorted(_crashes(target) - before))
    return Outcome(target, int(counts[-1]), elapsed, status, crashes, log)


def _crashes(target: str) -> set[Path]:
    """The inputs the engine saved for this target (its artifact prefix is the name)."""
    return {p for p in CRASHES.iterdir() if p.name.startswith(f"{target}-")}


def merge(target: str) -> tuple[int, int]:
    """Add to the committed corpus a smallest set of working inputs that reach the branches
    it does not reach: what is committed (the goldens, the findings) stays. Branches, not
    hit counts (``-use_counters=0``), so the committed corpus stays a few dozen per target."""
    committed = corpus_dir(target)
    work = WORK / "corpus" / target
    work.mkdir(parents=True, exist_ok=True)
    committed.mkdir(parents=True, exist_ok=True)
    before = len(list(committed.iterdir()))
    subprocess.run(
        engine_command(
            target,
            ["-set_cover_merge=1", "-use_counters=0", f"-timeout={TIMEOUT_S}"],
            [committed, work],
        ),
        cwd=ROOT,
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    return before, len(list(committed.iterdir()))


def report(outcome: Outcome) -> str:
    verdict = "ok" if not outcome.crashed else f"CRASH (exit {outcome.status})"
    line = (
        f"{outcome.target:<10} {outcome.executions:>10} execs {outcome.seconds:>8.1f} s "
        f"{outcome.rate:>8.0f} exec/s  {verdict}"
    )
    for crash in outcome.crashes:
        line += f"\n    input saved: {crash.relative_to(ROOT)}"
    if outcome.crashed:
        line += f"\n    log: {outcome.log.relative_to(ROOT)}"
    return line


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="scripts/fuzz", description=__doc__)
    parser.add_argument("--target", action="append", choices=names(), help="repeatable")
    parser.add_argument("--runs", type=int, help=f"executions per target (default {LONG_RUNS})")
    parser.add_argument("--seconds", type=int, help="time per target (with --runs: the first)")
    parser.add_argument("--seed", type=int, help="the engine's random seed")
    parser.add_argument("--jobs", type=int, default=1, help="targets fuzzed at once")
    parser.add_argument("--merge", action="store_true", help="then add the finds to the corpus")
    args = parser.parse_args(argv)
    targets = args.target or names()
    runs = args.runs if args.runs is not None or args.seconds is not None else LONG_RUNS
    bounds = [f"{runs} runs" if runs else "", f"{args.seconds} s" if args.seconds else ""]
    if runs != 0:
        print(
            f"fuzz: {len(targets)} targets, at most "
            + " or ".join(b for b in bounds if b)
            + " each"
        )
    failed = False
    with ThreadPoolExecutor(max(1, args.jobs)) as pool:
        fuzzed = targets if runs != 0 else []  # --runs 0 --merge: merge what earlier runs found
        runs_of = [pool.submit(fuzz, t, runs, args.seconds, args.seed) for t in fuzzed]
        for done in as_completed(runs_of):
            outcome = done.result()
            print(report(outcome), flush=True)
            failed |= outcome.crashed
    if args.merge:
        for target in targets:
            before, after = merge(target)
            where = corpus_dir(target).relative_to(ROOT)
            print(f"merge: {target}: {before} -> {after} inputs in {where}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
