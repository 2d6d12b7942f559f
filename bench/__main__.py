"""``python -m bench``: run the benchmark, check the corpus, redraw charts and tables.

python -m bench run [--messages N] [--smoke] [--out bench/results/latest.json]
python -m bench corpus [--pin]
python -m bench chart RESULTS.json... --out CHART.png
python -m bench table RESULTS.json...
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

RESULTS = Path(__file__).with_name("results")
SMOKE_MESSAGES, SMOKE_LATENCY_S = 300, 1.5
FULL_MESSAGES = 40_000


def _run(args: argparse.Namespace) -> int:
    from bench import chart
    from bench.run import Options, main
    from bench.variants import VARIANTS

    variants = args.variants.split(",") if args.variants else list(VARIANTS)
    unknown = [v for v in variants if v not in VARIANTS]
    if unknown:
        print(f"unknown variant(s): {', '.join(unknown)}", file=sys.stderr)
        return 2
    from bench.access import SECURITIES

    securities = [s.strip() for s in args.security.split(",") if s.strip()]
    if not securities or any(s not in SECURITIES for s in securities):
        print(f"--security: choose from {', '.join(SECURITIES)}", file=sys.stderr)
        return 2
    options = Options(
        securities=securities,
        messages=args.messages or (SMOKE_MESSAGES if args.smoke else FULL_MESSAGES),
        latency_s=args.latency_s or (SMOKE_LATENCY_S if args.smoke else 10.0),
        partitions=args.partitions,
        variants=variants,
        bootstrap=args.bootstrap,
        profile=args.out.parent if args.profile else None,
        smoke=args.smoke,
        workdir=args.workdir,
    )
    args.out.parent.mkdir(parents=True, exist_ok=True)
    result = main(options)
    args.out.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n")
    if not args.no_chart:
        chart.draw([result], args.out.with_suffix(".png"))
    print(
        json.dumps(
            {
                "results": str(args.out),
                "ratios": result["ratios"],
                "targets": result["targets"],
                "security": {
                    k: v
                    for k, v in result["security"].items()  # type: ignore[attr-defined]
                    if k != "variants"
                },
            },
            ensure_ascii=False,
        )
    )
    return 0


def _corpus(args: argparse.Namespace) -> int:
    from bench import corpus

    loaded = corpus.load(check=False)
    if args.pin:
        corpus.pin(loaded.natives_sha256)
    print(json.dumps({**loaded.summary(), "pinned": corpus.pinned()}, indent=2))
    return 0 if loaded.natives_sha256 == corpus.pinned() else 1


def _load(paths: list[Path]) -> list[dict[str, Any]]:
    return [json.loads(p.read_text()) for p in paths]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run", help="measure every variant on the run's own broker")
    run.add_argument("--messages", type=int, help="N of the drain (40000; smoke 300)")
    run.add_argument("--latency-s", type=float, help="seconds per latency phase (10; smoke 1.5)")
    run.add_argument("--smoke", action="store_true", help="a few hundred messages: does it work")
    run.add_argument("--out", type=Path, default=RESULTS / "latest.json")
    run.add_argument("--variants", help="comma-separated subset, in order")
    run.add_argument("--partitions", type=int, default=6)
    run.add_argument("--bootstrap", help="use this broker instead of starting one")
    run.add_argument(
        "--security",
        default="plaintext",
        help="comma-separated modes measured in turn on the same broker: plaintext, mtls "
        "(default plaintext; 'plaintext,mtls' gives the cost of TLS)",
    )
    run.add_argument(
        "--profile",
        action="store_true",
        help="py-spy the hub during one more drain; files beside --out",
    )
    run.add_argument("--no-chart", action="store_true")
    run.add_argument("--workdir", type=Path, help="keep logs and broker state here")
    run.set_defaults(func=_run)
    corpus = sub.add_parser("corpus", help="generate the corpus and compare its hash")
    corpus.add_argument("--pin", action="store_true", help="pin the generated hash")
    corpus.set_defaults(func=_corpus)
    chart = sub.add_parser("chart", help="draw results files (median of several)")
    chart.add_argument("results", type=Path, nargs="+")
    chart.add_argument("--out", type=Path, required=True)
    chart.set_defaults(func=_chart)
    table = sub.add_parser("table", help="Markdown tables of results files")
    table.add_argument("results", type=Path, nargs="+")
    table.set_defaults(func=_table)
    args = parser.parse_args(argv)
    code: int = args.func(args)
    return code


def _table(args: argparse.Namespace) -> int:
    from bench import table

    results = _load(args.results)
    print(table.markdown(results[-1]))
    if len(results) > 1:
        print()
        print(table.runs(results))
    return 0


def _chart(args: argparse.Namespace) -> int:
    from bench import chart

    chart.draw(_load(args.results), args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
