"""Properties over arbitrary text: the normalizers never fail other than as documented."""

from __future__ import annotations

import contextlib
from collections.abc import Callable

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from adapters.sdk.normalize import countries, dates, names, offences, text
from schemas.iccs import is_known_iccs

PROPERTY = settings(
    max_examples=200,
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
# Text with the characters that matter here: letters with accents, digits, punctuation.
LABELISH = st.text(
    alphabet=st.sampled_from("abcdeéfghiíjklmnñoóprstuúüvxyzãçê ÁTRÇ-/().,'0123456789\t"),
    max_size=80,
)
ANY_TEXT = st.one_of(st.text(max_size=300), LABELISH)


@PROPERTY
@given(ANY_TEXT)
def test_classify_never_raises_and_answers_a_known_code_or_none(label: str) -> None:
    code = offences.classify(label)
    assert code is None or is_known_iccs(code)


@PROPERTY
@given(ANY_TEXT)
def test_to_alpha2_never_raises_and_answers_an_alpha2_code_or_none(value: str) -> None:
    code = countries.to_alpha2(value)
    assert code is None or countries.is_alpha2(code)


@PROPERTY
@given(ANY_TEXT)
def test_fold_is_idempotent(value: str) -> None:
    assert text.fold(text.fold(value)) == text.fold(value)


@PROPERTY
@given(st.one_of(ANY_TEXT, st.from_regex(r"\d{1,2}/\d{1,2}/\d{4}|\d{4}(-\d{1,2}){0,2}")))
def test_partial_date_gives_iso_or_a_value_error(value: str) -> None:
    try:
        iso = dates.partial_date(value)
    except ValueError:
        return
    assert iso is None or dates.partial_date(iso) == iso


@PROPERTY
@given(ANY_TEXT)
def test_names_split_or_raise_a_value_error(value: str) -> None:
    try:
        name = names.surname_first(value)
    except ValueError:
        return
    assert name.full_name == value.strip()
    assert name.given_names or name.family_names


@pytest.mark.parametrize(
    "parse",
    [dates.parse_dtg, dates.parse_spanish_day, dates.parse_iso_datetime],
)
@PROPERTY
@given(value=ANY_TEXT)
def test_date_parsers_raise_only_value_errors(parse: Callable[[str], object], value: str) -> None:
    with contextlib.suppress(ValueError):
        parse(value)
