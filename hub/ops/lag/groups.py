"""Which consumer groups a hub has and which topics each reads: what the lag is taken of."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from adapters.sdk.polled import is_polled
from adapters.sdk.registry import adapter_class
from contract.topology import (
    CANONICAL,
    ROUTER_GROUP,
    adapter_group,
    native_in,
    receipts_group,
    receipts_topic,
    replies_through_router,
)


@dataclass(frozen=True, slots=True)
class GroupTopics:
    """A consumer group and the topics it reads."""

    group: str
    topics: tuple[str, ...]


def hub_groups(networks: Iterable[str]) -> list[GroupTopics]:
    """Every consumer group of a hub running these networks' adapters: the router, one
    adapter group per network (a polled network reads no topic: none), and a receipts
    group for each network that gets its replies through the router."""
    groups = [GroupTopics(ROUTER_GROUP, (CANONICAL,))]
    for slug in sorted(networks):
        cls = adapter_class(slug)
        if is_polled(cls):
            continue
        groups.append(GroupTopics(adapter_group(slug), (native_in(slug),)))
        if replies_through_router(cls):
            groups.append(GroupTopics(receipts_group(slug), (receipts_topic(slug),)))
    return groups


def merged(*lists: Iterable[GroupTopics]) -> list[GroupTopics]:
    """One entry per group, with the union of the topics the lists give it."""
    topics: dict[str, dict[str, None]] = {}
    for groups in lists:
        for g in groups:
            topics.setdefault(g.group, {}).update(dict.fromkeys(g.topics))
    return [GroupTopics(group, tuple(names)) for group, names in topics.items()]
