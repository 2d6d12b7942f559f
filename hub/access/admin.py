"""Reading and writing a broker's ACLs and SCRAM users, and ``hub acl apply``: make the
broker hold exactly what the participants file implies (idempotent)."""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from aiokafka.admin import AIOKafkaAdminClient
from aiokafka.errors import for_code

from hub.access.acl import Acl, Operation, Pattern, Plan, Resource, plan
from hub.access.scram import fingerprint, salted
from hub.access.wire import (
    ALLOW,
    ANY,
    SCRAM_SHA_512,
    AlterScramRequestV0,
    CreateAclsRequestV1,
    DeleteAclsRequestV1,
    DescribeAclsRequestV1,
    DescribeScramRequestV0,
    Fixed,
)

_BATCH = 200


class AclAdminError(RuntimeError):
    """The broker refused an ACL or SCRAM change: which, and its error."""


@dataclass(frozen=True)
class Applied:
    plan: Plan
    scram_set: tuple[str, ...]
    scram_removed: tuple[str, ...]

    @property
    def changed(self) -> bool:
        return not self.plan.empty or bool(self.scram_set or self.scram_removed)


async def broker_acls(admin: AIOKafkaAdminClient) -> set[Acl]:
    """Every ALLOW ACL the broker holds."""
    response = await _send(admin, DescribeAclsRequestV1, ANY, None, ANY, None, None, ANY, ANY)
    _check(response.error_code, response.error_message, "describe ACLs")
    found: set[Acl] = set()
    for resource_type, name, pattern, entries in response.resources:
        for principal, host, operation, permission in entries:
            if permission != ALLOW:
                continue
            found.add(
                Acl(
                    principal,
                    Resource(resource_type),
                    name,
                    Pattern(pattern),
                    Operation(operation),
                    host,
                )
            )
    return found


async def create_acls(admin: AIOKafkaAdminClient, acls: Iterable[Acl]) -> None:
    rows = [_row(a) for a in acls]
    for start in range(0, len(rows), _BATCH):
        response = await _send(admin, CreateAclsRequestV1, rows[start : start + _BATCH])
        for code, message in response.results:
            _check(code, message, "create an ACL")


async def delete_acls(admin: AIOKafkaAdminClient, acls: Iterable[Acl]) -> None:
    rows = [_row(a) for a in acls]
    for start in range(0, len(rows), _BATCH):
        response = await _send(admin, DeleteAclsRequestV1, rows[start : start + _BATCH])
        for code, message, _matching in response.filter_results:
            _check(code, message, "delete an ACL")


async def scram_users(admin: AIOKafkaAdminClient) -> set[str]:
    """The users that have a SCRAM-SHA-512 credential on the broker."""
    response = await _send(admin, DescribeScramRequestV0, None, {})
    _check(response.error_code, response.error_message, "describe SCRAM users")
    users = set()
    for user, code, message, infos, _tags in response.results:
        _check(code, message, f"describe SCRAM user {user}")
        if any(mechanism == SCRAM_SHA_512 for mechanism, _i, _t in infos):
            users.add(user)
    return users


async def alter_scram(
    admin: AIOKafkaAdminClient, upsert: Mapping[str, str], delete: Iterable[str]
) -> None:
    """Set the passwords of ``upsert`` (user → password) and remove ``delete``'s."""
    upsertions: list[tuple[Any, ...]] = []
    for user, password in upsert.items():
        cred = salted(user, password)
        upsertions.append(
            (user, SCRAM_SHA_512, cred.iterations, cred.salt, cred.salted_password, {})
        )
    deletions: list[tuple[Any, ...]] = [(user, SCRAM_SHA_512, {}) for user in delete]
    if not upsertions and not deletions:
        return
    response = await _send(admin, AlterScramRequestV0, deletions, upsertions, {})
    for user, code, message, _tags in response.results:
        _check(code, message, f"set the SCRAM credential of {user}")


async def apply(
    admin: AIOKafkaAdminClient,
    wanted: Iterable[Acl],
    passwords: Mapping[str, str],
    applied_file: Path,
) -> Applied:
    """Make the broker's ACLs equal ``wanted`` and its SCRAM users equal ``passwords``'
    users. A password is sent again only when it changed since the last apply
    (``applied_file`` remembers a fingerprint of each, never the password)."""
    change = plan(wanted, await broker_acls(admin))
    await create_acls(admin, change.add)
    await delete_acls(admin, change.remove)
    remembered = _read_applied(applied_file)
    present = await scram_users(admin)
    upsert = {
        user: password
        for user, password in passwords.items()
        if user not in present or remembered.get(user) != fingerprint(password)
    }
    removed = sorted(present - set(passwords))
    await alter_scram(admin, upsert, removed)
    state = {u: fingerprint(p) for u, p in passwords.items()}
    if state != remembered:
        _write_applied(applied_file, state)
    return Applied(change, tuple(sorted(upsert)), tuple(removed))


async def _send(admin: AIOKafkaAdminClient, struct: Any, *fields: Any) -> Any:
    return await admin._send_request(Fixed(struct, *fields))


def _row(acl: Acl) -> tuple[int, str, int, str, str, int, int]:
    return (
        int(acl.resource),
        acl.name,
        int(acl.pattern),
        acl.principal,
        acl.host,
        int(acl.operation),
        ALLOW,
    )


def _check(code: int, message: str | None, what: str) -> None:
    if code:
        name = for_code(code).__name__
        raise AclAdminError(
            f"the broker refused to {what}: {name}" + (f": {message}" if message else "")
        )


def _read_applied(path: Path) -> dict[str, str]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return {str(k): str(v) for k, v in data.items()} if isinstance(data, dict) else {}


def _write_applied(path: Path, state: dict[str, str]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    tmp = path.with_suffix(".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        json.dump(state, out, indent=1, sort_keys=True)
    tmp.replace(path)
