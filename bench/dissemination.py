"""The router's cost of need-to-know: ``RouterCore.decide`` per event with the dissemination
rules as the router runs them, side by side with the same core whose rules let every
selected desk have every event (``disseminate`` replaced for this measurement only).

Run:  .venv/bin/python -m bench.dissemination [--events 4000] [--repeat 5] [--json]

The events are the benchmark corpus's canonical records (``bench/corpus.py``, pinned), the
clearances ``deploy/clearances.toml`` as of today. Signatures are not verified here
(``bench/signing.py`` measures that): what is timed is the decision (model, ids, routing,
the rules, the outputs). Figures
are the best of ``--repeat`` rounds, alternating the two variants, on one core.
"""

from __future__ import annotations

import argparse
import json
import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from unittest import mock

from adapters.sdk.registry import slugs
from bench import corpus as bench_corpus
from contract.topology import CANONICAL
from hub.core import router_core
from hub.core.clearance import load_clearances
from hub.core.desks import load_desks
from hub.core.dissemination import Decision, disseminate
from hub.core.records import Batch, Inbound
from hub.core.router_core import Prepared, RouterCore, Tally, key_partition, prepare
from hub.core.routing import Router
from hub.core.state.cases import CaseDesks
from hub.core.state.seen import SeenByPartition

PARTITIONS = 6


def _everyone(level: str, tlp: str | None, selected: Sequence[str], *_: object) -> Decision:
    return Decision(level, tlp, tuple(dict.fromkeys(selected)), (), outward=True)  # type: ignore[arg-type]


def _prepared(count: int) -> tuple[list[Prepared], list[None]]:
    """The corpus's records, prepared; their verdicts "verified" (the corpus is signed by
    the benchmark's keys; verification is measured by ``bench/signing.py``, not here)."""
    loaded = bench_corpus.load()
    records = [
        Inbound(
            CANONICAL,
            key_partition(r.key or b"", PARTITIONS),
            offset,
            r.key,
            r.value,
            r.headers,
        )
        for offset, r in enumerate(loaded.canonical[:count])
    ]
    items = [prepare(r) for r in records]
    return items, [None] * len(items)


def _core(cleared: Callable[[], object]) -> RouterCore:
    desks = load_desks()
    return RouterCore(
        Router(desks),
        SeenByPartition(1_000_000),
        CaseDesks(),
        replies_for=lambda _n: True,
        networks=frozenset(slugs()),
        partitions=lambda _t: PARTITIONS,
        cleared=cleared,  # type: ignore[arg-type]
    )


def _round(items: list[Prepared], verdicts: list[None], rules: bool) -> float:
    desks = load_desks()
    registry = load_clearances()
    today = datetime.now(UTC).date()
    levels = registry.levels(desks.names, today)
    core = _core(lambda: levels)
    patch = (
        mock.patch.object(router_core, "disseminate", disseminate)
        if rules
        else mock.patch.object(router_core, "disseminate", _everyone)
    )
    with patch:
        started = time.perf_counter()
        batch, tally = Batch(), Tally()
        core.decide(items, verdicts, batch, tally)
        elapsed = time.perf_counter() - started
    return elapsed / len(items) * 1e6


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=4000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    items, verdicts = _prepared(args.events)
    rounds: dict[str, list[float]] = {"rules": [], "no rules": []}
    for _ in range(args.repeat):
        rounds["no rules"].append(_round(items, verdicts, rules=False))
        rounds["rules"].append(_round(items, verdicts, rules=True))
    best = {name: min(values) for name, values in rounds.items()}
    result = {
        "events": len(items),
        "corpus_sha256": bench_corpus.pinned(),
        "decide_us_per_event": best,
        "rules_us_per_event": best["rules"] - best["no rules"],
        "ratio": best["rules"] / best["no rules"],
    }
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        for name, value in best.items():
            print(f"decide, {name:<8}: {value:8.1f} µs/event")
        print(
            f"the rules: {result['rules_us_per_event']:+.1f} µs/event "
            f"({result['ratio']:.3f}× the decision without them)"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
