"""`hub broker`: every command explains itself, and failures are clear exits."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest
from typer.testing import CliRunner

from hub.cli.broker import STATUS_STOPPED, app
from hub.localkafka.ports import free_ports

runner = CliRunner()


@pytest.mark.parametrize("command", ["start", "stop", "status", "fetch", "roundtrip"])
def test_each_command_has_help(command: str) -> None:
    result = runner.invoke(app, [command, "--help"])
    assert result.exit_code == 0
    assert "Usage" in result.output
    flag = "--jars-dir" if command == "fetch" else "--state-dir"
    assert flag in result.output


def test_status_of_a_fresh_state_dir_is_stopped(tmp_path: Path) -> None:
    result = runner.invoke(app, ["status", "--state-dir", str(tmp_path)])
    assert result.exit_code == STATUS_STOPPED
    assert "stopped" in result.output


def test_stop_without_a_broker_is_not_an_error(tmp_path: Path) -> None:
    result = runner.invoke(app, ["stop", "--state-dir", str(tmp_path)])
    assert result.exit_code == 0
    assert "not running" in result.output


def test_start_without_java_fails_with_an_install_hint(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path / "nowhere"))
    monkeypatch.delenv("JAVA_HOME", raising=False)
    port, controller_port, scram_port = (str(p) for p in free_ports(3))
    result = runner.invoke(
        app,
        [
            *("start", "--state-dir", str(tmp_path), "--port", port),
            *("--controller-port", controller_port, "--scram-port", scram_port),
        ],
    )
    assert result.exit_code == 1
    assert "java not found" in result.output


def test_start_on_a_port_someone_else_listens_on_names_the_port(tmp_path: Path) -> None:
    controller_port, scram_port = free_ports(2)
    with socket.create_server(("127.0.0.1", 0)) as taken:
        port = taken.getsockname()[1]
        result = runner.invoke(
            app,
            [
                *("start", "--state-dir", str(tmp_path)),
                *("--port", str(port), "--controller-port", str(controller_port)),
                *("--scram-port", str(scram_port)),
            ],
        )
    assert result.exit_code == 1
    assert f"127.0.0.1:{port} is already in use" in result.output


def test_bad_settings_exit_with_usage_code(tmp_path: Path) -> None:
    result = runner.invoke(
        app, ["status", "--state-dir", str(tmp_path)], env={"HUB_KAFKA_PORT": "not-a-port"}
    )
    assert result.exit_code == 2
    assert "invalid broker settings" in result.output


def test_roundtrip_without_a_running_broker_says_to_start_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("HUB_KAFKA_BOOTSTRAP", raising=False)
    result = runner.invoke(app, ["roundtrip", "--state-dir", str(tmp_path)])
    assert result.exit_code == 1
    assert "hub broker start" in result.output
