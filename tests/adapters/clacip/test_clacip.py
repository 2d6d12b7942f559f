"""The CLACIP adapter: golden conformance, the spec's example checked by hand, and the
bundle rules (one report, references only, grading, markings, safe parsing)."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from adapters.clacip import ClacipAdapter
from adapters.clacip.bundle import MAX_OBJECTS
from adapters.sdk.contract import Rejected, Translated
from adapters.sdk.kit import RECEIVED, conformance_tests
from adapters.sdk.pipeline import translate
from contract.envelope import from_json_line
from hub.cli import app
from hub.core.desks import load_desks
from hub.core.routing import Router
from schemas import IntelReport

GOLDEN = Path(__file__).parent / "golden"
SPEC_EXAMPLE = GOLDEN / "spec_example" / "native.json"
ADAPTER = ClacipAdapter()

TestClacipConformance = conformance_tests(ClacipAdapter, GOLDEN, min_cases=6, registered=True)

TLP_IDS = {
    "marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487": "CLEAR",
    "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb": "GREEN",
    "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421": "AMBER",
    "marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003": "AMBER+STRICT",
    "marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1": "RED",
}


def example() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(SPEC_EXAMPLE.read_text(encoding="utf-8"))
    return loaded


def report_of(bundle: dict[str, Any]) -> dict[str, Any]:
    found: dict[str, Any] = bundle["objects"][0]
    assert found["type"] == "report"
    return found


def by_type(bundle: dict[str, Any], kind: str) -> dict[str, Any]:
    found: dict[str, Any] = next(o for o in bundle["objects"] if o["type"] == kind)
    return found


def accepted(bundle: dict[str, Any] | bytes) -> IntelReport:
    native = bundle if isinstance(bundle, bytes) else json.dumps(bundle).encode()
    results = translate(ADAPTER, native, received=RECEIVED)
    assert len(results) == 1
    result = results[0]
    assert isinstance(result, Translated), result
    data = result.event.data
    assert isinstance(data, IntelReport)
    return data


def refused(bundle: dict[str, Any] | bytes) -> str:
    native = bundle if isinstance(bundle, bytes) else json.dumps(bundle).encode()
    results = translate(ADAPTER, native, received=RECEIVED)
    assert len(results) == 1
    result = results[0]
    assert isinstance(result, Rejected), result
    return result.reason


@pytest.fixture(scope="module")
def lines() -> list[str]:
    """The spec's example through ``hub translate clacip FILE``: its stdout lines."""
    outcome = CliRunner().invoke(app, ["translate", "clacip", str(SPEC_EXAMPLE)])
    assert outcome.exit_code == 0, outcome.output
    assert outcome.stderr == ""
    return outcome.stdout.splitlines()


