"""rempm adapter: the conformance kit over the goldens, and the spec's own example checked
by hand through the ``hub translate`` command (the file encoded to ISO-8859-1)."""

from __future__ import annotations

import csv
import hashlib
import io
import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from adapters.rempm import RempmAdapter
from adapters.sdk.contract import Rejected, Translated
from adapters.sdk.kit import RECEIVED, conformance_tests, receipt_for
from adapters.sdk.pipeline import translate
from contract.envelope import CanonicalEvent, case_id, from_structured
from hub.cli import app
from hub.core.desks import load_desks
from hub.core.routing import Router

GOLDEN = Path(__file__).parent / "golden"
HEADER = (
    "protocolo;pais_origem;data_registro;tipificacao;descricao;investigados;nascimentos;"
    "municipio;uf;latitude;longitude;paises_relacionados;sigilo"
)
SPEC_EXAMPLE = f"""{HEADER}
PY-FGE-2026-3381;PRY;21/11/2026;Tráfico internacional de estupefacientes|Asociación criminal;Cargamento de marihuana prensada hacia Brasil;CARLOS ALBERTO DUARTE|MARIA JOSE BENITEZ;12/02/1975|;Pedro Juan Caballero;Amambay;-22,5472;-55,7336;BRA;1
BR-MPF-2026-11873;BRA;22/11/2026;Lavagem de dinheiro;"Empresas de fachada; remessas via dólar-cabo";LUIZ FERNANDO PRADO;03/08/1969;Foz do Iguaçu;PR;-25,5163;-54,5854;PRY|ARG;2
AR-PGN-2026-0921;ARG;23/11/2026;Contrabando de armas de fuego;Armas ingresadas por el paso de Clorinda;;;Clorinda;Formosa;;;PRY;0
"""  # noqa: E501

TestRempmAdapterConformance = conformance_tests(RempmAdapter, GOLDEN, min_cases=6, registered=True)


def latin1_file(tmp_path: Path, text: str, *, eol: str = "\n") -> Path:
    path = tmp_path / "batch.csv"
    path.write_bytes(text.replace("\n", eol).encode("iso-8859-1"))
    return path


def cli(path: Path) -> tuple[int, list[CanonicalEvent], list[str]]:
    result = CliRunner().invoke(app, ["translate", "rempm", str(path)])
    events = [from_structured(json.loads(line)) for line in result.stdout.splitlines()]
    return result.exit_code, events, result.stderr.splitlines()


def results_of(text: str, *, eol: str = "\n") -> list[Translated | Rejected]:
    return translate(
        RempmAdapter(), text.replace("\n", eol).encode("iso-8859-1"), received=RECEIVED
    )


def reply_rows(text: str) -> list[dict[str, str]]:
    reply = RempmAdapter().render(receipt_for(results_of(text)))
    assert reply is not None
    return list(csv.DictReader(io.StringIO(reply.decode("iso-8859-1")), delimiter=";"))


