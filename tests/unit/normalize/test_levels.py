"""Classification levels and TLP markings to the hub's vocabulary."""

from __future__ import annotations

import pytest

from adapters.sdk.normalize.levels import classification_level, tlp_from_stix_marking, tlp_from_text


@pytest.mark.parametrize(
    ("text", "level"),
    [
        ("PUBLICO", "PUBLIC"),
        ("Público", "PUBLIC"),
        ("PUBLIC", "PUBLIC"),
        ("RESERVADO", "RESTRICTED"),
        ("reservado", "RESTRICTED"),
        ("RESTRICTED", "RESTRICTED"),
        ("Restringido", "RESTRICTED"),
        ("restrito", "RESTRICTED"),
        ("CONFIDENCIAL", "CONFIDENTIAL"),
        ("confidencial", "CONFIDENTIAL"),  # refco example: any case
        ("CONFIDENTIAL", "CONFIDENTIAL"),
        ("SECRETO", "SECRET"),
        (" secret ", "SECRET"),
        ("ULTRASECRETO", "SECRET"),
        ("Top Secret", "SECRET"),
    ],
)
def test_level_words_in_three_languages_map_to_the_hub_levels(text: str, level: str) -> None:
    assert classification_level(text) == level


@pytest.mark.parametrize("text", ["", "1", "2", "SECRETISIMO", "internal", "x" * 100])
def test_unknown_levels_raise_rather_than_default(text: str) -> None:
    with pytest.raises(ValueError, match="unknown classification level"):
        classification_level(text)


@pytest.mark.parametrize(
    ("marking", "tlp"),
    [
        ("marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487", "CLEAR"),
        ("marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb", "GREEN"),
        ("marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421", "AMBER"),
        ("marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003", "AMBER+STRICT"),
        ("marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1", "RED"),
    ],
)
def test_official_tlp2_stix_markings_give_their_colour(marking: str, tlp: str) -> None:
    assert tlp_from_stix_marking(marking) == tlp


@pytest.mark.parametrize(
    "marking",
    [
        "marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9",  # TLP 1.0 WHITE: old id
        "marking-definition--00000000-0000-4000-8000-000000000000",
        "",
    ],
)
def test_other_markings_give_no_tlp(marking: str) -> None:
    assert tlp_from_stix_marking(marking) is None


@pytest.mark.parametrize(
    ("text", "tlp"),
    [
        ("TLP:AMBER+STRICT", "AMBER+STRICT"),
        ("tlp:amber + strict", "AMBER+STRICT"),
        ("amber", "AMBER"),
        ("TLP:CLEAR", "CLEAR"),
        ("white", "CLEAR"),
        ("TLP:WHITE", "CLEAR"),
        ("TLP: GREEN", "GREEN"),
        ("Red", "RED"),
    ],
)
def test_tlp_text_gives_the_tlp2_colour(text: str, tlp: str) -> None:
    assert tlp_from_text(text) == tlp


@pytest.mark.parametrize("text", ["", "purple", "TLP:", "amber strict please"])
def test_unknown_tlp_text_gives_none(text: str) -> None:
    assert tlp_from_text(text) is None
