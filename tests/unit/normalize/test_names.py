"""Person names: which words are given names and which are family names."""

from __future__ import annotations

import pytest

from adapters.sdk.normalize.names import PersonName, from_parts, natural_order, surname_first


def test_aiamp_surnames_first_with_comma() -> None:
    assert surname_first("SILVA SANTOS, João Pedro") == PersonName(
        "SILVA SANTOS, João Pedro", "João Pedro", "SILVA SANTOS"
    )


def test_aiamp_name_without_comma_falls_back_to_natural_order() -> None:
    assert surname_first("PABLO MARTIN RUIZ") == PersonName(
        "PABLO MARTIN RUIZ", "PABLO", "MARTIN RUIZ"
    )


@pytest.mark.parametrize(
    ("text", "given", "family"),
    [
        ("CARLOS ALBERTO DUARTE", "CARLOS", "ALBERTO DUARTE"),  # rempm: last two words
        ("EDGAR GONZALO PINTOS MONTERO", "EDGAR GONZALO", "PINTOS MONTERO"),
        ("LUIS VARGAS", "LUIS", "VARGAS"),  # two words: the last one
        ("Madonna", None, "Madonna"),  # one word: a family name
        ("JUAN DE LA CRUZ", "JUAN", "DE LA CRUZ"),  # particles stay with their surname
        ("JOSE DE LA CRUZ PEREZ", "JOSE", "DE LA CRUZ PEREZ"),
        ("Maria  da   Silva", "Maria", "da Silva"),
    ],
)
def test_natural_order_splits_given_and_family_names(
    text: str, given: str | None, family: str
) -> None:
    name = natural_order(text)
    assert (name.given_names, name.family_names) == (given, family)


def test_full_name_is_the_original_text_trimmed_and_case_is_kept() -> None:
    name = surname_first("  GÓMEZ rivas,  ana Lucía ")
    assert name.full_name == "GÓMEZ rivas,  ana Lucía"
    assert name.family_names == "GÓMEZ rivas"
    assert name.given_names == "ana Lucía"


def test_a_comma_with_one_side_empty_keeps_the_other_side() -> None:
    assert surname_first("VARGAS,").family_names == "VARGAS"
    assert surname_first("VARGAS,").given_names is None
    assert surname_first(", Luis").given_names == "Luis"


@pytest.mark.parametrize("text", ["", "   ", ",", " , "])
def test_empty_names_are_refused(text: str) -> None:
    with pytest.raises(ValueError, match="name"):
        surname_first(text)


def test_from_parts_joins_given_then_family() -> None:
    assert from_parts("Ana Lucía", "Gómez Rivas") == PersonName(
        "Ana Lucía Gómez Rivas", "Ana Lucía", "Gómez Rivas"
    )
    assert from_parts("  Jhon  Fredy ", "Cuero Angulo").full_name == "Jhon Fredy Cuero Angulo"


def test_from_parts_accepts_one_missing_part() -> None:
    assert from_parts(None, "Cuero") == PersonName("Cuero", None, "Cuero")
    assert from_parts("Rogério", "  ") == PersonName("Rogério", "Rogério", None)


def test_from_parts_refuses_a_name_with_no_part() -> None:
    with pytest.raises(ValueError, match="empty name"):
        from_parts(None, " ")


def test_person_name_is_immutable() -> None:
    name = from_parts("Ana", "Gómez")
    with pytest.raises(AttributeError):
        name.full_name = "x"  # type: ignore[misc]
