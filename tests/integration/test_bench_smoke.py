"""The benchmark still works: a smoke run of every variant.

Only that it runs and reports: no figure is asserted, the machine running the tests is
not the one the figures are for (see BENCHMARKS.md). The run starts a broker of its own,
as the real benchmark does: its hub variant creates the hub's topics with its own partition
count and leaves consumer groups behind, which must not leak into the other hub tests.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from bench import corpus

ROOT = Path(__file__).resolve().parents[2]


def test_the_corpus_is_the_pinned_one() -> None:
    natives = corpus.generate_natives()
    assert corpus.natives_digest(natives) == corpus.pinned()


@pytest.mark.kafka
def test_a_smoke_run_measures_every_variant_and_writes_results_and_chart(
    kafka_jars: Path, tmp_path: Path
) -> None:
    out = tmp_path / "results" / "smoke.json"
    result = _smoke(tmp_path, out)
    assert {"raw", "raw-txn", "faststream", "faststream-batch", "hub"} <= set(result["variants"])
    for name, variant in result["variants"].items():
        throughput = variant["throughput"]
        assert throughput["messages"] == 300, name
        assert throughput["rate_per_s"] > 0, name
        loads = [r["load"] for r in variant["latency"]]
        assert loads == [0.5, 0.8], name
        for phase in variant["latency"]:
            assert phase["received"] == phase["sent"] > 0, (name, phase)
            assert phase["p50_ms"] is not None, (name, phase)
    assert result["corpus"]["natives_sha256"] == corpus.pinned()
    assert set(result["ratios"]) >= {"hub/raw", "faststream/raw", "faststream-batch/raw"}
    assert out.with_suffix(".png").stat().st_size > 0


@pytest.mark.kafka
def test_a_smoke_run_measures_the_cost_of_tls_side_by_side(
    kafka_jars: Path, tmp_path: Path
) -> None:
    """Plaintext, then mTLS on the same broker: the hub's services as their own principals
    with the ACLs of the participants file on, the raw baseline as the administrator."""
    out = tmp_path / "results" / "tls.json"
    args = ("--no-chart", "--variants", "raw,hub", "--security", "plaintext,mtls")
    security = _smoke(tmp_path, out, *args)["security"]
    assert security["modes"] == ["plaintext", "mtls"]
    for mode in ("plaintext", "mtls"):
        for name, variant in security["variants"][mode].items():
            assert variant["throughput"]["messages"] == 300, (mode, name)
            for phase in variant["latency"]:
                assert phase["received"] == phase["sent"] > 0, (mode, name, phase)
    assert set(security["tls_cost"]) == {"hub mtls/plaintext", "raw mtls/plaintext"}
    assert all(ratio > 0 for ratio in security["tls_cost"].values())
    assert "hub/raw" in security["ratios"]["mtls"]
    # the mtls bootstrap is the broker's TLS listener, so delivering there is over TLS; the
    # hub's services had their own certificates for it
    issued = tmp_path / "work" / "hub-state" / "pki" / "issued"
    assert {"svc.router.pem", "svc.adapters.pem"} <= {p.name for p in issued.iterdir()}


def _smoke(tmp_path: Path, out: Path, *args: str) -> dict[str, Any]:
    """`python -m bench run --smoke` with ``args``: its results document."""
    run = subprocess.run(
        [
            sys.executable,
            *("-m", "bench", "run", "--smoke", *args),
            *("--out", str(out), "--workdir", str(tmp_path / "work")),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert run.returncode == 0, run.stderr[-3000:]
    loaded: dict[str, Any] = json.loads(out.read_text())
    return loaded
