"""The clearance warden: re-validates the desks' clearances as days pass and as the registry
changes, and keeps the broker's ACLs in step, so a desk whose clearance ends is no longer
served by the broker itself.

Each round reloads the registry (``deploy/clearances.toml``, like the desks), publishes
each desk's days left and whether its clearance is in force (the alert rules
``HubClearanceExpiring`` and ``HubClearanceLapsed`` read them), and applies the
participants file through the same path as ``hub acl apply``, with the clearances in force
today: the read ACLs of a lapsed desk go, and come back when it is cleared again. It
connects as the federation's ACL administrator (``hub.admin``); the day is a parameter
(``today``), so expiry is tested without waiting for it.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

from hub.access.admin import Applied
from hub.access.clients import KafkaAccess
from hub.access.participants import Participants
from hub.access.provision import apply_participants
from hub.core.clearance import Clearances, load_clearances
from hub.core.desks import Desks
from hub.ops.metrics import metrics
from hub.reloading import Reloading

logger = logging.getLogger(__name__)


def utc_today() -> date:
    return datetime.now(UTC).date()


@dataclass(frozen=True, slots=True)
class Round:
    today: date
    lapsed: frozenset[str]
    applied: Applied


class ClearanceWarden:
    def __init__(
        self,
        access: KafkaAccess,
        state_dir: Path,
        participants: Participants,
        networks: Sequence[str],
        desks: Desks,
        clearances: Path,
        *,
        today: Callable[[], date] = utc_today,
        reload_interval_s: float = 5.0,
    ) -> None:
        self.access = access
        self.state_dir = state_dir
        self.participants = participants
        self.networks = tuple(networks)
        self.desks = desks
        self.today = today
        self.registry: Reloading[Clearances] = Reloading(
            clearances,
            load_clearances,
            what="clearances",
            interval=reload_interval_s,
            on_reload=lambda what, ok: (
                metrics().config_reloads.labels(what, "ok" if ok else "failed").inc()
            ),
        )
        self.last: Round | None = None

    async def check(self) -> Round:
        """One round: the registry as it is now, judged as of ``today()``."""
        day = self.today()
        registry = self.registry.current()
        m = metrics()
        m.clearances(registry, self.desks.names, day)
        applied = await apply_participants(
            self.access,
            self.state_dir,
            self.participants,
            self.networks,
            self.desks,
            clearances=registry,
            today=day,
        )
        lapsed = registry.lapsed(self.desks.names, day)
        if applied.plan.add:
            m.clearance_acl_changes.labels("added").inc(len(applied.plan.add))
        if applied.plan.remove:
            m.clearance_acl_changes.labels("removed").inc(len(applied.plan.remove))
        if self.last is None or lapsed != self.last.lapsed:
            logger.warning(
                "clearances as of %s: %s without one in force; %d ACLs removed, %d added",
                day.isoformat(),
                ", ".join(sorted(lapsed)) or "no desk",
                len(applied.plan.remove),
                len(applied.plan.add),
            )
        self.last = Round(day, lapsed, applied)
        return self.last

    async def run(self, stop: asyncio.Event, interval_s: float) -> None:
        """Rounds until ``stop``; a failed round (the broker away) is retried at the next."""
        while not stop.is_set():
            try:
                await self.check()
            except Exception:
                metrics().batch_failures.labels("clearance-warden").inc()
                logger.exception("clearance warden: a round failed; trying again")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), interval_s)
