"""The clearance registry (pure, an injectable day) and `hub clearance`."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

from hub.cli import app
from hub.core.clearance import ClearanceError, load_clearances
from hub.core.desks import load_desks

runner = CliRunner()

REGISTRY = """
[[clearance]]
desk = "drug-trafficking"
level = "SECRET"
authority = "CCA Security Office"
granted = 2026-01-01
expires = 2026-12-31

[[clearance]]
desk = "corruption"
level = "CONFIDENTIAL"
authority = "CCA Security Office"
granted = 2026-01-01
expires = 2027-12-31
state = "suspended"
"""


def _entry(*, level: str, granted: str, expires: str) -> str:
    return (
        f'[[clearance]]\ndesk = "x"\nlevel = "{level}"\nauthority = "a"\n'
        f"granted = {granted}\nexpires = {expires}\n"
    )


@pytest.fixture
def registry_file(tmp_path: Path) -> Path:
    path = tmp_path / "clearances.toml"
    path.write_text(REGISTRY, encoding="utf-8")
    return path


def test_a_clearance_is_in_force_through_its_last_day_and_none_after(registry_file: Path) -> None:
    registry = load_clearances(registry_file)
    assert registry.level_of("drug-trafficking", date(2026, 12, 31)) == "SECRET"
    assert registry.level_of("drug-trafficking", date(2027, 1, 1)) is None
    assert registry.level_of("drug-trafficking", date(2025, 12, 31)) is None  # not yet granted
    assert registry.of("drug-trafficking").days_left(date(2026, 12, 1)) == 30  # type: ignore[union-attr]


def test_the_lapsed_desks_are_those_without_a_clearance_in_force(registry_file: Path) -> None:
    registry = load_clearances(registry_file)
    names = [c.desk for c in registry.clearance]
    in_force_today = {d for d in names if registry.level_of(d, date(2026, 12, 7)) is not None}
    assert registry.lapsed([*names, "no-such-desk"], date(2026, 12, 7)) == {
        *(set(names) - in_force_today),
        "no-such-desk",
    }
    assert registry.lapsed(names, date(1990, 1, 1)) == set(names)


def test_a_suspended_clearance_counts_as_none(registry_file: Path) -> None:
    assert load_clearances(registry_file).level_of("corruption", date(2026, 6, 1)) is None


def test_expiring_lists_the_active_clearances_that_end_soon(registry_file: Path) -> None:
    registry = load_clearances(registry_file)
    assert [c.desk for c in registry.expiring(date(2026, 12, 1), 30)] == ["drug-trafficking"]
    assert registry.expiring(date(2026, 11, 30), 30) == []


def test_the_shipped_registry_clears_every_desk_once() -> None:
    assert load_clearances().check(load_desks().names) == []


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            _entry(level="TOP", granted="2026-01-01", expires="2026-02-01"),
            "clearance.0.level",
        ),
        (
            _entry(level="SECRET", granted="2026-03-01", expires="2026-02-01"),
            "expires before it is granted",
        ),
        ("not toml [", "not valid TOML"),
    ],
)
def test_a_broken_registry_is_refused_with_where_and_why(
    tmp_path: Path, text: str, message: str
) -> None:
    path = tmp_path / "clearances.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ClearanceError, match=message):
        load_clearances(path)


def test_the_cli_checks_a_desk_against_a_level_as_of_a_day(registry_file: Path) -> None:
    base = ["clearance", "check", "--file", str(registry_file)]
    ok = runner.invoke(
        app, [*base, "drug-trafficking", "--level", "SECRET", "--today", "2026-06-01"]
    )
    assert ok.exit_code == 0, ok.output
    assert "cleared for SECRET" in ok.output
    late = runner.invoke(app, [*base, "drug-trafficking", "--today", "2027-01-02"])
    assert late.exit_code == 1
    assert "no clearance in force on 2027-01-02 (expired)" in late.output
    suspended = runner.invoke(app, [*base, "corruption", "--today", "2026-06-01"])
    assert "(suspended)" in suspended.output
    bad = runner.invoke(app, [*base, "drug-trafficking", "--level", "TOP"])
    assert bad.exit_code == 1


def test_the_cli_says_which_desks_the_registry_misses(registry_file: Path) -> None:
    result = runner.invoke(app, ["clearance", "check", "--file", str(registry_file)])
    assert result.exit_code == 1
    assert "triage: no clearance" in result.output


def test_the_cli_lists_what_expires_within_the_days_asked(registry_file: Path) -> None:
    result = runner.invoke(
        app,
        [
            "clearance",
            "expiring",
            "--days",
            "45",
            "--today",
            "2026-12-01",
            "--file",
            str(registry_file),
        ],
    )
    assert result.exit_code == 0
    assert "drug-trafficking" in result.output
    assert "1 clearances end within 45 days of 2026-12-01" in result.output
