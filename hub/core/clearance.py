"""The desks' security clearances: who granted each, for which level, until when, and
whether it is in force. An expired or suspended clearance counts as none. Pure: the
clock is a parameter (``today``), so expiry is tested without waiting for it.

The registry is a declarative file beside the participants file
(``deploy/clearances.toml``, or ``$HUB_CLEARANCES``)::

    [[clearance]]
    desk = "drug-trafficking"
    level = "SECRET"
    authority = "CCA Security Office"
    granted = 2026-01-15
    expires = 2027-01-15
    state = "active"            # or "suspended"

A clearance is in force from ``granted`` through ``expires`` (both days included).
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Iterable
from datetime import date
from pathlib import Path
from typing import Literal, Self

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from schemas.models.values import Level

LEVELS: tuple[Level, ...] = ("PUBLIC", "RESTRICTED", "CONFIDENTIAL", "SECRET")
ENV_CLEARANCES = "HUB_CLEARANCES"
DEFAULT_CLEARANCES = Path(__file__).resolve().parents[2] / "deploy" / "clearances.toml"


def rank(level: Level) -> int:
    """PUBLIC 0 < RESTRICTED 1 < CONFIDENTIAL 2 < SECRET 3."""
    return LEVELS.index(level)


class ClearanceError(ValueError):
    """The clearance registry is unreadable or inconsistent: where and what."""


class Clearance(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    desk: str = Field(pattern=r"^[a-z0-9][a-z0-9-]{0,63}$")
    level: Level
    authority: str = Field(min_length=1, max_length=200)
    granted: date
    expires: date
    state: Literal["active", "suspended"] = "active"

    @model_validator(mode="after")
    def _ordered(self) -> Self:
        if self.expires < self.granted:
            raise ValueError(f"{self.desk}: expires before it is granted")
        return self

    def in_force(self, today: date) -> bool:
        return self.state == "active" and self.granted <= today <= self.expires

    def days_left(self, today: date) -> int:
        """Days until the clearance ends (0 on its last day, negative once past it)."""
        return (self.expires - today).days


class Clearances(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    clearance: tuple[Clearance, ...] = ()

    @model_validator(mode="after")
    def _one_per_desk(self) -> Self:
        desks = [c.desk for c in self.clearance]
        doubled = sorted({d for d in desks if desks.count(d) > 1})
        if doubled:
            raise ValueError(f"a desk has one clearance, not several: {', '.join(doubled)}")
        return self

    def of(self, desk: str) -> Clearance | None:
        return next((c for c in self.clearance if c.desk == desk), None)

    def level_of(self, desk: str, today: date) -> Level | None:
        """The level the desk is cleared for today; None without a clearance in force."""
        found = self.of(desk)
        return found.level if found is not None and found.in_force(today) else None

    def levels(self, desks: Iterable[str], today: date) -> dict[str, Level | None]:
        return {desk: self.level_of(desk, today) for desk in desks}

    def lapsed(self, desks: Iterable[str], today: date) -> frozenset[str]:
        """The desks without a clearance in force today (none, suspended, not yet granted,
        or expired): the broker serves them nothing."""
        return frozenset(d for d in desks if self.level_of(d, today) is None)

    def expiring(self, today: date, within_days: int) -> list[Clearance]:
        """Active clearances that end within ``within_days`` (or have ended), soonest first."""
        soon = [
            c for c in self.clearance if c.state == "active" and c.days_left(today) <= within_days
        ]
        return sorted(soon, key=lambda c: (c.expires, c.desk))

    def check(self, desks: Iterable[str]) -> list[str]:
        """What does not fit the hub's desks: clearances of unknown desks, desks without one."""
        known = set(desks)
        problems = [f"{c.desk}: no such desk" for c in self.clearance if c.desk not in known]
        problems += [f"{d}: no clearance" for d in sorted(known) if self.of(d) is None]
        return problems


def load_clearances(path: Path | None = None) -> Clearances:
    """The registry at ``path``, else ``$HUB_CLEARANCES``, else ``deploy/clearances.toml``."""
    if path is None and os.environ.get(ENV_CLEARANCES):
        path = Path(os.environ[ENV_CLEARANCES])
    where = path or DEFAULT_CLEARANCES
    try:
        data = tomllib.loads(where.read_text(encoding="utf-8"))
    except OSError as error:
        raise ClearanceError(f"{where}: {error.strerror}") from None
    except tomllib.TOMLDecodeError as error:
        raise ClearanceError(f"{where}: not valid TOML: {error}") from None
    try:
        return Clearances.model_validate(data)
    except ValidationError as error:
        first = error.errors()[0]
        place = ".".join(str(p) for p in first["loc"])
        raise ClearanceError(f"{where}: {place}: {first['msg']}") from None
