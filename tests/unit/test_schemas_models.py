"""The canonical models refuse what the design forbids and name the field that is wrong."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from schemas import EVENT_MODELS, model_for_type
from tests.samples import ALL_TYPES, data, data_dict


def error_locations(exc: ValidationError) -> list[str]:
    return [".".join(str(p) for p in e["loc"]) for e in exc.errors()]


@pytest.mark.parametrize("event_type", ALL_TYPES)
def test_a_complete_sample_of_every_type_validates(event_type: str) -> None:
    model = data(event_type)
    assert model.reference == "REF-1"
    assert type(model).event_type == event_type


def test_there_are_exactly_the_six_types_of_the_design() -> None:
    assert set(EVENT_MODELS) == {
        "cca.case.referral.v1",
        "cca.mla.request.v1",
        "cca.extradition.request.v1",
        "cca.request.status.v1",
        "cca.intel.report.v1",
        "cca.notice.v1",
    }


def test_an_unknown_type_is_named_in_the_error() -> None:
    with pytest.raises(KeyError, match=r"cca\.case\.unknown\.v9"):
        model_for_type("cca.case.unknown.v9")


BAD_VALUES: list[tuple[str, dict[str, Any], str]] = [
    ("bad_country", {"countries": ["GT", "XX"]}, "countries.1"),
    ("alpha3_country", {"countries": ["GTM"]}, "countries.0"),
    ("lowercase_country", {"countries": ["gt"]}, "countries.0"),
    (
        "bad_nationality",
        {"persons": [{"full_name": "A B", "nationalities": ["ZZ"]}]},
        "persons.0.nationalities.0",
    ),
    ("iccs_wrong_length", {"offences": [{"label": "x", "iccs": "060"}]}, "offences.0.iccs"),
    ("iccs_unknown_code", {"offences": [{"label": "x", "iccs": "9999"}]}, "offences.0.iccs"),
    (
        "impossible_birth_date",
        {"persons": [{"full_name": "A", "birth_date": "1990-02-30"}]},
        "persons.0.birth_date",
    ),
    (
        "birth_month_13",
        {"persons": [{"full_name": "A", "birth_date": "1990-13"}]},
        "persons.0.birth_date",
    ),
    (
        "birth_date_other_format",
        {"persons": [{"full_name": "A", "birth_date": "30/01/1990"}]},
        "persons.0.birth_date",
    ),
    ("oversize_name", {"persons": [{"full_name": "A" * 301}]}, "persons.0.full_name"),
    ("oversize_reference", {"reference": "R" * 65}, "reference"),
    ("empty_reference", {"reference": "  "}, "reference"),
    (
        "latitude_out_of_range",
        {"locations": [{"name": "x", "lat": 91.0, "lon": 0.0}]},
        "locations.0.lat",
    ),
    ("latitude_without_longitude", {"locations": [{"name": "x", "lat": 10.0}]}, "locations.0"),
    (
        "unknown_level",
        {"classification": {"level": "TOP", "original": "TOP"}},
        "classification.level",
    ),
    (
        "unknown_tlp",
        {"classification": {"level": "PUBLIC", "original": "x", "tlp": "PINK"}},
        "classification.tlp",
    ),
    ("unknown_field", {"colour": "blue"}, "colour"),
    ("too_many_countries", {"countries": ["GT"] * 251}, "countries"),
]


@pytest.mark.parametrize(("name", "change", "field"), BAD_VALUES, ids=[b[0] for b in BAD_VALUES])
def test_invalid_values_are_refused_with_the_field_named(
    name: str, change: dict[str, Any], field: str
) -> None:
    with pytest.raises(ValidationError) as info:
        model_for_type("cca.case.referral.v1").model_validate(
            data_dict("cca.case.referral.v1", **change)
        )
    assert field in error_locations(info.value), info.value


@pytest.mark.parametrize(
    ("grading", "field"),
    [
        ({"source": "G", "information": 1}, "grading.source"),
        ({"source": "A", "information": 7}, "grading.information"),
        ({"source": "A", "information": 0}, "grading.information"),
    ],
)
def test_admiralty_grading_keeps_its_two_axes_in_range(grading: dict[str, Any], field: str) -> None:
    with pytest.raises(ValidationError) as info:
        model_for_type("cca.intel.report.v1").model_validate(
            data_dict("cca.intel.report.v1", grading=grading)
        )
    assert field in error_locations(info.value)


@pytest.mark.parametrize("partial", ["1983", "1983-07", "1983-07-21"])
def test_partial_birth_dates_are_accepted(partial: str) -> None:
    person = {"full_name": "Rogério Almeida Costa", "birth_date": partial}
    model = data("cca.case.referral.v1", persons=[person])
    assert model.persons[0].birth_date == partial


def test_a_country_code_with_stray_white_space_is_trimmed() -> None:
    assert data("cca.case.referral.v1", countries=[" GT "]).countries == ["GT"]
