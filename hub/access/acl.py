"""The ACLs a participants file implies, and the plan that makes a broker's ACLs equal to
them. Pure: no broker here (:mod:`hub.access.admin` reads and writes them).

What each kind may do:

* a **gateway** writes its network's ``net.<slug>.in`` and reads its ``net.<slug>.out``
  (with groups named ``net.<slug>.…``), nothing else;
* a **desk** reads its own ``cca.desk.<desk>.v1`` (groups ``desk.<desk>.…``), nothing else;
* a **service** gets exactly the topics, groups and transactional ids of what it runs.
  Every service also reports the lag of every hub group (so a group's lag still shows
  while its own service is down): it may *describe* every hub topic and group, which
  gives offsets and commits, never records;
* an **operator** (``hub status``) may describe every hub topic and group, and read the
  router's progress records (offsets only); it writes nothing.

``cca.provenance.v1`` (the custody logs), their signed heads and the router's state topics
are written by routers alone.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import IntEnum

from adapters.sdk.polled import is_polled
from adapters.sdk.registry import adapter_class
from contract.topology import (
    CANONICAL,
    CASE_STATE,
    CUSTODY_HEADS,
    PROGRESS_STATE,
    PROVENANCE,
    ROUTER_DLQ,
    ROUTER_GROUP,
    SEEN_STATE,
    WITHHELD,
    adapter_group,
    desk_topic,
    native_dlq,
    native_in,
    native_out,
    receipts_group,
    receipts_topic,
    replies_through_router,
)
from hub.access.participants import Participants, Service
from hub.core.desks import Desks
from hub.topics import hub_topics

#: the prefix of every hub consumer group (and of the transactional ids made from them)
HUB_GROUP_PREFIX = "cca-"


class Resource(IntEnum):
    """Kafka's resource type codes."""

    TOPIC = 2
    GROUP = 3
    CLUSTER = 4
    TRANSACTIONAL_ID = 5
    DELEGATION_TOKEN = 6
    USER = 7


class Pattern(IntEnum):
    LITERAL = 3
    PREFIXED = 4


class Operation(IntEnum):
    """Kafka's operation codes (the hub grants READ, WRITE and DESCRIBE only)."""

    ALL = 2
    READ = 3
    WRITE = 4
    CREATE = 5
    DELETE = 6
    ALTER = 7
    DESCRIBE = 8
    CLUSTER_ACTION = 9
    DESCRIBE_CONFIGS = 10
    ALTER_CONFIGS = 11
    IDEMPOTENT_WRITE = 12
    CREATE_TOKENS = 13
    DESCRIBE_TOKENS = 14


CLUSTER_NAME = "kafka-cluster"


@dataclass(frozen=True, order=True, slots=True)
class Acl:
    """One ALLOW entry: ``principal`` may do ``operation`` on the resource."""

    principal: str  # "User:net.refco"
    resource: Resource
    name: str
    pattern: Pattern
    operation: Operation
    host: str = "*"

    def __str__(self) -> str:
        kind = self.resource.name.lower().replace("_", "-")
        star = "*" if self.pattern is Pattern.PREFIXED else ""
        return f"{self.principal:<34} {self.operation.name:<9} {kind} {self.name}{star}"


@dataclass(frozen=True)
class Plan:
    add: tuple[Acl, ...]
    remove: tuple[Acl, ...]
    kept: int

    @property
    def empty(self) -> bool:
        return not self.add and not self.remove


def user(principal: str) -> str:
    return f"User:{principal}"


def derive(participants: Participants, networks: Sequence[str], desks: Desks) -> frozenset[Acl]:
    """Every ACL the participants file implies for a hub with these networks and desks."""
    participants.check(networks, desks.names)
    everything = [t.name for t in hub_topics(networks, desks, partitions=1)]
    acls: set[Acl] = set()
    for gateway in participants.gateway:
        who = user(gateway.principal)
        acls |= _topic(who, native_in(gateway.network), Operation.WRITE)
        acls |= _topic(who, native_out(gateway.network), Operation.READ)
        acls.add(_group(who, f"{gateway.principal}.", Operation.READ))
    for desk in participants.desk:
        who = user(desk.principal)
        acls |= _topic(who, desk_topic(desk.desk), Operation.READ)
        acls.add(_group(who, f"{desk.principal}.", Operation.READ))
    for service in participants.service:
        who = user(service.name)
        for role in _roles(service, networks):
            acls |= _role(who, role, desks, networks)
        acls |= _observer(who, everything)
    for operator in participants.operator:
        who = user(operator.name)
        acls |= _observer(who, everything)
        acls |= _topic(who, PROGRESS_STATE, Operation.READ)
    return frozenset(acls)


