"""The participants file: every principal that may connect to the federation's brokers,
its kind, and what it runs. The ACLs are derived from it (:mod:`hub.access.acl`), never
written by hand.

Kinds and principal names:

* ``[[gateway]]`` ``network = "refco"``: principal ``net.refco``, that network's gateway;
* ``[[desk]]`` ``desk = "drug-trafficking"``: principal ``desk.drug-trafficking``;
* ``[[service]]`` ``name = "svc.router"``, ``runs = ["router"]``: a hub process; it runs
  ``router``, ``adapter:<network>``, or ``adapters`` (every network's adapter);
* ``[[operator]]`` ``name = "ops.status"``: read-only ``hub status``.

A gateway or desk may also connect as a SCRAM-SHA-512 user of the same name
(``auth = ["scram"]`` or ``["mtls", "scram"]``); its password is a file under
``<state>/pki/scram/`` that ``hub acl apply`` creates.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable
from enum import StrEnum
from pathlib import Path
from typing import Literal, Self

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

PRINCIPAL = r"^[a-z0-9][a-z0-9._-]{0,63}$"
DEFAULT_PARTICIPANTS = Path(__file__).resolve().parents[2] / "deploy" / "participants.toml"
Auth = Literal["mtls", "scram"]


class Kind(StrEnum):
    GATEWAY = "gateway"
    DESK = "desk"
    SERVICE = "service"
    OPERATOR = "operator"


class ParticipantsError(ValueError):
    """The participants file is unreadable or inconsistent: where and what."""


class _Entry(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    auth: tuple[Auth, ...] = ("mtls",)


class Gateway(_Entry):
    network: str = Field(pattern=r"^[a-z0-9][a-z0-9-]{0,39}$")

    @property
    def principal(self) -> str:
        return f"net.{self.network}"


class DeskReader(_Entry):
    desk: str = Field(pattern=r"^[a-z0-9][a-z0-9-]{0,63}$")

    @property
    def principal(self) -> str:
        return f"desk.{self.desk}"


class Service(_Entry):
    name: str = Field(pattern=PRINCIPAL)
    runs: tuple[str, ...] = Field(min_length=1)


class Operator(_Entry):
    name: str = Field(pattern=PRINCIPAL)


class Participants(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    gateway: tuple[Gateway, ...] = ()
    desk: tuple[DeskReader, ...] = ()
    service: tuple[Service, ...] = ()
    operator: tuple[Operator, ...] = ()

    @model_validator(mode="after")
    def _unique(self) -> Self:
        names = [p for p, _ in self.principals()]
        doubled = sorted({n for n in names if names.count(n) > 1})
        if doubled:
            raise ValueError(f"principal named twice: {', '.join(doubled)}")
        return self

    def principals(self) -> list[tuple[str, Kind]]:
        return [
            *((g.principal, Kind.GATEWAY) for g in self.gateway),
            *((d.principal, Kind.DESK) for d in self.desk),
            *((s.name, Kind.SERVICE) for s in self.service),
            *((o.name, Kind.OPERATOR) for o in self.operator),
        ]

    def mtls_principals(self) -> list[str]:
        return sorted(_name(e) for e in self._entries() if "mtls" in e.auth)

    def _entries(self) -> list[Gateway | DeskReader | Service | Operator]:
        return [*self.gateway, *self.desk, *self.service, *self.operator]

    def scram_users(self) -> list[str]:
        return sorted(_name(e) for e in self._entries() if "scram" in e.auth)

    def check(self, networks: Iterable[str], desks: Iterable[str]) -> None:
        """Every network, desk and role named exists in this hub."""
        known_networks, known_desks = set(networks), set(desks)
        problems = [
            f"gateway {g.network}: no such network"
            for g in self.gateway
            if g.network not in known_networks
        ]
        problems += [f"desk {d.desk}: no such desk" for d in self.desk if d.desk not in known_desks]
        for s in self.service:
            for role in s.runs:
                kind, _, network = role.partition(":")
                if role in ("router", "adapters", "custody"):
                    continue
                if kind != "adapter" or network not in known_networks:
                    problems.append(
                        f"service {s.name}: cannot run {role!r} "
                        "(router, adapters, custody, or adapter:<network>)"
                    )
        if problems:
            raise ParticipantsError("; ".join(problems))


def _name(entry: Gateway | DeskReader | Service | Operator) -> str:
    if isinstance(entry, Gateway | DeskReader):
        return entry.principal
    return entry.name


def load_participants(path: Path | None = None) -> Participants:
    """The participants file at ``path`` (default ``deploy/participants.toml``)."""
    where = path or DEFAULT_PARTICIPANTS
    try:
        data = tomllib.loads(where.read_text(encoding="utf-8"))
    except OSError as error:
        raise ParticipantsError(f"{where}: {error.strerror}") from None
    except tomllib.TOMLDecodeError as error:
        raise ParticipantsError(f"{where}: not valid TOML: {error}") from None
    try:
        return Participants.model_validate(data)
    except ValidationError as error:
        first = error.errors()[0]
        place = ".".join(str(p) for p in first["loc"])
        raise ParticipantsError(f"{where}: {place}: {first['msg']}") from None
