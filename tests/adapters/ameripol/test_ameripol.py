"""ameripol adapter: the conformance kit over the goldens, and the spec's own example checked
by hand through the ``hub translate`` command."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from adapters.ameripol import AmeripolAdapter
from adapters.ameripol.dtg import format_dtg
from adapters.sdk.contract import Receipt, Rejected, Translated
from adapters.sdk.kit import RECEIVED, conformance_tests
from adapters.sdk.pipeline import translate
from contract.envelope import CanonicalEvent, case_id, from_structured
from hub.cli import app
from hub.core.desks import load_desks
from hub.core.routing import Router

GOLDEN = Path(__file__).parent / "golden"
SPEC_EXAMPLE = """AMERIPOL//ALERTA OPERATIVA//NR 2026-11-0457
DE: POLICIA NACIONAL DE COLOMBIA - DIJIN
PARA: CCA
FECHA: 28NOV2026 1430Z
PRIORIDAD: INMEDIATA
CLASIFICACION: RESERVADO
ASUNTO: ENVIO DE COCAINA EN CONTENEDOR DESDE BUENAVENTURA
DELITOS: TRAFICO DE ESTUPEFACIENTES / LAVADO DE ACTIVOS
PERSONAS:
 1. APELLIDOS: RESTREPO OCHOA NOMBRES: JUAN DAVID NAC: COL FN: 02ABR1984 DOC: CC 1036634512
 2. APELLIDOS: VARGAS NOMBRES: LUIS EDUARDO NAC: ECU
VEHICULOS:
 1. BUQUE "MSC ANYA" IMO 9454436 BANDERA PAN
LUGARES:
 1. BUENAVENTURA, VALLE DEL CAUCA, COL 03.8801N 077.0312W
 2. MANZANILLO, COLIMA, MEX
