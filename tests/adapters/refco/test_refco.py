"""refco adapter: the conformance kit over the goldens, and the spec's own examples checked
by hand through the ``hub translate`` command."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from adapters.refco import RefcoAdapter
from adapters.sdk.contract import Receipt, Rejected, Translated
from adapters.sdk.kit import RECEIVED, conformance_tests
from adapters.sdk.pipeline import translate
from contract.envelope import CanonicalEvent, from_structured
from hub.cli import app
from hub.core.desks import load_desks
from hub.core.routing import Router
from tests._support.json_mutation import check_any_value_at_any_key

GOLDEN = Path(__file__).parent / "golden"
FIRST_EXAMPLE = GOLDEN / "v21_trafficking_referral_from_guatemala" / "native.json"
SECOND_EXAMPLE = GOLDEN / "v20_single_apellidos_string_and_lowercase_marking" / "native.json"

TRANSLATING_CASES = sorted(p.parent.name for p in GOLDEN.glob("*/canonical.jsonl"))

TestRefcoAdapterConformance = conformance_tests(RefcoAdapter, GOLDEN, min_cases=6, registered=True)


def translate_with_cli(path: Path) -> list[CanonicalEvent]:
    result = CliRunner().invoke(app, ["translate", "refco", str(path)])
    assert result.exit_code == 0, result.stderr
    return [from_structured(json.loads(line)) for line in result.stdout.splitlines()]


def only_event(path: Path) -> CanonicalEvent:
    events = translate_with_cli(path)
    assert len(events) == 1
    return events[0]


def data_of(path: Path) -> dict[str, Any]:
    dumped: dict[str, Any] = only_event(path).data.model_dump(mode="json")
    return dumped


def route(event: CanonicalEvent) -> list[str]:
    return Router(load_desks()).route(event.data)


def native(**changes: object) -> bytes:
    """The first spec example with some keys replaced (None removes a key)."""
    message = json.loads(FIRST_EXAMPLE.read_bytes())
    for key, value in changes.items():
        if value is None:
            message.pop(key, None)
        else:
            message[key] = value
    return json.dumps(message, ensure_ascii=False).encode("utf-8")


def reasons(raw: bytes) -> list[str]:
    results = translate(RefcoAdapter(), raw, received=RECEIVED)
    assert all(isinstance(r, Rejected) for r in results)
    return [r.reason for r in results if isinstance(r, Rejected)]


class TestTheFirstSpecExample:
    def test_is_a_case_referral_from_the_guatemalan_office(self) -> None:
        event = only_event(FIRST_EXAMPLE)
        assert event.type == "cca.case.referral.v1"
        assert event.source == "urn:cca:net:refco"
        assert event.subject == "MP-GT-FECO-2026-00417"
        data = event.data.model_dump(mode="json")
        assert data["reference"] == "MP-GT-FECO-2026-00417"
        assert data["kind"] == "REFERRAL"
        assert data["origin"] == {
            "network": "refco",
            "country": "GT",
            "authority": "Fiscalía contra el Crimen Organizado",
        }
        assert data["authority"] == "Fiscalía contra el Crimen Organizado"

    def test_fecha_in_guatemalan_time_becomes_utc(self) -> None:
        event = only_event(FIRST_EXAMPLE)
        assert event.time.isoformat() == "2026-11-27T15:15:00+00:00"

    def test_the_accused_keeps_both_surnames_alias_birth_date_and_document(self) -> None:
        (person,) = data_of(FIRST_EXAMPLE)["persons"]
        assert person["full_name"] == "Ana Lucía Gómez Rivas"
        assert person["given_names"] == "Ana Lucía"
        assert person["family_names"] == "Gómez Rivas"
        assert person["birth_date"] == "1988-09-05"
        assert person["nationalities"] == ["SV"]
        assert person["role"] == "ACCUSED"
        assert person["aliases"] == ["La Güera"]
        assert person["documents"] == [{"kind": "DUI", "number": "04512345-6", "issuer": "SV"}]

    def test_offences_carry_their_iccs_codes(self) -> None:
        offences = data_of(FIRST_EXAMPLE)["offences"]
        assert [(o["label"], o["iccs"]) for o in offences] == [
            ("Trata de personas con fines de explotación sexual", "02041"),
            ("Asociación ilícita", "09051"),
        ]

    def test_countries_are_the_origin_then_linked_then_nationalities(self) -> None:
        assert data_of(FIRST_EXAMPLE)["countries"] == ["GT", "SV", "MX"]

    def test_victims_place_marking_and_facts(self) -> None:
        data = data_of(FIRST_EXAMPLE)
        assert data["victims"] == {"count": 7, "minors": 2}
        assert data["locations"] == [
            {
                "name": "Puerto Barrios, Izabal",
                "country": "GT",
                "lat": 15.7278,
                "lon": -88.5944,
                "region": None,
            }
        ]
        assert data["classification"] == {
            "level": "RESTRICTED",
            "original": "RESERVADO",
            "tlp": None,
        }
        assert data["summary"].startswith("Red que captaba mujeres")

    def test_goes_to_the_trafficking_in_persons_desk_only(self) -> None:
        assert route(only_event(FIRST_EXAMPLE)) == ["trafficking-in-persons"]

    def test_reply_is_an_acuse_recibo_with_the_case_id(self) -> None:
        results = translate(RefcoAdapter(), FIRST_EXAMPLE.read_bytes(), received=RECEIVED)
        (done,) = results
        assert isinstance(done, Translated)
        reply = RefcoAdapter().render(Receipt(received=RECEIVED, accepted=(done.event,)))
        assert reply is not None
        assert json.loads(reply.decode("utf-8")) == {
            "tipo": "ACUSE_RECIBO",
            "expediente": "MP-GT-FECO-2026-00417",
            "caso_cca": done.event.caseid,
            "recibido": "2026-11-30T12:00:00Z",
        }


class TestTheSecondSpecExample:
    def test_fecha_in_salvadoran_time_becomes_utc(self) -> None:
        assert only_event(SECOND_EXAMPLE).time.isoformat() == "2026-11-28T23:40:00+00:00"

    def test_version_2_0_apellidos_are_the_family_names(self) -> None:
        (person,) = data_of(SECOND_EXAMPLE)["persons"]
        assert person["full_name"] == "José Mauricio Henríquez Paz"
        assert person["given_names"] == "José Mauricio"
        assert person["family_names"] == "Henríquez Paz"
        assert person["nationalities"] == ["SV"]
        assert person["role"] == "ACCUSED"
        assert person["birth_date"] is None
        assert person["documents"] == []

    def test_lowercase_marking_is_read_and_kept_as_sent(self) -> None:
        data = data_of(SECOND_EXAMPLE)
        assert data["classification"]["level"] == "CONFIDENTIAL"
        assert data["classification"]["original"] == "confidencial"

    def test_firearms_label_without_accents_is_trafficking(self) -> None:
        data = data_of(SECOND_EXAMPLE)
        assert [o["iccs"] for o in data["offences"]] == ["09012"]
        assert data["countries"] == ["SV"]
        assert data["victims"] is None
        assert data["locations"] == []

    def test_goes_to_the_firearms_desk(self) -> None:
        assert route(only_event(SECOND_EXAMPLE)) == ["firearms-trafficking"]


class TestLocalTimes:
    @pytest.mark.parametrize(
        ("pais", "fecha", "utc"),
        [
            ("Panamá", "30/11/2026 23:30", "2026-12-01T04:30:00+00:00"),
            ("Panama", "30/11/2026 23:30", "2026-12-01T04:30:00+00:00"),
            ("República Dominicana", "01/12/2026 02:05", "2026-12-01T06:05:00+00:00"),
            ("republica dominicana", "31/12/2026 21:00", "2027-01-01T01:00:00+00:00"),
            ("Belice", "15/06/2026 12:00", "2026-06-15T18:00:00+00:00"),
            ("México", "15/06/2026 12:00", "2026-06-15T18:00:00+00:00"),
            ("Costa Rica", "15/06/2026 12:00", "2026-06-15T18:00:00+00:00"),
        ],
    )
    def test_each_country_has_its_fixed_offset_all_year(
        self, pais: str, fecha: str, utc: str
    ) -> None:
        (done,) = translate(RefcoAdapter(), native(pais=pais, fecha=fecha), received=RECEIVED)
        assert isinstance(done, Translated)
        assert done.event.time.isoformat() == utc

    def test_a_country_without_an_agreed_local_time_is_refused(self) -> None:
        (reason,) = reasons(native(pais="Colombia"))
        assert "'CO' in pais" in reason


class TestRejections:
    @pytest.mark.parametrize(
        ("changes", "names"),
        [
            ({"version": "1.9"}, "version"),
            ({"version": 2.1}, "'version' must be a string"),
            ({"tipo": "REMISION"}, "tipo"),
            ({"expediente": None}, "'expediente' is missing"),
            ({"fecha": "2026-11-27 09:15"}, "in fecha"),
            ({"fecha": "27/13/2026 09:15"}, "in fecha"),
            ({"fecha": "27/11/2026 24:15"}, "in fecha"),
            ({"pais": "Guatemaya"}, "in pais"),
            ({"nivel_reserva": "CLASIFICADO"}, "in nivel_reserva"),
            ({"delitos": "Trata de personas"}, "'delitos' must be a list"),
            ({"delitos": [12]}, "'delitos[0]' must be a string"),
            ({"victimas": [7, 2]}, "'victimas' must be a JSON object"),
            ({"victimas": {"cantidad": "7"}}, "'victimas.cantidad' must be a whole number"),
            ({"victimas": {"cantidad": -1}}, "victimas.cantidad"),
            ({"lugares": [{"pais": "Guatemala"}]}, "'lugares[0].descripcion' is missing"),
            ({"lugares": [{"descripcion": "x", "coordenadas": "15.7"}]}, "lugares[0].coordenadas"),
            ({"lugares": [{"descripcion": "x", "coordenadas": "15.7,-188.5"}]}, "longitude"),
            ({"paises_vinculados": ["El Salvador", "Atlántida"]}, "paises_vinculados[1]"),
        ],
    )
    def test_reason_names_the_key(self, changes: dict[str, object], names: str) -> None:
        (reason,) = reasons(native(**changes))
        assert names in reason

    @pytest.mark.parametrize(
        ("person", "names"),
        [
            ({"nacionalidad": "marciana"}, "imputados[0].nacionalidad"),
            ({"nacionalidad": None}, "'imputados[0].nacionalidad' is missing"),
            ({"nombres": ["Ana"]}, "'imputados[0].nombres' must be a string"),
            ({"nacimiento": "31/04/1988"}, "imputados[0].nacimiento"),
            ({"nacimiento": "01/01/2030"}, "imputados[0].nacimiento"),
            ({"documento": {"tipo": "DUI"}}, "'imputados[0].documento.numero' is missing"),
            ({"alias": "La Güera"}, "'imputados[0].alias' must be a list"),
        ],
    )
    def test_reason_names_the_persons_key(self, person: dict[str, object], names: str) -> None:
        first = json.loads(FIRST_EXAMPLE.read_bytes())["imputados"][0]
        for key, value in person.items():
            if value is None:
                first.pop(key)
            else:
                first[key] = value
        (reason,) = reasons(native(imputados=[first]))
        assert names in reason

    def test_duplicate_keys_are_refused(self) -> None:
        raw = FIRST_EXAMPLE.read_bytes().replace(
            b'"pais": "Guatemala",', b'"pais": "Guatemala", "pais": "Panama",'
        )
        (reason,) = reasons(raw)
        assert "'pais' appears twice" in reason


class TestVersions:
    def test_a_2_0_message_may_name_linked_countries_too(self) -> None:
        data = data_of(GOLDEN / "v20_from_mexico_with_linked_countries" / "native.json")
        assert data["countries"][:4] == ["MX", "BZ", "US", "CN"]

    def test_second_surname_may_be_left_out(self) -> None:
        (person,) = data_of(GOLDEN / "missing_optional_fields_are_left_out" / "native.json")[
            "persons"
        ]
        assert (person["given_names"], person["family_names"]) == ("Kevin Josué", "Mejía")
        assert person["full_name"] == "Kevin Josué Mejía"


def test_feminine_demonyms_give_nationalities() -> None:
    data = data_of(GOLDEN / "panama_offset_with_feminine_demonyms" / "native.json")
    assert [p["nationalities"] for p in data["persons"]] == [["PA"], ["CO"], ["VE"]]


def test_a_residence_card_has_no_issuer_but_a_passport_has_the_holders_state() -> None:
    data = data_of(GOLDEN / "panama_offset_with_feminine_demonyms" / "native.json")
    issuers = [[d["issuer"] for d in p["documents"]] for p in data["persons"]]
    assert issuers == [["PA"], ["CO"], [None]]


def test_a_refused_referral_is_named_on_stderr_and_exits_1() -> None:
    path = GOLDEN / "rejects_unknown_demonym" / "native.json"
    result = CliRunner().invoke(app, ["translate", "refco", str(path)])
    assert result.exit_code == 1
    assert result.stdout == ""
    assert "(MP-CR-2026-0001): nationality 'marciano' in imputados[0].nacionalidad" in result.stderr


def test_no_reply_when_the_referral_was_refused() -> None:
    assert RefcoAdapter().render(Receipt(received=RECEIVED)) is None


@settings(max_examples=300, deadline=None, derandomize=True)
@given(st.data())
def test_any_value_at_any_key_is_read_or_refused_with_a_reason(data: st.DataObject) -> None:
    case = data.draw(st.sampled_from(TRANSLATING_CASES))
    check_any_value_at_any_key(RefcoAdapter(), GOLDEN / case / "native.json", data)
