"""The alert rules and the Prometheus configuration pass `promtool`, every alert tells the
operator what to do, and the promtool unit tests show every alert both firing and staying
silent — and they fail when an alert can no longer fire."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from tests._support.prometheus import required_tool

yaml = pytest.importorskip("yaml")

ROOT = Path(__file__).resolve().parents[2]
PROMETHEUS = ROOT / "deploy" / "prometheus"
RULES = PROMETHEUS / "alerts.yml"
TESTS = sorted((PROMETHEUS / "tests").glob("*.yml"))


@pytest.fixture(scope="module")
def promtool() -> str:
    return required_tool("promtool")


def run(
    promtool: str, *args: str | Path, cwd: Path = PROMETHEUS
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [promtool, *map(str, args)],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def alerts(path: Path = RULES) -> dict[str, dict[str, Any]]:
    loaded = yaml.safe_load(path.read_text(encoding="utf-8"))
    return {r["alert"]: r for g in loaded["groups"] for r in g["rules"] if "alert" in r}


def evaluations() -> list[dict[str, Any]]:
    out = []
    for path in TESTS:
        for test in yaml.safe_load(path.read_text(encoding="utf-8"))["tests"]:
            out += test.get("alert_rule_test", [])
    return out


def test_the_rules_file_passes_promtool_check(promtool: str) -> None:
    result = run(promtool, "check", "rules", RULES)
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_prometheus_configuration_passes_promtool_check(promtool: str) -> None:
    result = run(promtool, "check", "config", PROMETHEUS / "prometheus.yml")
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_promtool_unit_tests_pass(promtool: str) -> None:
    assert TESTS
    result = run(promtool, "test", "rules", *TESTS)
    assert result.returncode == 0, result.stdout + result.stderr


def test_every_alert_says_how_bad_it_is_and_what_to_do() -> None:
    assert alerts()
    for name, rule in alerts().items():
        assert rule["labels"]["severity"] in ("critical", "warning"), name
        notes = rule["annotations"]
        assert notes["summary"], name
        assert notes["description"], name
        assert len(notes["runbook"].split()) >= 30, f"{name}: the runbook is too thin"


def test_every_alert_is_tested_firing_and_staying_silent() -> None:
    fired = {e["alertname"] for e in evaluations() if e.get("exp_alerts")}
    silent = {e["alertname"] for e in evaluations() if not e.get("exp_alerts")}
    assert set(alerts()) - fired == set(), "alerts never shown firing"
    assert set(alerts()) - silent == set(), "alerts never shown silent"
    assert fired | silent <= set(alerts()), "tests of alerts that do not exist"


def test_the_unit_tests_fail_when_no_alert_can_fire(promtool: str, tmp_path: Path) -> None:
    loaded = yaml.safe_load(RULES.read_text(encoding="utf-8"))
    for group in loaded["groups"]:
        for rule in group["rules"]:
            rule["expr"] = "vector(0) > 1"
    (tmp_path / "alerts.yml").write_text(yaml.safe_dump(loaded), encoding="utf-8")
    (tmp_path / "tests").mkdir()
    for path in TESTS:
        shutil.copy(path, tmp_path / "tests" / path.name)
    result = run(
        promtool, "test", "rules", *sorted((tmp_path / "tests").glob("*.yml")), cwd=tmp_path
    )
    assert result.returncode != 0
    failed = {
        line.split("alertname: ")[1].split(",")[0]
        for line in (result.stdout + result.stderr).splitlines()
        if "alertname: " in line
    }
    assert failed == set(alerts())