class TestTheSpecExample:
    @pytest.fixture
    def events(self, tmp_path: Path) -> list[CanonicalEvent]:
        code, events, errors = cli(latin1_file(tmp_path, SPEC_EXAMPLE))
        assert (code, errors) == (0, [])
        return events

    @staticmethod
    def data(event: CanonicalEvent) -> dict[str, Any]:
        dumped: dict[str, Any] = event.data.model_dump(mode="json")
        return dumped

    def test_each_row_is_one_case_referral_in_file_order(
        self, events: list[CanonicalEvent]
    ) -> None:
        assert [e.type for e in events] == ["cca.case.referral.v1"] * 3
        assert [e.subject for e in events] == [
            "PY-FGE-2026-3381",
            "BR-MPF-2026-11873",
            "AR-PGN-2026-0921",
        ]
        assert [e.data.provenance.record for e in events if e.data.provenance] == [2, 3, 4]

    def test_registration_dates_are_midnight_utc(self, events: list[CanonicalEvent]) -> None:
        assert [e.time.isoformat() for e in events] == [
            "2026-11-21T00:00:00+00:00",
            "2026-11-22T00:00:00+00:00",
            "2026-11-23T00:00:00+00:00",
        ]

    def test_origin_and_related_countries_become_alpha2(self, events: list[CanonicalEvent]) -> None:
        assert [self.data(e)["origin"] for e in events] == [
            {"network": "rempm", "country": country, "authority": None}
            for country in ("PY", "BR", "AR")
        ]
        assert [self.data(e)["countries"] for e in events] == [
            ["PY", "BR"],
            ["BR", "PY", "AR"],
            ["AR", "PY"],
        ]

    def test_sigilo_digits_become_levels_and_stay_as_sent(
        self, events: list[CanonicalEvent]
    ) -> None:
        assert [self.data(e)["classification"] for e in events] == [
            {"level": "RESTRICTED", "original": "1", "tlp": None},
            {"level": "SECRET", "original": "2", "tlp": None},
            {"level": "PUBLIC", "original": "0", "tlp": None},
        ]
        assert [e.classification for e in events] == ["RESTRICTED", "SECRET", "PUBLIC"]

    def test_investigados_are_suspects_with_aligned_birth_dates(
        self, events: list[CanonicalEvent]
    ) -> None:
        people = [
            (p["full_name"], p["given_names"], p["family_names"], p["birth_date"], p["role"])
            for e in events
            for p in self.data(e)["persons"]
        ]
        assert people == [
            ("CARLOS ALBERTO DUARTE", "CARLOS", "ALBERTO DUARTE", "1975-02-12", "SUSPECT"),
            ("MARIA JOSE BENITEZ", "MARIA", "JOSE BENITEZ", None, "SUSPECT"),
            ("LUIZ FERNANDO PRADO", "LUIZ", "FERNANDO PRADO", "1969-08-03", "SUSPECT"),
        ]
        assert all(p["nationalities"] == [] for e in events for p in self.data(e)["persons"])

    def test_offences_keep_their_labels_and_carry_iccs_codes(
        self, events: list[CanonicalEvent]
    ) -> None:
        assert [[(o["label"], o["iccs"]) for o in self.data(e)["offences"]] for e in events] == [
            [
                ("Tráfico internacional de estupefacientes", "06012"),
                ("Asociación criminal", "09051"),
            ],
            [("Lavagem de dinheiro", "07041")],
            [("Contrabando de armas de fuego", "09012")],
        ]

    def test_places_read_decimal_commas_and_lie_in_the_sending_country(
        self, events: list[CanonicalEvent]
    ) -> None:
        assert [self.data(e)["locations"] for e in events] == [
            [
                {
                    "name": "Pedro Juan Caballero",
                    "region": "Amambay",
                    "country": "PY",
                    "lat": -22.5472,
                    "lon": -55.7336,
                }
            ],
            [
                {
                    "name": "Foz do Iguaçu",
                    "region": "PR",
                    "country": "BR",
                    "lat": -25.5163,
                    "lon": -54.5854,
                }
            ],
            [{"name": "Clorinda", "region": "Formosa", "country": "AR", "lat": None, "lon": None}],
        ]

    def test_a_quoted_semicolon_stays_in_the_description(
        self, events: list[CanonicalEvent]
    ) -> None:
        assert events[1].data.summary == "Empresas de fachada; remessas via dólar-cabo"

    def test_the_case_is_the_protocolo_of_the_sending_country(
        self, events: list[CanonicalEvent]
    ) -> None:
        assert events[0].caseid == case_id("rempm", "PY:PY-FGE-2026-3381")
        assert events[1].caseid == case_id("rempm", "BR:BR-MPF-2026-11873")

    def test_each_row_goes_to_its_desk(self, events: list[CanonicalEvent]) -> None:
        router = Router(load_desks())
        assert [router.route(e.data) for e in events] == [
            ["drug-trafficking"],
            ["money-laundering"],
            ["firearms-trafficking"],
        ]

    def test_the_receipt_lists_every_row_as_received(self) -> None:
        results = results_of(SPEC_EXAMPLE)
        rows = reply_rows(SPEC_EXAMPLE)
        assert rows == [
            {
                "protocolo": r.event.data.reference,
                "status": "RECEBIDO",
                "caso_cca": r.event.caseid,
                "motivo": "",
            }
            for r in results
            if isinstance(r, Translated)
        ]