TEXTO:
SE TIENE INFORMACION DE UN CONTENEDOR REFRIGERADO CON 1.2 TONELADAS
CON DESTINO AL PUERTO DE MANZANILLO. SE SOLICITA INSPECCION.
FIN DEL MENSAJE
"""

TestAmeripolAdapterConformance = conformance_tests(
    AmeripolAdapter, GOLDEN, min_cases=6, registered=True
)


def cli(native: str, tmp_path: Path) -> tuple[int, list[CanonicalEvent], list[str]]:
    path = tmp_path / "message.txt"
    path.write_bytes(native.encode("utf-8"))
    result = CliRunner().invoke(app, ["translate", "ameripol", str(path)])
    events = [from_structured(json.loads(line)) for line in result.stdout.splitlines()]
    return result.exit_code, events, result.stderr.splitlines()


def only_event(native: str) -> CanonicalEvent:
    (done,) = translate(AmeripolAdapter(), native.encode("utf-8"), received=RECEIVED)
    assert isinstance(done, Translated), done
    return done.event


def reason(native: str | bytes) -> str:
    raw = native.encode("utf-8") if isinstance(native, str) else native
    (done,) = translate(AmeripolAdapter(), raw, received=RECEIVED)
    assert isinstance(done, Rejected)
    return done.reason


def edited(old: str, new: str) -> str:
    assert old in SPEC_EXAMPLE
    return SPEC_EXAMPLE.replace(old, new)


class TestTheSpecExample:
    @pytest.fixture
    def event(self, tmp_path: Path) -> CanonicalEvent:
        code, events, errors = cli(SPEC_EXAMPLE, tmp_path)
        assert (code, errors) == (0, [])
        (only,) = events
        return only

    @pytest.fixture
    def data(self, event: CanonicalEvent) -> dict[str, Any]:
        dumped: dict[str, Any] = event.data.model_dump(mode="json")
        return dumped

    def test_is_an_operational_intel_report_named_by_its_nr(self, event: CanonicalEvent) -> None:
        assert event.type == "cca.intel.report.v1"
        assert event.source == "urn:cca:net:ameripol"
        assert event.subject == "2026-11-0457"
        assert event.caseid == case_id("ameripol", "2026-11-0457")
        assert event.data.model_dump(mode="json")["level"] == "OPERATIONAL"

    def test_the_date_time_group_is_utc(self, event: CanonicalEvent) -> None:
        assert event.time.isoformat() == "2026-11-28T14:30:00+00:00"

    def test_header_fields(self, data: dict[str, Any]) -> None:
        assert data["reference"] == "2026-11-0457"
        assert data["origin"] == {
            "network": "ameripol",
            "country": "CO",
            "authority": "POLICIA NACIONAL DE COLOMBIA - DIJIN",
        }
        assert data["classification"] == {
            "level": "RESTRICTED",
            "original": "RESERVADO",
            "tlp": None,
        }
        assert data["priority"] == "INMEDIATA"
        assert data["title"] == "ENVIO DE COCAINA EN CONTENEDOR DESDE BUENAVENTURA"
        assert data["request_for_information"] is False

    def test_offences_carry_their_iccs_codes(self, data: dict[str, Any]) -> None:
        assert [(o["label"], o["iccs"]) for o in data["offences"]] == [
            ("TRAFICO DE ESTUPEFACIENTES", "06012"),
            ("LAVADO DE ACTIVOS", "07041"),
        ]

    def test_persons_are_split_by_their_labels(self, data: dict[str, Any]) -> None:
        first, second = data["persons"]
        assert first == {
            "full_name": "JUAN DAVID RESTREPO OCHOA",
            "given_names": "JUAN DAVID",
            "family_names": "RESTREPO OCHOA",
            "birth_date": "1984-04-02",
            "nationalities": ["CO"],
            "role": "SUBJECT",
            "aliases": [],
            "documents": [{"kind": "CC", "number": "1036634512", "issuer": None}],
            "sex": None,
            "place_of_birth": None,
        }
        assert (second["full_name"], second["given_names"], second["family_names"]) == (
            "LUIS EDUARDO VARGAS",
            "LUIS EDUARDO",
            "VARGAS",
        )
        assert (second["birth_date"], second["nationalities"], second["documents"]) == (
            None,
            ["EC"],
            [],
        )

    def test_the_vessel_has_its_name_imo_and_flag(self, data: dict[str, Any]) -> None:
        assert data["vessels"] == [
            {"ref": None, "name": "MSC ANYA", "imo": "9454436", "flag": "PA"}
        ]
        assert data["vehicles"] == []

    def test_places_read_hemisphere_letters(self, data: dict[str, Any]) -> None:
        assert data["locations"] == [
            {
                "name": "BUENAVENTURA",
                "region": "VALLE DEL CAUCA",
                "country": "CO",
                "lat": 3.8801,
                "lon": -77.0312,
            },
            {"name": "MANZANILLO", "region": "COLIMA", "country": "MX", "lat": None, "lon": None},
        ]

    def test_countries_are_origin_places_nationalities_then_flags(
        self, data: dict[str, Any]
    ) -> None:
        assert data["countries"] == ["CO", "MX", "EC", "PA"]

    def test_the_text_is_the_summary(self, data: dict[str, Any]) -> None:
        assert data["summary"] == (
            "SE TIENE INFORMACION DE UN CONTENEDOR REFRIGERADO CON 1.2 TONELADAS\n"
            "CON DESTINO AL PUERTO DE MANZANILLO. SE SOLICITA INSPECCION."
        )

    def test_goes_to_the_drug_and_money_laundering_desks(self, event: CanonicalEvent) -> None:
        assert Router(load_desks()).route(event.data) == ["drug-trafficking", "money-laundering"]

    def test_the_reply_is_an_acuse_de_recibo_in_the_network_layout(
        self, event: CanonicalEvent
    ) -> None:
        reply = AmeripolAdapter().render(Receipt(received=RECEIVED, accepted=(event,)))
        assert (
            reply
            == (
                "AMERIPOL//ACUSE DE RECIBO//NR 2026-11-0457\n"
                "DE: CCA\n"
                "PARA: POLICIA NACIONAL DE COLOMBIA - DIJIN\n"
                "FECHA: 30NOV2026 1200Z\n"
                f"CASO CCA: {event.caseid}\n"
                "FIN DEL MENSAJE\n"
            ).encode()
        )


class TestVariants:
    def test_a_solicitud_de_informacion_is_a_request_for_information(self) -> None:
        event = only_event(
            edited("ALERTA OPERATIVA//NR 2026-11-0457", "SOLICITUD DE INFORMACION//NR 2026-11-0457")
        )
        assert event.data.model_dump(mode="json")["request_for_information"] is True

    def test_crlf_line_ends_read_the_same(self) -> None:
        lf = only_event(SPEC_EXAMPLE).data.model_dump(exclude={"provenance"})
        crlf = only_event(SPEC_EXAMPLE.replace("\n", "\r\n")).data.model_dump(
            exclude={"provenance"}
        )
        assert crlf == lf

    def test_south_and_west_are_negative(self) -> None:
        event = only_event(edited("03.8801N 077.0312W", "34.6037S 058.3816W"))
        place = event.data.locations[0]
        assert (place.lat, place.lon) == (-34.6037, -58.3816)

    def test_north_and_east_are_positive(self) -> None:
        event = only_event(edited("03.8801N 077.0312W", "03.8801N 007.0312E"))
        assert (event.data.locations[0].lat, event.data.locations[0].lon) == (3.8801, 7.0312)

    def test_a_place_without_region_or_country(self) -> None:
        event = only_event(edited(" 2. MANZANILLO, COLIMA, MEX", " 2. ALTA MAR"))
        assert event.data.locations[1].model_dump() == {
            "name": "ALTA MAR",
            "country": None,
            "lat": None,
            "lon": None,
            "region": None,
        }

    def test_a_vehicle_that_is_not_a_vessel_keeps_its_description(self) -> None:
        event = only_event(
            edited(
                ' 1. BUQUE "MSC ANYA" IMO 9454436 BANDERA PAN', " 1. CAMIONETA TOYOTA HILUX GRIS"
            )
        )
        (car,) = event.data.model_dump(mode="json")["vehicles"]
        assert car["description"] == "CAMIONETA TOYOTA HILUX GRIS"
        assert event.data.model_dump(mode="json")["vessels"] == []

    def test_a_ship_named_only_by_its_imo_number_is_a_vessel(self) -> None:
        event = only_event(
            edited('BUQUE "MSC ANYA" IMO 9454436 BANDERA PAN', 'MOTONAVE "MSC ANYA" IMO 9454436')
        )
        assert event.data.model_dump()["vessels"] == [
            {"ref": None, "name": "MSC ANYA", "imo": "9454436", "flag": None}
        ]

    def test_the_closing_line_may_end_with_a_full_stop(self) -> None:
        event = only_event(edited("FIN DEL MENSAJE\n", "Fin del mensaje.\n"))
        assert event.data.summary.endswith("SE SOLICITA INSPECCION.")

    def test_unknown_lines_before_the_text_are_ignored(self) -> None:
        event = only_event(
            edited("PARA: CCA\n", "PARA: CCA\nREF: OFICIO 1234\nNOTA SIN DOS PUNTOS\n")
        )
        assert event.data == only_event(SPEC_EXAMPLE).data.model_copy(
            update={"provenance": event.data.provenance}
        )

    def test_a_unit_naming_no_country_leaves_the_origin_country_empty(self) -> None:
        event = only_event(
            edited("POLICIA NACIONAL DE COLOMBIA - DIJIN", "POLICIA FEDERAL - DICOR")
        )
        assert event.data.origin.country is None
        assert event.data.countries == ["CO", "MX", "EC", "PA"]


class TestRejections:
    @pytest.mark.parametrize(
        ("native", "words"),
        [
            (SPEC_EXAMPLE.replace("FIN DEL MENSAJE\n", ""), "without FIN DEL MENSAJE"),
            (SPEC_EXAMPLE[: SPEC_EXAMPLE.index("TEXTO:")], "truncated in transit"),
            (SPEC_EXAMPLE + SPEC_EXAMPLE, "text after FIN DEL MENSAJE"),
            (edited("TEXTO:\n", ""), "no TEXTO: line"),
            (edited("ALERTA OPERATIVA", "ACUSE DE RECIBO"), "kind 'ACUSE DE RECIBO'"),
            (edited("AMERIPOL//", "INTERPOL//"), "is not a header"),
            (edited("FECHA: 28NOV2026 1430Z", "FECHA: 30FEB2026 1430Z"), "impossible date"),
            (edited("FECHA: 28NOV2026 1430Z", "FECHA: 28XYZ2026 1430Z"), "unknown month"),
            (edited("FECHA: 28NOV2026 1430Z", "FECHA: 28/11/2026 14:30"), "FECHA"),
            (edited("FECHA: 28NOV2026 1430Z\n", ""), "no FECHA: line"),
            (edited("DE: POLICIA NACIONAL DE COLOMBIA - DIJIN\n", "DE:\n"), "no DE: line"),
            (edited("CLASIFICACION: RESERVADO", "CLASIFICACION: SUPER"), "CLASIFICACION"),
            (edited("PARA: CCA\n", "PARA: CCA\nCLASIFICACION: SECRETO\n"), "appears twice"),
            (edited("NAC: ECU", "NAC: XYZ"), "nationality 'XYZ'"),
            (edited("FN: 02ABR1984", "FN: 31ABR1984"), "impossible date '31ABR1984'"),
            (edited("DOC: CC 1036634512", "DOC: CC"), "expected <type> <number>"),
            (edited("IMO 9454436", "IMO 945443"), "not 7 digits"),
            (edited("BANDERA PAN", "BANDERA XYZ"), "flag 'XYZ'"),
            (edited("COL 03.8801N", "COL 93.8801N"), "outside ±90"),
            (edited("COLIMA, MEX", "COLIMA, XYZ"), "country 'XYZ'"),
            (
                edited("APELLIDOS: VARGAS NOMBRES: LUIS EDUARDO NAC: ECU", "NAC: ECU"),
                "a person needs a name",
            ),
        ],
    )
    def test_an_unreadable_message_is_refused_with_a_reason(self, native: str, words: str) -> None:
        assert words in reason(native)

    def test_bytes_that_are_not_utf8_are_refused(self) -> None:
        assert "not UTF-8" in reason(SPEC_EXAMPLE.encode("utf-8").replace(b"CCA", b"C\xe1A"))

    def test_the_cli_exits_1_and_says_why(self, tmp_path: Path) -> None:
        code, events, errors = cli(SPEC_EXAMPLE.replace("FIN DEL MENSAJE\n", ""), tmp_path)
        assert (code, events) == (1, [])
        (line,) = errors
        assert "message: the message ends without FIN DEL MENSAJE" in line

    def test_a_refused_alert_gets_no_reply(self) -> None:
        assert AmeripolAdapter().render(Receipt(received=RECEIVED)) is None


class TestDateTimeGroups:
    @pytest.mark.parametrize(
        ("when", "text"),
        [
            (datetime(2026, 1, 5, 0, 30, tzinfo=UTC), "05ENE2026 0030Z"),
            (datetime(2026, 4, 1, 9, 5, tzinfo=UTC), "01ABR2026 0905Z"),
            (datetime(2026, 8, 31, 23, 59, tzinfo=UTC), "31AGO2026 2359Z"),
            (datetime(2026, 12, 24, 12, 0, tzinfo=UTC), "24DIC2026 1200Z"),
        ],
    )
    def test_replies_use_spanish_months_in_utc(self, when: datetime, text: str) -> None:
        assert format_dtg(when) == text

    def test_a_partial_birth_date_is_kept_partial(self) -> None:
        event = only_event(edited("FN: 02ABR1984", "FN: ABR1984"))
        assert event.data.persons[0].birth_date == "1984-04"
