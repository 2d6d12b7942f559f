"""The ICCS 1.0 code list: complete where the hub needs it, and a consistent hierarchy."""

from __future__ import annotations

import pytest

from schemas.iccs import ICCS_CODES, iccs_label, is_known_iccs

# Every code the taxonomy (shared/taxonomy.md) names.
TAXONOMY_CODES = [
    "0203", "0204", "02041", "02042", "02043", "02044", "020221", "0205", "02051", "0601",
    "06011", "06012", "060121", "0701", "0702", "0703", "07031", "07032", "07033", "07034",
    "07035", "0704", "07041", "08051", "0901", "09011", "09012", "0903", "09051", "0906",
    "10", "1001", "1002", "1003", "1004", "0101", "0401",
]  # fmt: skip


@pytest.mark.parametrize("code", TAXONOMY_CODES)
def test_every_taxonomy_code_is_known(code: str) -> None:
    assert is_known_iccs(code)
    assert iccs_label(code)


def test_all_eleven_sections_are_listed() -> None:
    assert {c for c in ICCS_CODES if len(c) == 2} == {f"{n:02d}" for n in range(1, 12)}


def test_every_code_sits_under_a_listed_parent() -> None:
    parent_length = {4: 2, 5: 4, 6: 5}
    for code in ICCS_CODES:
        assert len(code) in (2, 4, 5, 6)
        if len(code) > 2:
            assert code[: parent_length[len(code)]] in ICCS_CODES, code


def test_labels_are_the_english_iccs_names() -> None:
    assert iccs_label("06012") == (
        "Unlawful trafficking, cultivation or production of controlled drugs or precursors "
        "not for personal consumption"
    )
    assert iccs_label("020221") == "Kidnapping"
    assert iccs_label("09051") == "Participation in an organized criminal group"


@pytest.mark.parametrize("code", ["", "9999", "060", "0601 ", "06012x", "1"])
def test_unknown_or_malformed_codes_are_not_known(code: str) -> None:
    assert not is_known_iccs(code)
    assert iccs_label(code) is None
