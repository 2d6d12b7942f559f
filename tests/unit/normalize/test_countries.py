"""Countries as networks write them: codes, names and demonyms to ISO alpha-2."""

from __future__ import annotations

import pytest

from adapters.sdk.normalize.countries import (
    alpha2_to_alpha3,
    alpha3_to_alpha2,
    is_alpha2,
    to_alpha2,
)


@pytest.mark.parametrize(
    ("text", "code"),
    [
        # refco `pais`, with and without accents
        ("Guatemala", "GT"),
        ("El Salvador", "SV"),
        ("Honduras", "HN"),
        ("Nicaragua", "NI"),
        ("Costa Rica", "CR"),
        ("Panamá", "PA"),
        ("Panama", "PA"),
        ("Belice", "BZ"),
        ("República Dominicana", "DO"),
        ("republica dominicana", "DO"),
        ("Mexico", "MX"),
        ("México", "MX"),
        # other short forms
        ("Estados Unidos", "US"),
        ("EE.UU.", "US"),
        ("EE. UU.", "US"),
        ("EUA", "US"),
        ("Brasil", "BR"),
        ("Perú", "PE"),
        ("Haïti", "HT"),
        ("États-Unis", "US"),
        ("Reino Unido", "GB"),
        ("Países Bajos", "NL"),
        ("Trinidad & Tobago", "TT"),
        ("St. Lucia", "LC"),
        ("Côte d'Ivoire", "CI"),
        # pycountry's ISO names, with their tails
        ("Venezuela, Bolivarian Republic of", "VE"),
        ("Bolivia (Estado Plurinacional de)", "BO"),
        ("Korea, Republic of", "KR"),
        # articles and "República de"
        ("la República Dominicana", "DO"),
        ("República de Colombia", "CO"),
        ("O Brasil", "BR"),
    ],
)
def test_country_names_in_four_languages_map_to_alpha2(text: str, code: str) -> None:
    assert to_alpha2(text) == code


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("CO", "CO"),
        ("co", "CO"),
        (" GT ", "GT"),
        ("UK", "GB"),  # AIAMP writes UK for the United Kingdom
        ("COL", "CO"),
        ("ECU", "EC"),
        ("PAN", "PA"),
        ("MEX", "MX"),
        ("PRY", "PY"),
        ("XK", "XK"),
    ],
)
def test_alpha2_and_alpha3_codes_are_accepted(text: str, code: str) -> None:
    assert to_alpha2(text) == code


@pytest.mark.parametrize(
    ("demonym", "code"),
    [
        ("salvadoreña", "SV"),
        ("salvadoreño", "SV"),
        ("guatemalteco", "GT"),
        ("guatemalteca", "GT"),
        ("hondureña", "HN"),
        ("nicaragüense", "NI"),
        ("costarricense", "CR"),
        ("panameño", "PA"),
        ("beliceño", "BZ"),
        ("dominicana", "DO"),
        ("mexicano", "MX"),
        ("colombiano", "CO"),
        ("venezolana", "VE"),
        ("estadounidense", "US"),
        ("brasileira", "BR"),
        ("brasileño", "BR"),
        ("paraguayo", "PY"),
        ("paraguaia", "PY"),
        ("uruguaio", "UY"),
        ("argentino", "AR"),
        ("boliviana", "BO"),
        ("chilena", "CL"),
        ("peruano", "PE"),
        ("ecuatoriano", "EC"),
        ("equatoriana", "EC"),
        ("cubano", "CU"),
        ("haitiano", "HT"),
        ("jamaicano", "JM"),
        ("canadiense", "CA"),
        ("español", "ES"),
        ("espanhola", "ES"),
        ("portugués", "PT"),
        ("italiano", "IT"),
        ("chino", "CN"),
        ("nigeriano", "NG"),
        # plural, gender, case, accents and spaces
        ("SALVADOREÑAS", "SV"),
        ("Nicaraguenses", "NI"),
        ("  costarricenses ", "CR"),
        ("brasileiros", "BR"),
        ("espanhóis", "ES"),
        ("alemães", "DE"),
        ("inglesa", "GB"),
        ("norte-americana", "US"),
        ("haïtienne", "HT"),
    ],
)
def test_demonyms_in_both_genders_and_plural_map_to_alpha2(demonym: str, code: str) -> None:
    assert to_alpha2(demonym) == code


@pytest.mark.parametrize(
    "text",
    [
        None,
        "",
        "   ",
        "xyz",
        "Atlantis",
        "americano",  # the whole continent, not the United States
        "coreano",  # North or South
        "Corea",
        "Salvador",  # a Brazilian city as well
        "guineense",  # Guinea or Guinea-Bissau
        "EU",
        "x" * 500,
    ],
)
def test_unknown_or_ambiguous_input_gives_none(text: str | None) -> None:
    assert to_alpha2(text) is None


def test_is_alpha2_accepts_only_assigned_codes_in_canonical_form() -> None:
    assert is_alpha2("CO")
    assert is_alpha2("XK")
    assert not is_alpha2("co")
    assert not is_alpha2("UK")
    assert not is_alpha2("COL")
    assert not is_alpha2("ZZ")


def test_alpha3_and_alpha2_convert_both_ways() -> None:
    assert alpha3_to_alpha2("COL") == "CO"
    assert alpha3_to_alpha2(" gtm ") == "GT"
    assert alpha3_to_alpha2("ZZZ") is None
    assert alpha2_to_alpha3("CO") == "COL"
    assert alpha2_to_alpha3("UK") == "GBR"
    assert alpha2_to_alpha3("ZZ") is None
    assert alpha2_to_alpha3("XK") is None
