"""`hub acl`: what the participants file implies, without a broker, and clear errors."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from adapters.sdk.registry import slugs
from hub.access.acl import derive
from hub.access.participants import load_participants
from hub.cli import app
from hub.core.desks import load_desks

runner = CliRunner()


def test_plan_offline_prints_every_acl_the_file_implies(tmp_path: Path) -> None:
    result = runner.invoke(app, ["acl", "plan", "--offline"], env={"HUB_STATE_DIR": str(tmp_path)})
    assert result.exit_code == 0, result.output
    expected = derive(load_participants(), slugs(), load_desks())
    lines = result.output.strip().splitlines()
    assert lines[-1] == f"{len(expected)} ACLs for 27 principals"
    assert len(lines) == len(expected) + 1
    assert any(
        line.startswith("User:net.refco") and "WRITE" in line and "net.refco.in" in line
        for line in lines
    )


def test_a_broken_participants_file_is_named_with_what_is_wrong(tmp_path: Path) -> None:
    bad = tmp_path / "participants.toml"
    bad.write_text('[[gateway]]\nnetwork = "atlantis"\n', encoding="utf-8")
    result = runner.invoke(app, ["acl", "plan", "--offline", "--participants", str(bad)])
    assert result.exit_code == 1
    assert "error: gateway atlantis: no such network" in result.output


def test_apply_without_the_federations_ca_says_which_file_is_missing(tmp_path: Path) -> None:
    result = runner.invoke(
        app,
        ["acl", "apply", "--bootstrap", "127.0.0.1:1"],
        env={"HUB_STATE_DIR": str(tmp_path), "HUB_KAFKA_SECURITY": "mtls"},
    )
    assert result.exit_code == 1
    assert result.output.startswith("error: ")
    assert f"{tmp_path}/pki/ca.pem: no such file" in result.output