def without_lapsed(
    acls: Iterable[Acl], participants: Participants, lapsed: Iterable[str]
) -> frozenset[Acl]:
    """``acls`` less every ACL of the desks in ``lapsed`` (no clearance in force): the
    broker itself stops serving a desk whose clearance ended."""
    gone = set(lapsed)
    cut = {user(d.principal) for d in participants.desk if d.desk in gone}
    return frozenset(a for a in acls if a.principal not in cut)


def plan(wanted: Iterable[Acl], current: Iterable[Acl]) -> Plan:
    """What to add and remove so that the broker holds exactly ``wanted``."""
    want, have = set(wanted), set(current)
    return Plan(
        add=tuple(sorted(want - have)), remove=tuple(sorted(have - want)), kept=len(want & have)
    )


def _roles(service: Service, networks: Sequence[str]) -> list[str]:
    roles: list[str] = []
    for role in service.runs:
        if role == "adapters":
            roles += [f"adapter:{slug}" for slug in networks]
        else:
            roles.append(role)
    return roles


def _role(who: str, role: str, desks: Desks, networks: Sequence[str]) -> set[Acl]:
    if role == "router":
        return _router(who, desks, networks)
    if role == "custody":
        return _custody(who, desks, networks)
    return _adapter(who, role.removeprefix("adapter:"))


def _router(who: str, desks: Desks, networks: Sequence[str]) -> set[Acl]:
    acls = _topic(who, CANONICAL, Operation.READ)
    # its state, and the custody logs it rebuilds on assignment
    for state in (SEEN_STATE, CASE_STATE, PROGRESS_STATE, WITHHELD, PROVENANCE, CUSTODY_HEADS):
        acls |= _topic(who, state, Operation.READ) | _topic(who, state, Operation.WRITE)
    for topic in (ROUTER_DLQ, *(desk_topic(d) for d in desks.names)):
        acls |= _topic(who, topic, Operation.WRITE)
    for slug in networks:
        if replies_through_router(adapter_class(slug)):
            acls |= _topic(who, receipts_topic(slug), Operation.WRITE)
    return acls | _member(who, ROUTER_GROUP)


def _custody(who: str, desks: Desks, networks: Sequence[str]) -> set[Acl]:
    """``hub custody audit`` and ``hub evidence export``: read the custody logs, the events
    they name, their native originals and the desks, with no consumer group."""
    acls: set[Acl] = set()
    topics = [PROVENANCE, CUSTODY_HEADS, CANONICAL, *(desk_topic(d) for d in desks.names)]
    for topic in (*topics, *(native_in(slug) for slug in networks)):
        acls |= _topic(who, topic, Operation.READ)
    return acls


def _adapter(who: str, slug: str) -> set[Acl]:
    cls = adapter_class(slug)
    acls: set[Acl] = set()
    for topic in (CANONICAL, native_dlq(slug), native_out(slug)):
        acls |= _topic(who, topic, Operation.WRITE)
    acls |= _member(who, adapter_group(slug))
    if not is_polled(cls):
        acls |= _topic(who, native_in(slug), Operation.READ)
    if replies_through_router(cls):
        acls |= _topic(who, receipts_topic(slug), Operation.READ)
        acls |= _topic(who, ROUTER_DLQ, Operation.WRITE)  # receipts it cannot trust
        acls |= _member(who, receipts_group(slug))
    return acls


def _observer(who: str, topics: Iterable[str]) -> set[Acl]:
    acls = {Acl(who, Resource.CLUSTER, CLUSTER_NAME, Pattern.LITERAL, Operation.DESCRIBE)}
    acls |= {_entry(who, Resource.TOPIC, t, Operation.DESCRIBE) for t in topics}
    acls.add(_group(who, HUB_GROUP_PREFIX, Operation.DESCRIBE))
    return acls


def _member(who: str, group: str) -> set[Acl]:
    """A consumer group's member that commits its batches in transactions: the group, and
    the transactional ids ``<group>-<instance>``."""
    return {
        _entry(who, Resource.GROUP, group, Operation.READ),
        _entry(who, Resource.GROUP, group, Operation.DESCRIBE),
        Acl(who, Resource.TRANSACTIONAL_ID, f"{group}-", Pattern.PREFIXED, Operation.WRITE),
        Acl(who, Resource.TRANSACTIONAL_ID, f"{group}-", Pattern.PREFIXED, Operation.DESCRIBE),
    }


def _topic(who: str, topic: str, operation: Operation) -> set[Acl]:
    return {
        _entry(who, Resource.TOPIC, topic, operation),
        _entry(who, Resource.TOPIC, topic, Operation.DESCRIBE),
    }


def _group(who: str, prefix: str, operation: Operation) -> Acl:
    return Acl(who, Resource.GROUP, prefix, Pattern.PREFIXED, operation)


def _entry(who: str, resource: Resource, name: str, operation: Operation) -> Acl:
    return Acl(who, resource, name, Pattern.LITERAL, operation)
