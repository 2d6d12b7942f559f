"""`hub adapter new` writes a package that passes the kit once parse and a golden are filled."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from typer.testing import CliRunner

from hub.cli import app

ROOT = Path(__file__).resolve().parents[2]

PARSE = '''"""demo-net native message → canonical data."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from adapters.sdk import Draft, Reject
from schemas import CaseReferral, Classification, Offence, Origin
from adapters.sdk.normalize.offences import classify


def parse_message(native: bytes) -> Draft:
    try:
        doc = json.loads(native)
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise Reject(f"not JSON: {exc}") from None
    if not isinstance(doc, dict) or not isinstance(doc.get("ref"), str):
        raise Reject("'ref' is missing: a demo-net message is an object with a ref")
    crime = str(doc.get("crime", ""))
    data = CaseReferral(
        reference=doc["ref"],
        origin=Origin(network="demo-net", country="CO"),
        classification=Classification(level="PUBLIC", original="public"),
        offences=[Offence(label=crime, iccs=classify(crime))] if crime else [],
        countries=["CO"],
    )
    return Draft(data=data, time=datetime(2026, 11, 30, tzinfo=UTC), record_bytes=native)
'''


def test_a_scaffolded_adapter_passes_the_kit_after_filling_parse_and_one_golden(
    tmp_path: Path,
) -> None:
    result = CliRunner().invoke(
        app, ["adapter", "new", "demo-net", "--root", str(tmp_path), "--standalone"]
    )
    assert result.exit_code == 0, result.output
    assert (tmp_path / "pyproject.toml").read_text().count('demo-net = "demo_net_adapter.demo_net')
    (tmp_path / "demo_net_adapter/demo_net/parse.py").write_text(PARSE)
    golden = tmp_path / "tests/adapters/demo_net/golden/example_message"
    (golden / "native.json").write_text('{"ref": "D-1", "crime": "narcotráfico"}\n')
    env = {**os.environ, "PYTHONPATH": f"{tmp_path}{os.pathsep}{ROOT}"}
    args = [
        sys.executable,
        "-m",
        "pytest",
        "-q",
        "-p",
        "no:cacheprovider",
        "--rootdir",
        str(tmp_path),
        "--import-mode=importlib",
        str(tmp_path / "tests"),
    ]
    first = subprocess.run(
        [*args, "--update-golden"],
        env=env,
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=300,
    )
    assert first.returncode == 0, first.stdout + first.stderr
    canonical = (golden / "canonical.jsonl").read_text()
    assert '"iccs":"06012"' in canonical.replace(" ", "")
    second = subprocess.run(
        args, env=env, capture_output=True, text=True, cwd=tmp_path, timeout=300
    )
    assert second.returncode == 0, second.stdout + second.stderr
    assert " passed" in second.stdout


def test_the_scaffold_refuses_a_bad_slug_and_never_overwrites(tmp_path: Path) -> None:
    runner = CliRunner()
    bad = runner.invoke(app, ["adapter", "new", "Bad Slug", "--root", str(tmp_path)])
    assert bad.exit_code == 2
    assert "not a network slug" in bad.output
    assert runner.invoke(app, ["adapter", "new", "demo", "--root", str(tmp_path)]).exit_code == 0
    again = runner.invoke(app, ["adapter", "new", "demo", "--root", str(tmp_path)])
    assert again.exit_code == 1
    assert "overwrites nothing" in again.output
