"""`hub acl`: the broker's ACLs, derived from the participants file (never written by hand)
and the desks' clearances (a desk without one in force gets none).

``plan`` prints what the file implies and how the broker differs; ``apply`` makes the
broker hold exactly that (idempotent: a second apply changes nothing). Both connect as the
federation's administrator (``hub.admin``, or ``HUB_KAFKA_*``)."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Annotated

import typer

from adapters.sdk.registry import slugs
from hub.access.acl import Acl
from hub.access.admin import AclAdminError
from hub.access.clients import AccessError, CertificateProblem, KafkaAccess, access_from
from hub.access.participants import (
    DEFAULT_PARTICIPANTS,
    Participants,
    ParticipantsError,
    load_participants,
)
from hub.access.principals import ADMIN_PRINCIPAL
from hub.access.provision import apply_participants, broker_plan, issue_missing, wanted_acls
from hub.cli._io import fail as _fail
from hub.core.clearance import ClearanceError, Clearances, load_clearances
from hub.core.desks import DeskConfigError, load_desks
from hub.settings import HubSettings

app = typer.Typer(
    help="Derive the broker's ACLs from the participants file and apply them.",
    no_args_is_help=True,
    add_completion=False,
)

ParticipantsFile = Annotated[
    Path,
    typer.Option(
        "--participants",
        envvar="HUB_PARTICIPANTS",
        dir_okay=False,
        help="The participants file (default deploy/participants.toml).",
    ),
]
Bootstrap = Annotated[
    str | None,
    typer.Option(
        "--bootstrap",
        help="Kafka bootstrap servers (default $HUB_KAFKA_BOOTSTRAP).",
        show_default=False,
    ),
]


@app.command("plan")
def plan_command(
    participants: ParticipantsFile = DEFAULT_PARTICIPANTS,
    bootstrap: Bootstrap = None,
    offline: Annotated[
        bool, typer.Option("--offline", help="print the ACLs the file implies; no broker")
    ] = False,
) -> None:
    """Print the ACLs the participants file implies and, against the broker, what
    `hub acl apply` would add (+) and remove (-). Exit 0 when they agree, 1 on error,
    4 when the broker differs."""
    settings = _settings(bootstrap)
    wanted = _wanted(settings, participants)
    if offline:
        for acl in sorted(wanted):
            typer.echo(str(acl))
        typer.echo(f"{len(wanted)} ACLs for {len({a.principal for a in wanted})} principals")
        return
    try:
        change = asyncio.run(broker_plan(_access(settings), wanted))
    except (AclAdminError, TimeoutError, OSError) as exc:
        _fail(f"cannot read the broker's ACLs at {settings.kafka_bootstrap}: {exc or 'timed out'}")
    for acl in change.add:
        typer.echo(f"+ {acl}")
    for acl in change.remove:
        typer.echo(f"- {acl}")
    typer.echo(f"{len(change.add)} to add, {len(change.remove)} to remove, {change.kept} in place")
    if not change.empty:
        raise typer.Exit(4)


@app.command("apply")
def apply_command(
    participants: ParticipantsFile = DEFAULT_PARTICIPANTS,
    bootstrap: Bootstrap = None,
    issue: Annotated[
        bool,
        typer.Option(
            "--issue/--no-issue",
            help="also issue a certificate to every mTLS participant that has none (local CA)",
        ),
    ] = False,
) -> None:
    """Make the broker's ACLs and SCRAM users exactly what the participants file implies:
    add what is missing, remove what is not declared."""
    settings = _settings(bootstrap)
    entries = _participants(participants)
    if issue:
        for principal in issue_missing(settings.state_dir, entries):
            typer.echo(f"issued a certificate to {principal}")
    wanted = _wanted(settings, participants)
    try:
        done = asyncio.run(
            apply_participants(
                _access(settings),
                settings.state_dir,
                entries,
                slugs(),
                load_desks(settings.desks),
                clearances=_clearances(settings),
            )
        )
    except (AclAdminError, TimeoutError, OSError) as exc:
        _fail(f"cannot apply the ACLs at {settings.kafka_bootstrap}: {exc or 'timed out'}")
    change = done.plan
    typer.echo(
        f"{len(change.add)} ACLs added, {len(change.remove)} removed, {change.kept} in place "
        f"({len(wanted)} declared)"
    )
    if done.scram_set or done.scram_removed:
        typer.echo(
            f"SCRAM users set: {', '.join(done.scram_set) or '-'}; "
            f"removed: {', '.join(done.scram_removed) or '-'}"
        )


def _settings(bootstrap: str | None) -> HubSettings:
    settings = HubSettings()
    return (
        settings
        if bootstrap is None
        else settings.model_copy(update={"kafka_bootstrap": bootstrap})
    )


def _access(settings: HubSettings) -> KafkaAccess:
    try:
        access = access_from(settings, principal=ADMIN_PRINCIPAL)
        access.check()
    except (AccessError, CertificateProblem) as exc:
        _fail(str(exc))
    return access


def _participants(path: Path) -> Participants:
    try:
        return load_participants(path)
    except ParticipantsError as exc:
        _fail(str(exc))


def _wanted(settings: HubSettings, path: Path) -> frozenset[Acl]:
    entries = _participants(path)
    try:
        return wanted_acls(
            settings.state_dir,
            entries,
            slugs(),
            load_desks(settings.desks),
            clearances=_clearances(settings),
        )
    except (ParticipantsError, DeskConfigError) as exc:
        _fail(str(exc))


def _clearances(settings: HubSettings) -> Clearances:
    """The desks' clearances: a desk without one in force gets no ACL."""
    try:
        return load_clearances(settings.clearances)
    except ClearanceError as exc:
        _fail(str(exc))