class TestSpecExampleThroughTheCommandLine:
    def test_the_bundle_becomes_exactly_one_intel_report_event(self, lines: list[str]) -> None:
        assert len(lines) == 1
        event = from_json_line(lines[0])
        assert event.type == "cca.intel.report.v1"
        assert event.source == "urn:cca:net:clacip"
        assert event.subject == "report--84e4d88f-44ea-4bcd-bbf3-b2c1c320bcb3"
        assert event.time.isoformat() == "2026-11-28T13:05:00+00:00"

    def test_report_properties_map_to_level_grading_origin_and_markings(
        self, lines: list[str]
    ) -> None:
        data = from_json_line(lines[0]).data
        assert isinstance(data, IntelReport)
        assert data.reference == "report--84e4d88f-44ea-4bcd-bbf3-b2c1c320bcb3"
        assert data.title == "Ruta de cocaína por el Pacífico hacia Centroamérica"
        assert data.summary.startswith("Embarcaciones semisumergibles zarpan de Tumaco")
        assert data.level == "TACTICAL"
        assert data.grading is not None
        assert (data.grading.source, data.grading.information) == ("B", 2)
        assert data.origin.network == "clacip"
        assert data.origin.country == "CO"
        assert data.classification.level == "RESTRICTED"
        assert data.classification.original == "RESERVADO"
        assert data.classification.tlp == "AMBER"
        assert data.countries == ["CO"]
        assert data.cyber is False

    def test_the_person_location_group_and_link_come_from_referenced_objects(
        self, lines: list[str]
    ) -> None:
        data = from_json_line(lines[0]).data
        assert isinstance(data, IntelReport)
        [person] = data.persons
        assert person.full_name == "Jhon Fredy Cuero Angulo"
        assert (person.given_names, person.family_names) == ("Jhon Fredy", "Cuero Angulo")
        assert person.birth_date == "1990-06-02"
        assert person.nationalities == ["CO"]
        assert person.role == "SUBJECT"
        [place] = data.locations
        assert (place.name, place.country, place.lat, place.lon) == (
            "Tumaco",
            "CO",
            1.8067,
            -78.7647,
        )
        [group] = data.groups
        assert group.name == "Clan del Golfo"
        assert group.aliases == ["AGC"]
        assert group.kinds == ["crime-syndicate"]
        assert group.ref == "threat-actor--9a8d7c61-0b37-4b8e-9a3a-3f4f1c7f2e10"
        [link] = data.links
        assert link.source == group.ref
        assert link.relationship == "located-at"
        assert link.target == "location--a6e9345f-5a15-4c29-8bb3-7dcc5d168d64"

    def test_the_narcotrafico_label_routes_to_the_drug_trafficking_desk(
        self, lines: list[str]
    ) -> None:
        data = from_json_line(lines[0]).data
        assert [(o.label, o.iccs) for o in data.offences] == [("narcotrafico", "06012")]
        assert Router(load_desks()).route(data) == ["drug-trafficking"]


class TestOneReportPerBundle:
    def test_a_bundle_without_a_report_is_refused(self) -> None:
        bundle = example()
        bundle["objects"] = bundle["objects"][1:]
        assert "no 'report' object" in refused(bundle)

    def test_a_bundle_with_two_reports_is_refused_naming_both(self) -> None:
        bundle = example()
        second = copy.deepcopy(report_of(bundle))
        second["id"] = "report--00000000-0000-4000-8000-000000000001"
        bundle["objects"].append(second)
        reason = refused(bundle)
        assert "2 'report' objects" in reason
        assert second["id"] in reason

    def test_a_refusal_names_the_report_it_refuses(self) -> None:
        bundle = example()
        report_of(bundle)["x_clacip_level"] = "URGENTE"
        [result] = translate(ADAPTER, json.dumps(bundle).encode(), received=RECEIVED)
        assert isinstance(result, Rejected)
        assert result.reference == "report--84e4d88f-44ea-4bcd-bbf3-b2c1c320bcb3"

    def test_a_top_level_that_is_not_a_bundle_is_refused(self) -> None:
        assert "not a STIX bundle" in refused(json.dumps(report_of(example())).encode())


class TestPlainStixReport:
    def plain(self) -> dict[str, Any]:
        bundle = example()
        report = report_of(bundle)
        for key in [k for k in report if k.startswith("x_clacip_")]:
            del report[key]
        del report["labels"], report["object_marking_refs"]
        return bundle

    def test_is_accepted_with_unknown_level_and_grading_and_restricted_handling(self) -> None:
        data = accepted(self.plain())
        assert data.level is None
        assert data.grading is None
        assert data.classification.level == "RESTRICTED"
        assert data.classification.original == "(none)"
        assert data.classification.tlp is None
        assert data.origin.country is None

    def test_without_labels_goes_to_the_triage_desk(self) -> None:
        data = accepted(self.plain())
        assert data.offences == []
        assert Router(load_desks()).route(data) == ["triage"]

    def test_its_countries_still_come_from_the_referenced_objects(self) -> None:
        assert accepted(self.plain()).countries == ["CO"]

    def test_the_creating_identity_names_the_sending_unit(self) -> None:
        bundle = self.plain()
        identity = {
            "type": "identity",
            "spec_version": "2.1",
            "id": "identity--00000000-0000-4000-8000-0000000000aa",
            "created": "2026-11-28T13:00:00.000Z",
            "modified": "2026-11-28T13:00:00.000Z",
            "name": "Dirección de Inteligencia Policial",
        }
        report_of(bundle)["created_by_ref"] = identity["id"]
        bundle["objects"].append(identity)
        assert accepted(bundle).origin.authority == "Dirección de Inteligencia Policial"


