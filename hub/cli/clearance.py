"""`hub clearance`: the desks' security clearances (``deploy/clearances.toml``): what each
is cleared for today, whether the registry fits the desks, and which end soon."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from typing import Annotated

import typer

from hub.access.participants import DEFAULT_PARTICIPANTS
from hub.cli._io import fail
from hub.core.clearance import (
    DEFAULT_CLEARANCES,
    ENV_CLEARANCES,
    LEVELS,
    Clearance,
    ClearanceError,
    Clearances,
    load_clearances,
    rank,
)
from hub.core.desks import DeskConfigError, load_desks

app = typer.Typer(
    help="The desks' security clearances: levels, authorities, expiry.",
    no_args_is_help=True,
    add_completion=False,
)

File = Annotated[
    Path,
    typer.Option("--file", envvar=ENV_CLEARANCES, dir_okay=False, help="The clearance registry."),
]
Today = Annotated[
    str | None,
    typer.Option("--today", help="Judge as of this day (YYYY-MM-DD; default today, UTC)."),
]


@app.command("list")
def list_command(file: File = DEFAULT_CLEARANCES, today: Today = None) -> None:
    """Every clearance, with whether it is in force and the days it has left."""
    registry, day = _load(file), _day(today)
    typer.echo(f"{'desk':<24} {'level':<13} {'state':<10} {'expires':<10} {'days':>5}  authority")
    for c in sorted(registry.clearance, key=lambda c: c.desk):
        typer.echo(
            f"{c.desk:<24} {c.level:<13} {_state(c, day):<10} {c.expires.isoformat():<10} "
            f"{c.days_left(day):>5}  {c.authority}"
        )


@app.command("check")
def check_command(
    desk: Annotated[
        str | None, typer.Argument(help="One desk; default: the whole registry.")
    ] = None,
    level: Annotated[str | None, typer.Option(help="Is the desk cleared for this level?")] = None,
    file: File = DEFAULT_CLEARANCES,
    today: Today = None,
) -> None:
    """Without DESK: the registry fits the desks (every desk has one clearance, no unknown
    desk). With DESK: its clearance in force today, and with --level whether it reaches that
    level. Exit 0 yes, 1 no."""
    registry, day = _load(file), _day(today)
    if desk is None:
        try:
            problems = registry.check(load_desks().names)
        except DeskConfigError as error:
            fail(str(error))
        if problems:
            fail("; ".join(problems))
        typer.echo(f"{len(registry.clearance)} clearances, one per desk")
        return
    held = registry.level_of(desk, day)
    wanted = next((known for known in LEVELS if known == level), None)
    if level is not None and wanted is None:
        fail(f"--level {level!r}: choose from {', '.join(LEVELS)}")
    if held is None:
        entry = registry.of(desk)
        state = f" ({_state(entry, day)})" if entry else ""
        fail(f"{desk}: no clearance in force on {day}{state}")
    if wanted is not None and rank(held) < rank(wanted):
        fail(f"{desk}: cleared for {held}, not {wanted}")
    typer.echo(f"{desk}: cleared for {held} on {day}")


@app.command("expiring")
def expiring_command(
    days: Annotated[
        int, typer.Option("--days", min=0, max=3650, help="Within this many days.")
    ] = 30,
    file: File = DEFAULT_CLEARANCES,
    today: Today = None,
) -> None:
    """Active clearances that end within --days (or have ended): re-validate them."""
    registry, day = _load(file), _day(today)
    soon = registry.expiring(day, days)
    for c in soon:
        typer.echo(
            f"{c.desk:<24} {c.level:<13} expires {c.expires.isoformat()} ({c.days_left(day)} days)"
        )
    typer.echo(f"{len(soon)} clearances end within {days} days of {day}")


@app.command("watch")
def watch_command(
    file: File = DEFAULT_CLEARANCES,
    participants: Annotated[
        Path,
        typer.Option(
            "--participants", envvar="HUB_PARTICIPANTS", dir_okay=False, help="The participants."
        ),
    ] = DEFAULT_PARTICIPANTS,
    interval: Annotated[
        float, typer.Option("--interval", min=1, max=86_400, help="Seconds between rounds.")
    ] = 60.0,
    metrics_port: Annotated[int | None, typer.Option(help="serve /metrics and /health")] = None,
) -> None:
    """Re-validate the clearances until SIGINT/SIGTERM: each round reloads the registry,
    publishes each desk's days left, and applies the participants file's ACLs (as
    `hub acl apply`) for the clearances in force, so a lapsed desk's read ACL is removed."""
    import asyncio
    import logging
    import signal

    from adapters.sdk.registry import slugs
    from hub.access.clients import AccessError, CertificateProblem, access_from
    from hub.access.participants import ParticipantsError, load_participants
    from hub.access.principals import ADMIN_PRINCIPAL
    from hub.ops.observability import HealthServer
    from hub.services.warden import ClearanceWarden
    from hub.settings import HubSettings

    _load(file)
    settings = HubSettings()
    try:
        entries = load_participants(participants)
        desks = load_desks(settings.desks)
        access = access_from(settings, principal=ADMIN_PRINCIPAL)
        access.check()
    except (ParticipantsError, DeskConfigError, AccessError, CertificateProblem) as error:
        fail(str(error))
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    warden = ClearanceWarden(access, settings.state_dir, entries, slugs(), desks, file)

    async def main() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
        health = None
        if metrics_port is not None:
            health = HealthServer(
                settings.metrics_host,
                metrics_port,
                lambda: {"clearances": warden.last is not None},
            )
            await health.start()
        try:
            await warden.run(stop, interval)
        finally:
            if health is not None:
                await health.stop()

    asyncio.run(main())


def _load(file: Path) -> Clearances:
    try:
        return load_clearances(file)
    except ClearanceError as error:
        fail(str(error))


def _day(text: str | None) -> date:
    if text is None:
        return datetime.now(UTC).date()
    try:
        return date.fromisoformat(text)
    except ValueError:
        fail(f"--today {text!r}: expected YYYY-MM-DD")


def _state(clearance: Clearance, day: date) -> str:
    if clearance.state == "suspended":
        return "suspended"
    if day < clearance.granted:
        return "not yet"
    return "in force" if clearance.in_force(day) else "expired"
