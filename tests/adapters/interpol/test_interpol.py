"""interpol adapter: the conformance kit over the goldens, and the spec's own examples
checked by hand through the ``hub translate`` command."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from adapters.interpol import InterpolAdapter
from adapters.interpol.withdrawal import withdrawn_draft
from adapters.sdk.contract import Draft, Rejected, Translated
from adapters.sdk.kit import RECEIVED, conformance_tests
from adapters.sdk.pipeline import translate
from contract.envelope import CanonicalEvent, from_structured
from contract.signing import canonical_json
from hub.cli import app
from hub.core.desks import load_desks
from hub.core.routing import Router
from schemas import Notice

GOLDEN = Path(__file__).parent / "golden"
SPEC_LIST = GOLDEN / "spec_list_page_of_two_red_summaries" / "native.json"
SPEC_DETAIL = GOLDEN / "spec_red_notice_detail_drug_trafficking" / "native.json"

TestInterpolAdapterConformance = conformance_tests(
    InterpolAdapter, GOLDEN, min_cases=6, registered=True
)


def translate_with_cli(path: Path) -> list[CanonicalEvent]:
    result = CliRunner().invoke(app, ["translate", "interpol", str(path)])
    assert result.exit_code == 0, result.stderr
    return [from_structured(json.loads(line)) for line in result.stdout.splitlines()]


def notice(event: CanonicalEvent) -> Notice:
    assert isinstance(event.data, Notice)
    return event.data


def translated(document: dict[str, Any]) -> list[Translated | Rejected]:
    raw = json.dumps(document, ensure_ascii=False).encode("utf-8")
    return translate(InterpolAdapter(), raw, received=RECEIVED)


def only_notice(document: dict[str, Any]) -> Notice:
    results = translated(document)
    assert len(results) == 1
    assert isinstance(results[0], Translated), results[0]
    return notice(results[0].event)


def spec_detail(**changes: object) -> dict[str, Any]:
    document: dict[str, Any] = json.loads(SPEC_DETAIL.read_bytes())
    document.update(changes)
    return document


def test_the_spec_detail_is_a_red_notice_for_pintos_montero_routed_to_drug_trafficking() -> None:
    [event] = translate_with_cli(SPEC_DETAIL)
    data = notice(event)
    assert event.type == "cca.notice.v1"
    assert event.subject == data.reference == "2021/75051"
    [person] = data.persons
    assert (person.given_names, person.family_names) == ("EDGAR GONZALO", "PINTOS MONTERO")
    assert person.full_name == "EDGAR GONZALO PINTOS MONTERO"
    assert (person.birth_date, person.nationalities, person.role) == (
        "1979-01-17",
        ["UY"],
        "WANTED",
    )
    assert (person.sex, person.place_of_birth) == ("M", "MONTEVIDEO")
    assert "UY" in data.countries
    [warrant] = data.notice.warrants
    assert (warrant.issuing_country, warrant.iccs) == ("UY", "06012")
    assert warrant.charge == "Tráfico internacional de estupefacientes"
    assert warrant.charge_translation == "International drug trafficking"
    assert (data.notice.kind, data.notice.status) == ("RED", "ACTIVE")
    assert [(o.label, o.iccs) for o in data.offences] == [
        ("Tráfico internacional de estupefacientes", "06012")
    ]
    assert (data.classification.level, data.classification.original) == (
        "PUBLIC",
        "(public notice feed)",
    )
    assert Router(load_desks()).route(data) == ["drug-trafficking"]


def test_the_spec_list_page_gives_one_notice_per_summary_with_what_a_summary_holds() -> None:
    first, second = translate_with_cli(SPEC_LIST)
    assert [first.subject, second.subject] == ["2021/75051", "2026/10077"]
    one, two = notice(first), notice(second)
    assert one.persons[0].birth_date == "1979-01-17"
    assert one.persons[0].nationalities == ["UY"]
    assert one.countries == ["UY"]
    assert (two.persons[0].full_name, two.persons[0].birth_date) == ("MARIA QUISPE MAMANI", "1991")
    assert two.persons[0].nationalities == []
    assert two.countries == []
    assert one.notice.kind == two.notice.kind == "RED"
    assert one.offences == []
    assert one.notice.warrants == []
    assert first.caseid != second.caseid


def test_a_summary_and_its_detail_share_the_case_but_not_the_event_id() -> None:
    [from_list, _] = translate_with_cli(SPEC_LIST)
    [from_detail] = translate_with_cli(SPEC_DETAIL)
    assert from_list.caseid == from_detail.caseid
    assert from_list.id != from_detail.id


def test_record_bytes_ignore_key_order_and_white_space_but_not_content() -> None:
    document = spec_detail()
    reordered = dict(reversed(list(document.items())))
    [a] = translated(document)
    [b] = translated(reordered)
    [c] = translated(spec_detail(weight=81))
    assert isinstance(a, Translated)
    assert isinstance(b, Translated)
    assert isinstance(c, Translated)
    assert a.event.id == b.event.id != c.event.id
    assert a.event.data.provenance is not None
    assert canonical_json(document) == canonical_json(reordered)


@pytest.mark.parametrize(
    ("href", "kind", "role"),
    [
        ("https://notices.example/notices/v1/red/2021-75051", "RED", "WANTED"),
        ("https://notices.example/notices/v1/yellow/2021-75051", "YELLOW", "MISSING"),
        ("https://notices.example/notices/v1/un/persons/2021-75051", "UN", "SUBJECT"),
        ("/notices/v1/un/persons/2021-75051", "UN", "SUBJECT"),
    ],
)
def test_the_kind_comes_from_the_self_link_path(href: str, kind: str, role: str) -> None:
    data = only_notice(spec_detail(_links={"self": {"href": href}}))
    assert data.notice.kind == kind
    assert data.persons[0].role == role


def test_a_detail_without_links_is_red_when_it_lists_arrest_warrants() -> None:
    document = spec_detail()
    del document["_links"]
    assert only_notice(document).notice.kind == "RED"


def test_a_detail_without_links_or_warrants_is_refused_saying_why() -> None:
    document = spec_detail(arrest_warrants=None)
    del document["_links"]
    [result] = translated(document)
    assert isinstance(result, Rejected)
    assert "notice kind unknown in notice 2021/75051" in result.reason


def test_a_missing_entity_id_is_read_from_the_self_link() -> None:
    document = spec_detail()
    del document["entity_id"]
    assert only_notice(document).reference == "2021/75051"


def test_a_charge_that_does_not_classify_is_classified_by_its_translation() -> None:
    warrant = {
        "issuing_country_id": "AR",
        "charge": "Infracción Ley 23.737",
        "charge_translation": "Drug trafficking",
    }
    data = only_notice(spec_detail(arrest_warrants=[warrant]))
    assert [(o.label, o.iccs) for o in data.offences] == [("Infracción Ley 23.737", "06012")]
    assert data.notice.warrants[0].iccs == "06012"


def test_countries_are_nationalities_then_country_of_birth_then_warrant_issuers() -> None:
    warrants = [
        {"issuing_country_id": "AR", "charge": "Lavado de activos", "charge_translation": None},
        {"issuing_country_id": "URY", "charge": "Narcotráfico", "charge_translation": None},
    ]
    data = only_notice(
        spec_detail(nationalities=["PY", "UY"], country_of_birth_id="BR", arrest_warrants=warrants)
    )
    assert data.countries == ["PY", "UY", "BR", "AR"]
    assert [w.issuing_country for w in data.notice.warrants] == ["AR", "UY"]
    assert Router(load_desks()).route(data) == ["drug-trafficking", "money-laundering"]


def test_a_very_long_charge_is_cut_in_the_label_but_kept_whole_in_the_summary() -> None:
    charge = "Tráfico ilícito de drogas agravado " + "y otros delitos conexos " * 40
    warrant = {"issuing_country_id": "PE", "charge": charge, "charge_translation": None}
    data = only_notice(spec_detail(arrest_warrants=[warrant]))
    label = data.offences[0].label
    assert len(label) <= 500
    assert label.endswith("…")
    assert charge.startswith(label[:-1])
    assert charge.strip() in data.summary


@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        ({"date_of_birth": "1979/02/30"}, "date_of_birth '1979/02/30' in notice 2021/75051"),
        ({"nationalities": ["ZZ"]}, "nationalities 'ZZ' in notice 2021/75051"),
        ({"sex_id": "X"}, "sex_id 'X' in notice 2021/75051: not M, F or U"),
        ({"forename": 42}, "'forename' in notice 2021/75051 must be a string, not a number"),
        ({"arrest_warrants": "UY"}, "arrest_warrants 'UY' in notice 2021/75051"),
        ({"entity_id": 2021}, "entity_id '2021' in the notice detail: not a notice id"),
    ],
)
def test_an_unreadable_field_rejects_the_notice_naming_the_field(
    changes: dict[str, object], reason: str
) -> None:
    [result] = translated(spec_detail(**changes))
    assert isinstance(result, Rejected)
    assert reason in result.reason


def test_a_bad_summary_on_a_list_page_does_not_sink_the_others() -> None:
    page = json.loads(SPEC_LIST.read_bytes())
    page["_embedded"]["notices"].insert(1, {"entity_id": "2020/1", "date_of_birth": "31/31/1990"})
    results = translated(page)
    assert [type(r).__name__ for r in results] == ["Translated", "Rejected", "Translated"]
    bad = results[1]
    assert isinstance(bad, Rejected)
    assert (bad.record, bad.reference) == (2, "2020/1")


def test_a_withdrawn_draft_keeps_the_case_and_differs_from_every_active_version() -> None:
    [active] = translate_with_cli(SPEC_DETAIL)
    draft = withdrawn_draft("RED", "2021/75051", "ab" * 32)
    assert isinstance(draft, Draft)
    data = draft.data
    assert isinstance(data, Notice)
    assert (data.reference, data.notice.kind, data.notice.status) == (
        "2021/75051",
        "RED",
        "WITHDRAWN",
    )
    assert draft.record_bytes.startswith(b"WITHDRAWN\n")
    assert draft.record_bytes != canonical_json(json.loads(SPEC_DETAIL.read_bytes()))

    class _Once(InterpolAdapter):
        def parse(self, native: bytes) -> list[Draft]:
            return [draft]

    [result] = translate(_Once(), b"-", received=RECEIVED)
    assert isinstance(result, Translated)
    assert result.event.caseid == active.caseid
    assert result.event.id != active.id


def test_a_key_given_twice_refuses_the_document() -> None:
    native = SPEC_DETAIL.read_bytes().replace(b'"sex_id"', b'"sex_id": "M", "sex_id"', 1)
    [result] = translate(InterpolAdapter(), native, received=RECEIVED)
    assert isinstance(result, Rejected)
    assert result.reason == "key 'sex_id' appears twice in one JSON object"


def test_a_document_that_is_not_a_notice_is_refused_by_the_command() -> None:
    path = GOLDEN / "not_a_notice_document_rejected" / "native.json"
    result = CliRunner().invoke(app, ["translate", "interpol", str(path)])
    assert result.exit_code == 1
    assert result.stdout == ""
    assert "not a notice document" in result.stderr