class TestGradingAndLevel:
    @pytest.mark.parametrize(
        ("grading", "source", "information"),
        [
            ({"source": "B", "information": "2"}, "B", 2),
            ({"source": " f ", "information": "6"}, "F", 6),
            ({"source": "A", "information": 1}, "A", 1),
        ],
    )
    def test_grading_keeps_its_two_axes_apart(
        self, grading: dict[str, Any], source: str, information: int
    ) -> None:
        bundle = example()
        report_of(bundle)["x_clacip_grading"] = grading
        data = accepted(bundle)
        assert data.grading is not None
        assert (data.grading.source, data.grading.information) == (source, information)

    @pytest.mark.parametrize(
        ("grading", "why"),
        [
            ({"source": "G", "information": "2"}, "source 'G'"),
            ({"source": "B", "information": "0"}, "information '0'"),
            ({"source": "B", "information": "7"}, "information '7'"),
            ({"source": "B", "information": True}, "information 'True'"),
            ({"source": "B"}, "information 'None'"),
            ({"information": "2"}, "source 'None'"),
            ("B2", "must be an object"),
            (["B", "2"], "must be an object"),
        ],
    )
    def test_an_invalid_grading_is_refused_naming_the_axis(self, grading: object, why: str) -> None:
        bundle = example()
        report_of(bundle)["x_clacip_grading"] = grading
        reason = refused(bundle)
        assert "x_clacip_grading in report--84e4d88f" in reason
        assert why in reason

    @pytest.mark.parametrize(
        ("sent", "level"),
        [
            ("ESTRATEGICO", "STRATEGIC"),
            ("Estratégico", "STRATEGIC"),
            ("TACTICO", "TACTICAL"),
            (" operativo ", "OPERATIONAL"),
        ],
    )
    def test_intelligence_level_is_read_in_any_case_with_or_without_accents(
        self, sent: str, level: str
    ) -> None:
        bundle = example()
        report_of(bundle)["x_clacip_level"] = sent
        assert accepted(bundle).level == level

    def test_an_unknown_intelligence_level_is_refused(self) -> None:
        bundle = example()
        report_of(bundle)["x_clacip_level"] = "URGENTE"
        assert "x_clacip_level 'URGENTE'" in refused(bundle)


class TestMarkings:
    @pytest.mark.parametrize(("marking", "tlp"), sorted(TLP_IDS.items()))
    def test_each_official_tlp_2_marking_sets_the_tlp(self, marking: str, tlp: str) -> None:
        bundle = example()
        report_of(bundle)["object_marking_refs"] = [marking]
        assert accepted(bundle).classification.tlp == tlp

    def test_the_strictest_of_several_tlp_markings_wins(self) -> None:
        bundle = example()
        report_of(bundle)["object_marking_refs"] = list(TLP_IDS)[::-1]
        assert accepted(bundle).classification.tlp == "RED"

    def test_a_marking_that_is_not_tlp_sets_no_tlp(self) -> None:
        bundle = example()
        report_of(bundle)["object_marking_refs"] = [
            "marking-definition--00000000-0000-4000-8000-000000000002"
        ]
        assert accepted(bundle).classification.tlp is None

    @pytest.mark.parametrize(
        ("handling", "level"),
        [
            ("PUBLICO", "PUBLIC"),
            ("RESERVADO", "RESTRICTED"),
            ("Confidencial", "CONFIDENTIAL"),
            ("SECRETO", "SECRET"),
        ],
    )
    def test_handling_sets_the_classification_level_and_keeps_the_original(
        self, handling: str, level: str
    ) -> None:
        bundle = example()
        report_of(bundle)["x_clacip_handling"] = handling
        data = accepted(bundle)
        assert data.classification.level == level
        assert data.classification.original == handling

    def test_an_unknown_handling_is_refused(self) -> None:
        bundle = example()
        report_of(bundle)["x_clacip_handling"] = "MUY RESERVADO" * 20
        reason = refused(bundle)
        assert "x_clacip_handling 'MUY RESERVADO" in reason
        assert len(reason) < 300

    def test_an_origin_that_is_not_a_country_is_refused(self) -> None:
        bundle = example()
        report_of(bundle)["x_clacip_origin"] = "XX"
        assert "x_clacip_origin 'XX'" in refused(bundle)


