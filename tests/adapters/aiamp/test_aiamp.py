"""aiamp adapter: the conformance kit over the goldens, and the spec's own examples checked
by hand through the ``hub translate`` command."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from adapters.aiamp import AiampAdapter
from adapters.aiamp.crime import area_code
from adapters.sdk.contract import Receipt, Rejected, Translated
from adapters.sdk.kit import RECEIVED, conformance_tests
from adapters.sdk.pipeline import translate
from contract.envelope import CanonicalEvent, from_structured
from hub.cli import app
from hub.core.desks import load_desks
from hub.core.routing import Router
from tests._support.json_mutation import check_any_value_at_any_key

GOLDEN = Path(__file__).parent / "golden"
FIRST_EXAMPLE = GOLDEN / "pt_spontaneous_information_with_surname_comma" / "native.json"
SECOND_EXAMPLE = GOLDEN / "mla_request_with_empty_labels_falls_back_to_red" / "native.json"

TRANSLATING_CASES = sorted(p.parent.name for p in GOLDEN.glob("*/canonical.jsonl"))

TestAiampAdapterConformance = conformance_tests(AiampAdapter, GOLDEN, min_cases=6, registered=True)


def translate_with_cli(path: Path) -> list[CanonicalEvent]:
    result = CliRunner().invoke(app, ["translate", "aiamp", str(path)])
    assert result.exit_code == 0, result.stderr
    return [from_structured(json.loads(line)) for line in result.stdout.splitlines()]


def only_event(path: Path) -> CanonicalEvent:
    events = translate_with_cli(path)
    assert len(events) == 1
    return events[0]


def data_of(path: Path) -> dict[str, Any]:
    dumped: dict[str, Any] = only_event(path).data.model_dump(mode="json")
    return dumped


def golden(case: str) -> dict[str, Any]:
    return data_of(GOLDEN / case / "native.json")


def route(event: CanonicalEvent) -> list[str]:
    return Router(load_desks()).route(event.data)


def message(head: dict[str, object] | None = None, body: dict[str, object] | None = None) -> bytes:
    """The second spec example with some header/body keys replaced (None removes a key)."""
    raw = json.loads(SECOND_EXAMPLE.read_bytes())
    for part, changes in (("cabecera", head or {}), ("cuerpo", body or {})):
        for key, value in changes.items():
            if value is None:
                raw[part].pop(key, None)
            else:
                raw[part][key] = value
    return json.dumps(raw, ensure_ascii=False).encode("utf-8")


def translated(raw: bytes) -> dict[str, Any]:
    (done,) = translate(AiampAdapter(), raw, received=RECEIVED)
    assert isinstance(done, Translated), done
    dumped: dict[str, Any] = done.event.data.model_dump(mode="json")
    return dumped


def reason(raw: bytes) -> str:
    (refused,) = translate(AiampAdapter(), raw, received=RECEIVED)
    assert isinstance(refused, Rejected)
    return refused.reason


class TestTheFirstSpecExample:
    def test_is_spontaneous_information_from_brazil(self) -> None:
        event = only_event(FIRST_EXAMPLE)
        assert event.type == "cca.case.referral.v1"
        assert event.subject == "AIAMP-REDTRAM-2026-0193"
        data = event.data.model_dump(mode="json")
        assert data["kind"] == "SPONTANEOUS_INFORMATION"
        assert data["origin"] == {
            "network": "aiamp",
            "country": "BR",
            "authority": "Ministério Público Federal",
        }
        assert data["title"] == "Rede de aliciamento de mulheres para exploração sexual"
        assert data["summary"] == "Aliciamento em Foz do Iguaçu com destino a Madri."

    def test_epoch_milliseconds_become_utc(self) -> None:
        # 1764356400000 ms = 2025-11-28T19:00:00Z
        assert only_event(FIRST_EXAMPLE).time.isoformat() == "2025-11-28T19:00:00+00:00"

    def test_reserva_true_is_restricted(self) -> None:
        data = data_of(FIRST_EXAMPLE)
        assert data["classification"] == {"level": "RESTRICTED", "original": "true", "tlp": None}

    def test_surnames_before_the_comma_are_the_family_names(self) -> None:
        (person,) = data_of(FIRST_EXAMPLE)["persons"]
        assert person["full_name"] == "SILVA SANTOS, João Pedro"
        assert person["family_names"] == "SILVA SANTOS"
        assert person["given_names"] == "João Pedro"
        assert person["role"] == "SUSPECT"
        assert person["birth_date"] == "1985-07-21"
        assert person["nationalities"] == ["BR", "PY"]

    def test_portuguese_label_maps_and_no_area_is_added(self) -> None:
        offences = data_of(FIRST_EXAMPLE)["offences"]
        assert [(o["label"], o["iccs"]) for o in offences] == [
            ("Tráfico internacional de pessoa para fim de exploração sexual", "02041")
        ]

    def test_countries_and_desk(self) -> None:
        event = only_event(FIRST_EXAMPLE)
        assert event.data.countries == ["BR", "PY", "ES"]
        assert route(event) == ["trafficking-in-persons"]

    def test_reply_is_an_acuse_with_epoch_milliseconds(self) -> None:
        (done,) = translate(AiampAdapter(), FIRST_EXAMPLE.read_bytes(), received=RECEIVED)
        assert isinstance(done, Translated)
        reply = AiampAdapter().render(Receipt(received=RECEIVED, accepted=(done.event,)))
        assert reply is not None
        assert json.loads(reply) == {
            "tipo": "ACUSE",
            "id": "AIAMP-REDTRAM-2026-0193",
            "caso_cca": done.event.caseid,
            "recibido_ms": 1796040000000,  # 2026-11-30T12:00:00Z
        }


class TestTheSecondSpecExample:
    def test_is_an_mla_request_from_spain_to_argentina(self) -> None:
        event = only_event(SECOND_EXAMPLE)
        assert event.type == "cca.mla.request.v1"
        assert event.time.isoformat() == "2025-11-29T13:00:00+00:00"
        data = event.data.model_dump(mode="json")
        assert data["request"]["requesting"] == "ES"
        assert data["request"]["requested"] == "AR"
        assert data["request"]["reply_by"] == "2026-12-20"
        assert data["countries"] == ["ES", "AR"]
        assert data["title"] == "Preservación de datos de tráfico de un servicio de mensajería"

    def test_reserva_false_is_public(self) -> None:
        data = data_of(SECOND_EXAMPLE)
        assert data["classification"] == {"level": "PUBLIC", "original": "false", "tlp": None}

    def test_name_without_comma_has_the_last_two_words_as_family_names(self) -> None:
        (person,) = data_of(SECOND_EXAMPLE)["persons"]
        assert person["full_name"] == "PABLO MARTIN RUIZ"
        assert person["given_names"] == "PABLO"
        assert person["family_names"] == "MARTIN RUIZ"
        assert person["role"] == "ACCUSED"

    def test_empty_labels_fall_back_to_the_cybercrime_area(self) -> None:
        data = data_of(SECOND_EXAMPLE)
        assert data["offences"] == [{"label": "CIBERRED", "iccs": "0903", "statute": None}]
        assert data["cyber"] is True

    def test_goes_to_the_cybercrime_desk(self) -> None:
        assert route(only_event(SECOND_EXAMPLE)) == ["cybercrime"]


class TestNames:
    def test_two_words_without_comma_have_the_last_as_family_name(self) -> None:
        first = golden("joint_team_name_without_comma_two_words")["persons"][0]
        assert (first["given_names"], first["family_names"]) == ("Wilmer", "Ocampo")
        assert first["full_name"] == "Wilmer Ocampo"

    def test_four_words_without_comma_have_the_last_two_as_family_names(self) -> None:
        (person,) = golden("pt_missing_labels_fall_back_to_red_four_word_name")["persons"]
        assert person["given_names"] == "Márcio Aurélio"
        assert person["family_names"] == "Nogueira Lima"
        assert person["role"] == "VICTIM"

    def test_stray_spaces_around_the_comma_are_ignored(self) -> None:
        second = golden("joint_team_name_without_comma_two_words")["persons"][1]
        assert second["family_names"] == "ZAMBRANO VÉLEZ"
        assert second["given_names"] == "Luis Alfredo"
        assert second["role"] == "CONVICTED"
        assert second["nationalities"] == ["EC"]


class TestCrimeAreas:
    @pytest.mark.parametrize(
        ("red", "labels", "code"),
        [
            ("RFAI", [], "06012"),
            ("REDTRAM", [], "0204"),
            ("REDTRAM", ["Introducción clandestina de extranjeros"], "08051"),
            ("CIBERRED", [], "0903"),
            ("REDCOR", [], "0703"),
            ("REDCOR", ["Ocultação de bens, direitos e valores"], "07041"),
            ("REDMA", [], "10"),
        ],
    )
    def test_the_red_gives_the_area_when_labels_do_not(
        self, red: str, labels: list[str], code: str
    ) -> None:
        raw = message(
            head={"red": red, "id": f"AIAMP-{red}-2026-0001"}, body={"tipificacion": labels}
        )
        offences = translated(raw)["offences"]
        assert offences[-1] == {"label": red, "iccs": code, "statute": None}

    def test_missing_labels_fall_back_like_empty_ones(self) -> None:
        offences = translated(message(body={"tipificacion": None}))["offences"]
        assert offences == [{"label": "CIBERRED", "iccs": "0903", "statute": None}]

    def test_a_label_that_maps_keeps_the_area_out(self) -> None:
        raw = message(body={"tipificacion": ["Acceso ilícito a sistemas informáticos"]})
        assert [o["iccs"] for o in translated(raw)["offences"]] == ["0903"]

    def test_labels_that_map_add_no_area(self) -> None:
        data = golden("redcor_label_that_maps_needs_no_fallback")
        assert [(o["label"], o["iccs"]) for o in data["offences"]] == [
            ("Branqueamento agravado", "07041"),
            ("Corrupção passiva", "07031"),
        ]

    def test_an_organized_crime_label_alone_still_adds_the_area(self) -> None:
        data = golden("redma_only_qualifier_label_adds_the_red")
        assert [(o["label"], o["iccs"]) for o in data["offences"]] == [
            ("Organización criminal", "09051"),
            ("REDMA", "10"),
        ]


class TestRequests:
    def test_several_other_countries_leave_the_requested_state_unknown(self) -> None:
        data = golden("mla_request_with_several_other_countries_names_no_requested_state")
        assert data["request"]["requesting"] == "CL"
        assert data["request"]["requested"] is None
        assert data["countries"] == ["CL", "PE", "BO"]

    def test_only_the_sender_involved_leaves_the_requested_state_unknown(self) -> None:
        data = translated(message(body={"paises_involucrados": ["ES"]}))
        assert data["request"]["requested"] is None

    def test_uk_is_great_britain_everywhere(self) -> None:
        data = golden("uk_sender_becomes_gb")
        assert data["origin"]["country"] == "GB"
        assert data["request"] == {
            "requesting": "GB",
            "requested": "EC",
            "measures": [],
            "urgency": None,
            "reply_by": "2026-12-31",
            "legal_basis": None,
            "authority": None,
            "warrant": None,
        }
        assert data["persons"][0]["nationalities"] == ["GB", "IE"]
        assert data["countries"] == ["GB", "EC", "IE"]


class TestRejections:
    @pytest.mark.parametrize(
        ("head", "body", "names"),
        [
            ({"id": "AIAMP-RFAI-2026-0042"}, {}, "cabecera.id"),
            ({"id": "CIBERRED-2026-0042"}, {}, "cabecera.id"),
            ({"red": "REDXX", "id": "AIAMP-REDXX-2026-0042"}, {}, "cabecera.red"),
            ({"tipo": "RESPUESTA"}, {}, "cabecera.tipo"),
            ({"pais_emisor": "ESP"}, {}, "cabecera.pais_emisor"),
            ({"pais_emisor": "XX"}, {}, "cabecera.pais_emisor"),
            ({"idioma": "en"}, {}, "cabecera.idioma"),
            ({"emitido_ms": "1764421200000"}, {}, "'cabecera.emitido_ms' must be a whole number"),
            ({"emitido_ms": 1764421200}, {}, "seconds"),
            ({"emitido_ms": 10**30}, {}, "cabecera.emitido_ms"),
            ({"reserva": "false"}, {}, "'cabecera.reserva' must be true or false"),
            ({"emisor": None}, {}, "'cabecera.emisor' is missing"),
            ({}, {"personas": {"nombre_completo": "X"}}, "'cuerpo.personas' must be a list"),
            (
                {},
                {"personas": [{"nombre_completo": 7, "rol": "TESTIGO"}]},
                "personas[0].nombre_completo",
            ),
            ({}, {"personas": [{"nombre_completo": "A B", "rol": "JUEZ"}]}, "personas[0].rol"),
            ({}, {"tipificacion": "Fraude"}, "'cuerpo.tipificacion' must be a list"),
            ({}, {"paises_involucrados": ["ES", "Argentina"]}, "paises_involucrados[1]"),
            ({}, {"plazo": "2026-02-30"}, "cuerpo.plazo"),
            ({}, {"plazo": "20/12/2026"}, "cuerpo.plazo"),
            ({}, {"resumen": None}, "'cuerpo.resumen' is missing"),
        ],
    )
    def test_reason_names_the_key(
        self, head: dict[str, object], body: dict[str, object], names: str
    ) -> None:
        assert names in reason(message(head=head, body=body))

    def test_a_list_instead_of_the_header_is_refused(self) -> None:
        raw = json.dumps({"cabecera": [], "cuerpo": {}}).encode()
        assert "'cabecera' must be a JSON object, not a list" in reason(raw)


@pytest.mark.parametrize(
    ("red", "labels", "code"),
    [
        ("REDTRAM", ["Trata de migrantes"], "0204"),
        ("REDTRAM", ["Smuggling"], "08051"),
        ("REDTRAM", ["Ingreso irregular de personas"], "08051"),
        ("REDTRAM", ["Explotación laboral"], "0204"),
        ("REDCOR", ["Autolavado"], "07041"),
        ("REDCOR", ["Encubrimiento"], "0703"),
        ("RFAI", ["Lavado de activos"], "06012"),
    ],
)
def test_the_area_is_refined_only_by_what_the_labels_say(
    red: str, labels: list[str], code: str
) -> None:
    assert area_code(red, labels) == code


def test_a_refused_message_is_named_on_stderr_and_exits_1() -> None:
    path = GOLDEN / "rejects_unknown_role" / "native.json"
    result = CliRunner().invoke(app, ["translate", "aiamp", str(path)])
    assert result.exit_code == 1
    assert result.stdout == ""
    assert "(AIAMP-REDCOR-2026-0101): role 'SOSPECHOSO_PRINCIPAL' in cuerpo.personas[0].rol" in (
        result.stderr
    )


def test_no_reply_when_the_message_was_refused() -> None:
    assert AiampAdapter().render(Receipt(received=RECEIVED)) is None


@settings(max_examples=300, deadline=None, derandomize=True)
@given(st.data())
def test_any_value_at_any_key_is_read_or_refused_with_a_reason(data: st.DataObject) -> None:
    case = data.draw(st.sampled_from(TRANSLATING_CASES))
    check_any_value_at_any_key(AiampAdapter(), GOLDEN / case / "native.json", data)
