"""Who may receive an event: its classification level against each desk's clearance, and
its TLP 2.0 marking (FIRST) against where it may go. Pure: the router's routing picks the
desks an event's crime area selects; this decides which of them may have it now, and
why each other one may not.

* **Level**: a desk receives an event only with a clearance in force at least the event's
  level (PUBLIC < RESTRICTED < CONFIDENTIAL < SECRET).
* **TLP:RED**: only the recipients the originating network named; when it named none, no
  desk receives it (it is held).
* **TLP:AMBER+STRICT**: the CCA's own desks only; never re-published outward.
* **TLP:AMBER**: the CCA's desks, on a need-to-know basis; not beyond the CCA.
* **TLP:GREEN**, **TLP:CLEAR** (and no marking): any desk the level allows; GREEN stays
  within the community, CLEAR has no limit.

A desk that may not have the event is *held*, never silently dropped: every desk the
routing selects is either delivered to or held with a reason. The hub never lowers the
originator's marking: the decision carries it unchanged.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass

from hub.core.clearance import rank
from schemas.models.values import Level, Tlp

#: markings whose content may leave the CCA (reach another network) with the event
_OUTWARD: frozenset[Tlp | None] = frozenset({"CLEAR", "GREEN", None})


class EveryDeskCleared(Mapping[str, "Level | None"]):
    """Every desk cleared for ``level``: the clearances of a router core built for routing
    alone (unit tests of routing); a running router always has its registry."""

    def __init__(self, level: Level = "SECRET") -> None:
        self.level: Level = level

    def __getitem__(self, desk: str) -> Level | None:
        return self.level

    def __iter__(self) -> Iterator[str]:
        return iter(())

    def __len__(self) -> int:
        return 0

    def get(self, desk: str, default: object = None) -> Level | None:
        return self.level


@dataclass(frozen=True, slots=True)
class Held:
    desk: str
    rule: str  # "level" or "tlp"
    reason: str


@dataclass(frozen=True, slots=True)
class Decision:
    level: Level
    tlp: Tlp | None
    deliver: tuple[str, ...]
    held: tuple[Held, ...]
    #: may the content go beyond the CCA (be re-published to another network)
    outward: bool


def disseminate(
    level: Level,
    tlp: Tlp | None,
    selected: Sequence[str],
    cleared: Mapping[str, Level | None],
    named: Collection[str] = (),
) -> Decision:
    """Split the desks the routing ``selected`` into those that receive the event and
    those it is held from. ``cleared`` is each desk's clearance in force (None: none);
    ``named`` the recipients the originator named (for TLP:RED)."""
    deliver: list[str] = []
    held: list[Held] = []
    for desk in dict.fromkeys(selected):
        # the marking first: a TLP hold is for good (no clearance lifts it), a level hold
        # ends when the desk's clearance allows (hub.core.state.withheld)
        why = _tlp_refusal(tlp, desk, named)
        if why is not None:
            held.append(Held(desk, "tlp", why))
            continue
        why = _level_refusal(level, cleared.get(desk))
        if why is not None:
            held.append(Held(desk, "level", why))
            continue
        deliver.append(desk)
    return Decision(level, tlp, tuple(deliver), tuple(held), outward=tlp in _OUTWARD)


def _level_refusal(level: Level, clearance: Level | None) -> str | None:
    if clearance is None:
        return f"the desk holds no clearance in force for a {level} event"
    if rank(clearance) < rank(level):
        return f"the desk is cleared for {clearance}, the event is {level}"
    return None


def _tlp_refusal(tlp: Tlp | None, desk: str, named: Collection[str]) -> str | None:
    if tlp != "RED":
        return None  # AMBER+STRICT, AMBER, GREEN, CLEAR: every CCA desk may have it
    if not named:
        return "TLP:RED and the originating network named no recipient"
    if desk not in named:
        return "TLP:RED and the originating network did not name this desk"
    return None