class TestLabels:
    @pytest.mark.parametrize(
        ("label", "desk"),
        [
            ("trata-de-personas", "trafficking-in-persons"),
            ("trafico-de-migrantes", "migrant-smuggling"),
            ("trafico-de-armas", "firearms-trafficking"),
            ("lavado-de-activos", "money-laundering"),
            ("corrupcion", "corruption"),
            ("secuestro", "kidnapping-extortion"),
            ("extorsion", "kidnapping-extortion"),
            ("mineria-ilegal", "environmental-crime"),
            ("delito-ambiental", "environmental-crime"),
            ("ciberdelito", "cybercrime"),
        ],
    )
    def test_each_crime_area_tag_reaches_its_desk(self, label: str, desk: str) -> None:
        bundle = example()
        report_of(bundle)["labels"] = [label]
        data = accepted(bundle)
        assert data.offences[0].label == label
        assert data.offences[0].iccs is not None
        assert Router(load_desks()).route(data) == [desk]

    def test_a_cyber_label_flags_the_report_cyber_related(self) -> None:
        bundle = example()
        report_of(bundle)["labels"] = ["narcotrafico", "ciberdelito"]
        data = accepted(bundle)
        assert data.cyber is True
        assert Router(load_desks()).route(data) == ["drug-trafficking", "cybercrime"]

    def test_a_repeated_label_gives_one_offence(self) -> None:
        bundle = example()
        report_of(bundle)["labels"] = ["narcotrafico", "narcotrafico"]
        assert len(accepted(bundle).offences) == 1


class TestReferencedObjects:
    def test_an_unreferenced_person_is_ignored(self) -> None:
        bundle = example()
        report_of(bundle)["object_refs"].remove(by_type(bundle, "x-clacip-person")["id"])
        data = accepted(bundle)
        assert data.persons == []

    def test_a_reference_to_an_object_outside_the_bundle_is_allowed(self) -> None:
        bundle = example()
        report_of(bundle)["object_refs"].append("identity--00000000-0000-4000-8000-000000000003")
        assert accepted(bundle).reference == report_of(bundle)["id"]

    def test_an_invalid_unreferenced_object_does_not_sink_the_report(self) -> None:
        bundle = example()
        bundle["objects"].append({"type": "location", "id": "location--broken", "latitude": 500})
        assert len(accepted(bundle).locations) == 1

    def test_an_invalid_referenced_object_is_refused_naming_it_and_its_property(self) -> None:
        bundle = example()
        by_type(bundle, "location")["latitude"] = 123.4
        reason = refused(bundle)
        assert "location--a6e9345f-5a15-4c29-8bb3-7dcc5d168d64" in reason
        assert "'latitude'" in reason

    def test_a_referenced_object_given_twice_is_refused_as_ambiguous(self) -> None:
        bundle = example()
        bundle["objects"].append(copy.deepcopy(by_type(bundle, "location")))
        assert "appears 2 times" in refused(bundle)

    def test_a_person_with_an_unknown_nationality_is_refused_naming_the_person(self) -> None:
        bundle = example()
        by_type(bundle, "x-clacip-person")["nationalities"] = ["Atlantis"]
        reason = refused(bundle)
        assert "nationalities item 'Atlantis'" in reason
        assert "x-clacip-person--0c5f4f2e" in reason

    def test_a_person_with_an_impossible_birth_date_is_refused(self) -> None:
        bundle = example()
        by_type(bundle, "x-clacip-person")["birth_date"] = "1990-02-30"
        assert "birth_date '1990-02-30'" in refused(bundle)

    def test_a_person_without_a_name_is_refused(self) -> None:
        bundle = example()
        person = by_type(bundle, "x-clacip-person")
        del person["given_names"], person["family_names"]
        assert "needs given_names or family_names" in refused(bundle)

    def test_a_wrongly_typed_custom_property_is_refused_not_crashed(self) -> None:
        bundle = example()
        by_type(bundle, "x-clacip-person")["given_names"] = ["Jhon"]
        assert "given_names" in refused(bundle)

    def test_relationships_between_referenced_objects_are_kept_even_unlisted(self) -> None:
        bundle = example()
        relationship = by_type(bundle, "relationship")
        report_of(bundle)["object_refs"].remove(relationship["id"])
        assert [link.relationship for link in accepted(bundle).links] == ["located-at"]

    def test_relationships_to_unreferenced_objects_are_left_out(self) -> None:
        bundle = example()
        relationship = by_type(bundle, "relationship")
        report_of(bundle)["object_refs"].remove(relationship["id"])
        report_of(bundle)["object_refs"].remove(relationship["target_ref"])
        assert accepted(bundle).links == []

    def test_an_invalid_vessel_imo_is_refused(self) -> None:
        bundle = example()
        vessel = {
            "type": "x-clacip-vessel",
            "id": "x-clacip-vessel--00000000-0000-4000-8000-0000000000bb",
            "imo": "12345",
        }
        bundle["objects"].append(vessel)
        report_of(bundle)["object_refs"].append(vessel["id"])
        assert "imo '12345'" in refused(bundle)


