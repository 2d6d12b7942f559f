"""Putting a participants file into effect: certificates for those that connect with one,
password files for SCRAM users, and the broker's ACLs and SCRAM credentials made equal to
what the file implies."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from hub.access import clients
from hub.access.acl import Acl, Plan, derive, plan, without_lapsed
from hub.access.admin import Applied, apply, broker_acls
from hub.access.clients import KafkaAccess
from hub.access.participants import Participants
from hub.access.scram import ensure_password, read_password, scram_dir
from hub.core.clearance import Clearances, load_clearances
from hub.core.desks import Desks
from hub.pki import Authority, pki_dir

_RENEW_BEFORE = timedelta(days=30)


def issue_missing(state_dir: Path, participants: Participants) -> list[str]:
    """A certificate for every mTLS participant that has no current one (none, expiring
    within 30 days); revoked ones are not re-issued. Returns the principals issued now."""
    authority = Authority.ensure(pki_dir(state_dir))
    now = datetime.now(UTC)
    made = []
    for principal in participants.mtls_principals():
        try:
            current = authority.show(principal)
        except KeyError:
            current = None
        if current is not None and (current.revoked or current.not_after - now > _RENEW_BEFORE):
            continue
        authority.issue(principal)
        made.append(principal)
    return made


def revoked_principals(state_dir: Path) -> set[str]:
    """Principals whose every certificate from the local CA is revoked: the broker gets no
    ACLs for them, so revoking a certificate takes its access at the next apply."""
    authority = Authority(pki_dir(state_dir))
    if not authority.exists():
        return set()
    by_principal: dict[str, list[bool]] = {}
    for issued in authority.list():
        by_principal.setdefault(issued.principal, []).append(issued.revoked)
    return {p for p, flags in by_principal.items() if all(flags)}


def wanted_acls(
    state_dir: Path,
    participants: Participants,
    networks: Sequence[str],
    desks: Desks,
    *,
    clearances: Clearances | None = None,
    today: date | None = None,
) -> frozenset[Acl]:
    """The ACLs the participants file implies, less those of revoked principals and of
    desks whose clearance is not in force ``today`` (``clearances``: the registry; default
    the one :func:`~hub.core.clearance.load_clearances` finds)."""
    revoked = {f"User:{p}" for p in revoked_principals(state_dir)}
    scram = {f"User:{u}" for u in participants.scram_users()}
    registry = clearances if clearances is not None else load_clearances()
    lapsed = registry.lapsed(desks.names, today or datetime.now(UTC).date())
    # a principal that may also sign in with SCRAM keeps its rights through that door
    acls = (a for a in derive(participants, networks, desks) if a.principal not in revoked - scram)
    return without_lapsed(acls, participants, lapsed)


def passwords(state_dir: Path, participants: Participants) -> dict[str, str]:
    return {
        user: read_password(ensure_password(state_dir, user)) for user in participants.scram_users()
    }


async def apply_participants(
    access: KafkaAccess,
    state_dir: Path,
    participants: Participants,
    networks: Sequence[str],
    desks: Desks,
    *,
    clearances: Clearances | None = None,
    today: date | None = None,
    timeout_s: float = 60.0,
) -> Applied:
    """Make the broker's ACLs and SCRAM users exactly what ``participants`` implies, for
    the desks' clearances in force ``today``."""
    wanted = wanted_acls(
        state_dir, participants, networks, desks, clearances=clearances, today=today
    )
    secrets = passwords(state_dir, participants)
    admin = clients.admin(access, client_id="cca-hub-acl")
    async with asyncio.timeout(timeout_s):
        await admin.start()
        try:
            return await apply(admin, wanted, secrets, scram_dir(state_dir) / "applied.json")
        finally:
            await admin.close()


async def broker_plan(
    access: KafkaAccess, wanted: frozenset[Acl], *, timeout_s: float = 60.0
) -> Plan:
    """What ``hub acl apply`` would add and remove on the broker now."""
    admin = clients.admin(access, client_id="cca-hub-acl")
    async with asyncio.timeout(timeout_s):
        await admin.start()
        try:
            return plan(wanted, await broker_acls(admin))
        finally:
            await admin.close()