class TestRowsAndLines:
    def test_the_record_digest_is_the_header_and_the_row_without_line_end(self) -> None:
        first = results_of(SPEC_EXAMPLE, eol="\r\n")[0]
        assert isinstance(first, Translated)
        row = SPEC_EXAMPLE.splitlines()[1]
        expected = hashlib.sha256(f"{HEADER}\n{row}".encode("iso-8859-1")).hexdigest()
        assert first.event.data.provenance is not None
        assert first.event.data.provenance.sha256 == expected

    def test_crlf_and_lf_files_give_the_same_events(self) -> None:
        crlf = [
            r.event.id for r in results_of(SPEC_EXAMPLE, eol="\r\n") if isinstance(r, Translated)
        ]
        lf = [r.event.id for r in results_of(SPEC_EXAMPLE) if isinstance(r, Translated)]
        assert crlf == lf
        assert len(lf) == 3

    def test_a_row_after_a_quoted_line_break_keeps_its_own_line_number(self) -> None:
        text = (
            f"{HEADER}\n"
            'UY-1;URY;01/12/2026;Estafa;"primera línea\nsegunda línea";;;;;;;;0\n'
            "UY-2;URY;01/12/2026;Estafa;sin saltos;;;;;;;;0\n"
            "UY-3;URY;31/12/2026;Estafa;x;;;;;;;;7\n"
        )
        results = results_of(text)
        assert [r.record for r in results] == [2, 4, 5]
        assert isinstance(results[0], Translated)
        assert results[0].event.data.summary == "primera línea\nsegunda línea"

    def test_the_same_protocolo_from_two_countries_is_two_cases(self) -> None:
        text = f"{HEADER}\nX-1;BRA;01/12/2026;;;;;;;;;;0\nX-1;ARG;01/12/2026;;;;;;;;;;0\n"
        first, second = results_of(text)
        assert isinstance(first, Translated)
        assert isinstance(second, Translated)
        assert first.event.caseid != second.event.caseid
        assert first.event.subject == second.event.subject == "X-1"

    def test_header_names_match_without_case_accents_or_a_byte_order_mark(self) -> None:
        header = "PROTOCOLO; País_Origem ;Data_Registro;SIGILO".encode("iso-8859-1")
        native = b"\xef\xbb\xbf" + header + b"\r\nP-1;CHL;02/01/2027;1\r\n"
        (done,) = translate(RempmAdapter(), native, received=RECEIVED)
        assert isinstance(done, Translated)
        assert done.event.data.origin.country == "CL"

    def test_birth_dates_may_be_partial_with_zeros_or_a_bare_year(self) -> None:
        people = "ANA RIOS|LUIS PAZ|RAUL SOSA;00/00/1970|00/05/1981|1990"
        text = f"{HEADER}\nP-1;PRY;01/12/2026;;;{people};;;;;;0\n"
        (done,) = results_of(text)
        assert isinstance(done, Translated)
        assert [p.birth_date for p in done.event.data.persons] == ["1970", "1981-05", "1990"]


class TestRejectedRows:
    @pytest.mark.parametrize(
        ("row", "words"),
        [
            ("P-1;PRY;31/02/2026;;;;;;;;;;0", "impossible date '31/02/2026' in data_registro"),
            ("P-1;PRY;2026-02-01;;;;;;;;;;0", "date '2026-02-01' in data_registro"),
            ("P-1;PRY;01/02/2026;;;;;;;91,0;-55,0;;0", "latitude '91,0' in latitude"),
            ("P-1;PRY;01/02/2026;;;;;;;-22,0;-181,5;;0", "longitude '-181,5' in longitude"),
            ("P-1;PRY;01/02/2026;;;;;;;-22,0;;;0", "longitude is missing"),
            ("P-1;PRY;01/02/2026;;;;;;;abc;-55,0;;0", "latitude 'abc' in latitude"),
            (";PRY;01/02/2026;;;;;;;;;;0", "no protocolo"),
            ("P-1;PRY;01/02/2026", "too few fields"),
            ("P-1;PRY;01/02/2026;;;;;;;;;;0;extra", "too many fields"),
            ("P-1;XXX;01/02/2026;;;;;;;;;;0", "country 'XXX' in pais_origem"),
            ("P-1;;01/02/2026;;;;;;;;;;0", "no pais_origem"),
            ("P-1;PRY;01/02/2026;;;;;;;;;;3", "sigilo '3' in sigilo"),
            ("P-1;PRY;01/02/2026;;;;;;;;;;", "sigilo '' in sigilo"),
            ("P-1;PRY;01/02/2026;;;ANA RIOS;30/02/1980;;;;;;0", "impossible date '30/02/1980'"),
            ("P-1;PRY;01/02/2026;;;ANA RIOS;01/01/2030;;;;;;0", "after the case was registered"),
            (
                "P-1;PRY;01/02/2026;;;|ANA RIOS;01/01/1980|;;;;;;0",
                "same position of investigados is empty",
            ),
            ('P-1;PRY;01/02/2026;;"a"b;;;;;;;;0', "quote inside a field"),
        ],
    )
    def test_a_bad_row_is_refused_with_its_line_and_reason(self, row: str, words: str) -> None:
        good = "G-1;BRA;01/12/2026;;;;;;;;;;0"
        results = results_of(f"{HEADER}\n{good}\n{row}\n{good.replace('G-1', 'G-2')}\n")
        assert [type(r).__name__ for r in results] == ["Translated", "Rejected", "Translated"]
        bad = results[1]
        assert isinstance(bad, Rejected)
        assert bad.record == 3
        assert words in bad.reason
        assert bad.reference == ("P-1" if row.startswith("P-1") else None)

    def test_the_cli_names_each_bad_row_and_exits_1(self, tmp_path: Path) -> None:
        native = GOLDEN / "bad_rows_among_good_ones" / "native.csv"
        code, events, errors = cli(native)
        assert code == 1
        assert [e.subject for e in events] == ["BR-MPF-2026-20001", "AR-PGN-2026-1201"]
        assert [line.split(": ", 2)[1] for line in errors] == [
            "record 3 (BR-MPF-2026-20002)",
            "record 4 (PY-FGE-2026-4410)",
            "record 5",
            "record 6 (AR-PGN-2026-1200)",
            "record 8 (BO-FGE-2026-0033)",
            "record 9 (BO-FGE-2026-0034)",
        ]

    def test_an_over_long_line_is_refused_without_decoding_all_of_it(self) -> None:
        huge = "P-1;PRY;01/02/2026;;" + "x" * (2 * 1024 * 1024) + ";;;;;;;;0"
        results = results_of(f"{HEADER}\n{huge}\nP-2;PRY;01/02/2026;;;;;;;;;;0\n")
        assert [type(r).__name__ for r in results] == ["Rejected", "Translated"]
        assert isinstance(results[0], Rejected)
        assert "line 2 is longer than 1048576 bytes" in results[0].reason
        assert results[0].reference == "P-1"

    def test_a_rejected_row_is_dead_lettered_as_a_file_of_its_own(self) -> None:
        row = "P-1;PRY;31/02/2026;;;;;;;;;;0"
        (bad,) = results_of(f"{HEADER}\r\n{row}\r\n")
        assert isinstance(bad, Rejected)
        assert bad.native == f"{HEADER}\n{row}".encode("iso-8859-1")
        (again,) = translate(RempmAdapter(), bad.native, received=RECEIVED)
        assert isinstance(again, Rejected)
        assert again.reason == bad.reason

    def test_an_unclosed_quote_still_names_its_protocolo(self) -> None:
        native = (GOLDEN / "unclosed_quote_at_end_of_file" / "native.csv").read_bytes()
        last = translate(RempmAdapter(), native, received=RECEIVED)[-1]
        assert isinstance(last, Rejected)
        assert (last.record, last.reference) == (3, "UY-FGN-2026-0501")
        assert "never closed" in last.reason


