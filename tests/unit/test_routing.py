"""Desks by longest ICCS prefix, the 09051 qualifier rule, flags and triage."""

from __future__ import annotations

from pathlib import Path

import pytest

from hub.core.desks import DeskConfigError, load_desks
from hub.core.routing import Router
from tests.samples import data


@pytest.fixture(scope="module")
def router() -> Router:
    return Router(load_desks())


@pytest.mark.parametrize(
    ("codes", "desks"),
    [
        (["06012"], ["drug-trafficking"]),
        (["02041"], ["trafficking-in-persons"]),
        (["0203"], ["trafficking-in-persons"]),
        (["020221"], ["kidnapping-extortion"]),
        (["02051"], ["kidnapping-extortion"]),
        (["08051"], ["migrant-smuggling"]),
        (["1004"], ["environmental-crime"]),
        (["10"], ["environmental-crime"]),
        (["07041", "07031"], ["money-laundering", "corruption"]),
        (["06012", "07041"], ["drug-trafficking", "money-laundering"]),
        (["0101"], ["triage"]),
        ([], ["triage"]),
        (["02041", "09051"], ["trafficking-in-persons"]),
        (["09051"], ["triage"]),
        (["0202"], ["triage"]),
    ],
)
def test_codes_route_to_the_desks_of_the_taxonomy(
    router: Router, codes: list[str], desks: list[str]
) -> None:
    assert router.route_codes(codes) == desks


def test_a_message_flagged_cyber_related_also_goes_to_the_cybercrime_desk(router: Router) -> None:
    assert router.route_codes(["07041"], flags=["cyber"]) == ["money-laundering", "cybercrime"]
    assert router.route_codes([], flags=["cyber"]) == ["cybercrime"]


def test_routing_reads_the_codes_of_canonical_data(router: Router) -> None:
    assert router.route(data("cca.mla.request.v1")) == ["drug-trafficking"]


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "desks.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_the_longest_configured_prefix_wins(tmp_path: Path) -> None:
    desks = load_desks(
        write(
            tmp_path,
            """
[[desk]]
name = "all-drugs"
prefixes = ["06"]
[[desk]]
name = "drug-trafficking"
prefixes = ["06012"]
""",
        )
    )
    router = Router(desks)
    assert router.route_codes(["060121"]) == ["drug-trafficking"]
    assert router.route_codes(["06011"]) == ["all-drugs"]


def test_a_qualifier_routes_on_its_own_when_nothing_else_does(tmp_path: Path) -> None:
    router = Router(
        load_desks(
            write(
                tmp_path,
                """
qualifiers = ["09051"]
[[desk]]
name = "organized-crime"
prefixes = ["0905"]
[[desk]]
name = "drug-trafficking"
prefixes = ["0601"]
""",
            )
        )
    )
    assert router.route_codes(["09051"]) == ["organized-crime"]
    assert router.route_codes(["09051", "06012"]) == ["drug-trafficking"]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[[desk]]\nname = 'x y'\nprefixes = ['06']\n", "desk.0.name"),
        ("[[desk]]\nname = 'drugs'\nprefixes = ['0x']\n", "not an ICCS prefix"),
        ("[[desk]]\nname = 'triage'\nprefixes = ['06']\n", "triage desk"),
        ("[flags]\ncyber = 'nobody'\n[[desk]]\nname = 'a1'\nprefixes = ['06']\n", "unknown desk"),
        ("[[desk]\n", "not valid TOML"),
    ],
)
def test_bad_desk_configuration_says_what_is_wrong(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(DeskConfigError, match=message):
        load_desks(write(tmp_path, text))
