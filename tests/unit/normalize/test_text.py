"""fold(): the comparison key every normalizer relies on."""

from __future__ import annotations

import pytest

from adapters.sdk.normalize.text import fold


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("Tráfico ILÍCITO", "trafico ilicito"),
        ("  exploração\t sexual \n", "exploracao sexual"),
        ("NICARAGÜENSE", "nicaraguense"),
        ("Haïti", "haiti"),
        ("Straße", "strasse"),
        ("", ""),
    ],
)
def test_fold_drops_case_accents_and_extra_spaces(text: str, folded: str) -> None:
    assert fold(text) == folded


def test_fold_is_idempotent() -> None:
    once = fold("  República   Dominicana ")
    assert fold(once) == once