class TestWholeFileRejections:
    @pytest.mark.parametrize(
        ("native", "words"),
        [
            (
                b"protocolo;pais_origem;data_registro\r\nP-1;BRA;01/12/2026\r\n",
                "lacks the required column(s) sigilo",
            ),
            (f"{HEADER}\r\n".encode(), "no rows"),
            (f"{HEADER};protocolo\nP;BRA;01/12/2026;;;;;;;;;;0;P\n".encode(), "appears twice"),
            (b"\r\n\r\n", "empty"),
            (HEADER.replace(";", ",").encode() + b"\nP,BRA\n", "is the separator ',' or a tab"),
        ],
    )
    def test_an_unusable_file_is_refused_whole(self, native: bytes, words: str) -> None:
        (only,) = translate(RempmAdapter(), native, received=RECEIVED)
        assert isinstance(only, Rejected)
        assert only.record is None
        assert words in only.reason

    def test_its_receipt_has_one_line_with_the_reason_and_no_protocolo(self) -> None:
        rows = reply_rows("protocolo;data_registro\nP-1;01/12/2026\n")
        assert len(rows) == 1
        assert rows[0]["protocolo"] == rows[0]["caso_cca"] == ""
        assert rows[0]["status"] == "REJEITADO"
        assert "pais_origem, sigilo" in rows[0]["motivo"]


class TestReceipt:
    def test_every_row_is_listed_in_file_order_even_when_all_are_rejected(self) -> None:
        text = f"{HEADER}\nP-1;PRY;31/02/2026;;;;;;;;;;0\nP-2;PRY;01/02/2026;;;;;;;;;;9\n"
        rows = reply_rows(text)
        assert [(r["protocolo"], r["status"], r["caso_cca"]) for r in rows] == [
            ("P-1", "REJEITADO", ""),
            ("P-2", "REJEITADO", ""),
        ]
        assert "31/02/2026" in rows[0]["motivo"]

    def test_it_is_latin1_with_the_agreed_header(self) -> None:
        text = f"{HEADER}\nP-1;PRY;01/02/2026;;;;;;;;;;0\nP-2;PRY;01/02/2026;;;;;;;;;ÑÑÑ;0\n"
        reply = RempmAdapter().render(receipt_for(results_of(text)))
        assert reply is not None
        assert reply.startswith(b"protocolo;status;caso_cca;motivo\r\n")
        assert "'ÑÑÑ'".encode("iso-8859-1") in reply