class TestSafeParsing:
    def test_a_key_given_twice_is_refused(self) -> None:
        native = SPEC_EXAMPLE.read_bytes().replace(
            b'"x_clacip_handling": "RESERVADO"',
            b'"x_clacip_handling": "SECRETO", "x_clacip_handling": "PUBLICO"',
        )
        assert "'x_clacip_handling' appears twice" in refused(native)

    def test_an_over_long_integer_is_refused_cleanly(self) -> None:
        native = SPEC_EXAMPLE.read_bytes().replace(
            b'"x_clacip_origin": "CO"', b'"x_clacip_origin": "CO", "x_big": ' + b"7" * 5000
        )
        [result] = translate(ADAPTER, native, received=RECEIVED)
        assert isinstance(result, Rejected)
        assert result.error_class == "adapters.sdk.Reject"
        assert "a number has more than" in result.reason

    def test_nan_is_not_a_number_here(self) -> None:
        native = SPEC_EXAMPLE.read_bytes().replace(b'"latitude": 1.8067', b'"latitude": NaN')
        assert "NaN" in refused(native)

    def test_a_bundle_over_the_object_limit_is_refused(self) -> None:
        bundle = example()
        filler = {"type": "x-filler", "id": "x-filler--1"}
        bundle["objects"].extend([filler] * MAX_OBJECTS)
        assert f"over the limit of {MAX_OBJECTS}" in refused(bundle)

    def test_deeply_nested_custom_property_is_refused(self) -> None:
        native = SPEC_EXAMPLE.read_bytes().replace(
            b'"x_clacip_origin": "CO"',
            b'"x_clacip_origin": "CO", "x_deep": ' + b"[" * 100_000 + b"]" * 100_000,
        )
        assert "nested too deeply" in refused(native)

    def test_a_timestamp_that_is_not_stix_is_refused_naming_the_property(self) -> None:
        bundle = example()
        report_of(bundle)["published"] = "28/11/2026 13:05"
        reason = refused(bundle)
        assert "report--84e4d88f-44ea-4bcd-bbf3-b2c1c320bcb3" in reason
        assert "'published'" in reason

    def test_an_object_whose_type_is_not_its_id_is_refused(self) -> None:
        bundle = example()
        by_type(bundle, "x-clacip-person")["type"] = "x-clacip-vessel"
        assert "not the one its id names" in refused(bundle)

    def test_an_overlong_name_is_cut_to_a_title(self) -> None:
        bundle = example()
        report_of(bundle)["name"] = "Ruta " * 100
        title = accepted(bundle).title
        assert title is not None
        assert len(title) <= 300
        assert title.endswith("…")
