"""Who may receive an event (pure): level against clearance, TLP against where it may go.
A property test over random events and random clearance registries, then the rules one
by one."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from hub.core.clearance import LEVELS, rank
from hub.core.dissemination import disseminate
from schemas.models.values import Level, Tlp

DESKS = [f"desk-{i}" for i in range(8)]
TLPS: list[Tlp | None] = ["CLEAR", "GREEN", "AMBER", "AMBER+STRICT", "RED", None]

levels = st.sampled_from(LEVELS)
clearances = st.dictionaries(st.sampled_from(DESKS), st.one_of(st.none(), levels))
selections = st.lists(st.sampled_from(DESKS), max_size=8)
named_sets = st.frozensets(st.sampled_from(DESKS), max_size=4)


def allowed(
    level: Level, tlp: Tlp | None, clearance: Level | None, desk: str, named: frozenset[str]
) -> bool:
    """The rules, written out plainly, to hold the implementation to."""
    if clearance is None or rank(clearance) < rank(level):
        return False
    return tlp != "RED" or desk in named


@settings(max_examples=6000, deadline=None)
@given(levels, st.sampled_from(TLPS), selections, clearances, named_sets)
def test_no_event_reaches_a_desk_not_cleared_for_it_and_none_is_lost(
    level: Level,
    tlp: Tlp | None,
    selected: list[str],
    cleared: dict[str, Level | None],
    named: frozenset[str],
) -> None:
    decision = disseminate(level, tlp, selected, cleared, named)
    delivered = set(decision.deliver)
    held = {h.desk for h in decision.held}
    # none lost: every desk the routing selected is delivered to or held, never both
    assert delivered | held == set(selected)
    assert not delivered & held
    assert len(decision.deliver) + len(decision.held) == len(set(selected))
    for desk in delivered:  # never below its clearance, never outside its TLP
        assert allowed(level, tlp, cleared.get(desk), desk, named), desk
    for h in decision.held:  # and every desk allowed to have it gets it
        assert not allowed(level, tlp, cleared.get(h.desk), h.desk, named), h
        assert h.reason
    # the originator's marking is carried as it came
    assert (decision.level, decision.tlp) == (level, tlp)
    assert decision.outward == (tlp in ("CLEAR", "GREEN", None))


def test_a_secret_case_is_held_from_a_confidential_desk_with_the_reason() -> None:
    decision = disseminate(
        "SECRET",
        "AMBER",
        ["drugs", "laundering"],
        {"drugs": "SECRET", "laundering": "CONFIDENTIAL"},
    )
    assert decision.deliver == ("drugs",)
    (held,) = decision.held
    assert (held.desk, held.rule) == ("laundering", "level")
    assert held.reason == "the desk is cleared for CONFIDENTIAL, the event is SECRET"


def test_a_desk_without_a_clearance_in_force_gets_nothing_not_even_public() -> None:
    decision = disseminate("PUBLIC", "CLEAR", ["triage"], {"triage": None})
    assert decision.deliver == ()
    assert decision.held[0].reason == "the desk holds no clearance in force for a PUBLIC event"


def test_tlp_red_goes_only_to_named_recipients_and_is_held_when_none_were_named() -> None:
    cleared: dict[str, Level | None] = {"a": "SECRET", "b": "SECRET"}
    assert disseminate("RESTRICTED", "RED", ["a", "b"], cleared, {"b"}).deliver == ("b",)
    nobody = disseminate("RESTRICTED", "RED", ["a", "b"], cleared)
    assert nobody.deliver == ()
    assert {h.rule for h in nobody.held} == {"tlp"}
    assert not nobody.outward


def test_amber_strict_stays_with_the_cca_desks_and_is_never_republished_outward() -> None:
    decision = disseminate("RESTRICTED", "AMBER+STRICT", ["a"], {"a": "RESTRICTED"})
    assert decision.deliver == ("a",)
    assert not decision.outward


def test_a_desk_selected_twice_is_decided_once() -> None:
    decision = disseminate("PUBLIC", "GREEN", ["a", "a"], {"a": "PUBLIC"})
    assert decision.deliver == ("a",)
    assert decision.outward
