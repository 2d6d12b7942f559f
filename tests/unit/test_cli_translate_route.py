"""`hub translate` and `hub route` as the design specifies them: JSON Lines on stdout, one
line per rejection on stderr, exit 0 / 1 / 2; routes as `<id>\\t<desks>`."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from contract.envelope import from_json_line
from hub.cli import app

GOLDEN = Path(__file__).resolve().parents[1] / "adapters"
REFCO = json.dumps(
    {
        "version": "2.1",
        "tipo": "REMISION_CASO",
        "expediente": "MP-GT-1",
        "fiscalia": "FECO",
        "pais": "Guatemala",
        "fecha": "27/11/2026 09:15",
        "nivel_reserva": "RESERVADO",
        "delitos": ["Narcotráfico", "Lavado de dinero"],
        "hechos": "x",
        "imputados": [
            {"nombres": "Ana", "primer_apellido": "Gómez", "nacionalidad": "salvadoreña"}
        ],
    },
    ensure_ascii=False,
)

runner = CliRunner()


def test_translate_prints_json_lines_only_and_exits_zero(tmp_path: Path) -> None:
    path = tmp_path / "referral.json"
    path.write_text(REFCO, encoding="utf-8")
    result = runner.invoke(app, ["translate", "refco", str(path)])
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert len(lines) == 1
    event = from_json_line(lines[0])
    assert event.type == "cca.case.referral.v1"
    assert event.time.isoformat() == "2026-11-27T15:15:00+00:00"
    assert result.stderr == ""


def test_translate_reads_stdin_and_reports_a_rejection_on_stderr_with_exit_one() -> None:
    result = runner.invoke(app, ["translate", "refco"], input='{"version": "9.9"}')
    assert result.exit_code == 1
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("<stdin>: message")


def test_a_batch_with_one_bad_row_prints_the_good_rows_and_names_the_bad_line() -> None:
    csv = (
        "protocolo;pais_origem;data_registro;tipificacao;sigilo\r\n"
        "A-1;BRA;21/11/2026;Lavagem de dinheiro;0\r\n"
        "A-2;BRA;31/02/2026;Lavagem de dinheiro;0\r\n"
        "A-3;BRA;22/11/2026;Tráfico de drogas;1\r\n"
    ).encode("latin-1")
    result = runner.invoke(app, ["translate", "rempm"], input=csv)
    assert result.exit_code == 1
    assert [from_json_line(x).data.reference for x in result.stdout.splitlines()] == ["A-1", "A-3"]
    assert result.stderr.startswith("<stdin>: record 3 (A-2): ")


def test_bad_usage_exits_two_and_says_what_was_wrong(tmp_path: Path) -> None:
    unknown = runner.invoke(app, ["translate", "nonet", str(tmp_path / "x")])
    assert unknown.exit_code == 2
    assert "no adapter for network 'nonet'" in unknown.stderr
    assert "refco" in unknown.stderr
    missing = runner.invoke(app, ["translate", "refco", str(tmp_path / "absent.json")])
    assert missing.exit_code == 2
    assert "no such file" in missing.stderr


def test_route_prints_each_event_id_with_its_desks(tmp_path: Path) -> None:
    path = tmp_path / "referral.json"
    path.write_text(REFCO, encoding="utf-8")
    translated = runner.invoke(app, ["translate", "refco", str(path)]).stdout
    event = from_json_line(translated.splitlines()[0])
    routed = runner.invoke(app, ["route"], input=translated + "not json\n")
    assert routed.exit_code == 1
    assert routed.stdout == f"{event.id}\tdrug-trafficking,money-laundering\n"
    assert routed.stderr.startswith("<stdin>: line 2: not JSON")


def test_route_refuses_a_broken_desk_file_with_exit_two(tmp_path: Path) -> None:
    desks = tmp_path / "desks.toml"
    desks.write_text("[[desk]]\nname = 'x'\nprefixes = ['abc']\n")
    result = runner.invoke(app, ["route", "--desks", str(desks)], input="")
    assert result.exit_code == 2
    assert "desk.0" in result.stderr
