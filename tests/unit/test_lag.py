"""Consumer lag: the arithmetic of offsets, the plan of the hub's groups, and the collector
that turns broker answers into `hub_consumer_lag` and the service's broker check."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

import pytest
from aiokafka.structs import TopicPartition
from prometheus_client import CollectorRegistry

from adapters.sdk.registry import slugs
from contract.topology import CANONICAL, native_in, receipts_topic
from hub.ops.lag import (
    Bounds,
    GroupTopics,
    LagCollector,
    PartitionLag,
    gap,
    hub_groups,
    merged,
    partition_lags,
    resume_offset,
    to_settle,
)
from hub.ops.metrics import HubMetrics
from hub.services.router import GROUP, replies_through_router

TP = TopicPartition("cca.canonical.v1", 0)


def test_a_group_without_a_commit_resumes_at_the_earliest_offset() -> None:
    assert resume_offset(None, Bounds(start=5, end=9)) == 5
    assert gap(None, Bounds(start=5, end=9)) == 4


def test_a_commit_that_retention_passed_resumes_at_the_earliest_offset() -> None:
    assert resume_offset(2, Bounds(start=5, end=9)) == 5
    assert gap(2, Bounds(start=5, end=9)) == 4


def test_the_gap_is_the_end_minus_the_commit_and_never_negative() -> None:
    assert gap(7, Bounds(start=0, end=9)) == 2
    assert gap(9, Bounds(start=0, end=9)) == 0
    assert gap(12, Bounds(start=0, end=9)) == 0


def test_only_small_non_empty_gaps_are_read_to_tell_records_from_markers() -> None:
    a, b, c = (TopicPartition("t", p) for p in range(3))
    committed: dict[tuple[str, TopicPartition], int | None] = {
        ("g", a): 10,
        ("g", b): 10,
        ("g", c): None,
    }
    bounds = {a: Bounds(0, 11), b: Bounds(0, 10), c: Bounds(0, 500)}
    assert to_settle(committed, bounds, max_gap=32) == {a: (10, 11)}


def test_a_caught_up_group_one_commit_marker_short_of_the_end_has_no_lag() -> None:
    committed: dict[tuple[str, TopicPartition], int | None] = {("cca-router", TP): 100}
    bounds = {TP: Bounds(0, 101)}
    settled = {(TP, 100, 101): 0}
    assert partition_lags(committed, bounds, settled) == [
        PartitionLag("cca-router", TP.topic, 0, 100, 101, 0)
    ]


def test_an_unsettled_gap_is_reported_in_offsets() -> None:
    committed: dict[tuple[str, TopicPartition], int | None] = {("cca-router", TP): None}
    lags = partition_lags(committed, {TP: Bounds(3, 103)}, {})
    assert [lag.lag for lag in lags] == [100]


def test_partitions_of_missing_topics_are_left_out() -> None:
    committed: dict[tuple[str, TopicPartition], int | None] = {("g", TP): 4}
    assert partition_lags(committed, {}, {}) == []


def test_the_plan_has_the_router_an_adapter_group_per_network_and_receipts_where_replied() -> None:
    groups = {g.group: g.topics for g in hub_groups(slugs())}
    assert groups[GROUP] == (CANONICAL,)
    for slug in slugs():
        if slug == "interpol":  # a polled feed reads no topic
            assert f"cca-adapter-{slug}" not in groups
            continue
        assert groups[f"cca-adapter-{slug}"] == (native_in(slug),)
        replied = f"cca-receipts-{slug}" in groups
        assert replied == replies_through_router(slug), slug
        if replied:
            assert groups[f"cca-receipts-{slug}"] == (receipts_topic(slug),)


def test_merging_keeps_one_entry_per_group_with_every_topic() -> None:
    out = merged(
        [GroupTopics("a", ("t1",))], [GroupTopics("a", ("t2", "t1")), GroupTopics("b", ())]
    )
    assert out == [GroupTopics("a", ("t1", "t2")), GroupTopics("b", ())]


class FakeSource:
    """Answers like a broker, or fails like an unreachable one."""

    def __init__(self, log: list[str], lags: list[PartitionLag], fail: bool = False) -> None:
        self.log = log
        self.lags = lags
        self.fail = fail
        self.lags_fail = False

    async def start(self) -> None:
        self.log.append("start")
        if self.fail:
            raise ConnectionError("broker unreachable")

    async def stop(self) -> None:
        self.log.append("stop")

    async def ping(self) -> None:
        self.log.append("ping")

    async def lag(self, groups: Sequence[GroupTopics]) -> list[PartitionLag]:
        self.log.append("lag")
        if self.lags_fail:
            raise ConnectionError("broker gone")
        return self.lags


def value(registry: CollectorRegistry, name: str, **labels: str) -> float | None:
    return registry.get_sample_value(name, labels)


LAG = PartitionLag("cca-router", CANONICAL, 2, 40, 47, 7)


async def test_a_collection_sets_the_lag_series_and_marks_the_broker_reachable() -> None:
    registry = CollectorRegistry()
    log: list[str] = []
    collector = LagCollector(
        lambda: FakeSource(log, [LAG]), [GroupTopics(GROUP, (CANONICAL,))], m=HubMetrics(registry)
    )
    assert not collector.connected
    assert await collector.collect_once() == [LAG]
    assert collector.connected
    labels = {"group": "cca-router", "topic": CANONICAL, "partition": "2"}
    assert value(registry, "hub_consumer_lag", **labels) == 7
    await collector.collect_once()
    assert log == ["start", "lag", "lag"]  # one reader, kept between collections


async def test_an_unreachable_broker_fails_the_check_and_the_reader_is_rebuilt() -> None:
    log: list[str] = []
    first = FakeSource(log, [LAG])
    sources = iter([first, FakeSource(log, [], fail=True), FakeSource(log, [LAG])])
    collector = LagCollector(
        lambda: next(sources), [GroupTopics(GROUP, (CANONICAL,))], m=HubMetrics(CollectorRegistry())
    )
    await collector.collect_once()
    assert collector.connected
    first.lags_fail = True  # the broker goes away under the running reader
    assert await collector.collect_once() == []
    assert not collector.connected
    assert await collector.collect_once() == []  # the next reader cannot start either
    assert not collector.connected
    assert await collector.collect_once() == [LAG]
    assert collector.connected
    assert log == ["start", "lag", "lag", "stop", "start", "stop", "start", "lag"]


async def test_a_collection_that_hangs_fails_after_its_timeout() -> None:
    class Hanging(FakeSource):
        async def lag(self, groups: Sequence[GroupTopics]) -> list[PartitionLag]:
            await asyncio.Event().wait()
            return []

    collector = LagCollector(
        lambda: Hanging([], []),
        [GroupTopics("g", ("t",))],
        timeout_s=0.05,
        m=HubMetrics(CollectorRegistry()),
    )
    assert await collector.collect_once() == []
    assert not collector.connected


async def test_a_service_without_groups_proves_the_broker_with_a_ping() -> None:
    log: list[str] = []
    collector = LagCollector(lambda: FakeSource(log, []), [], m=HubMetrics(CollectorRegistry()))
    await collector.collect_once()
    assert collector.connected
    assert log == ["start", "ping"]


async def test_the_loop_reports_after_each_collection_and_stops_cleanly() -> None:
    log: list[str] = []
    stop = asyncio.Event()
    ticks: list[bool] = []

    def after_each() -> None:
        ticks.append(collector.connected)
        if len(ticks) == 2:
            stop.set()

    collector = LagCollector(
        lambda: FakeSource(log, [LAG]),
        [GroupTopics("g", ("t",))],
        interval_s=0.01,
        after_each=after_each,
        m=HubMetrics(CollectorRegistry()),
    )
    await asyncio.wait_for(collector.run(stop), timeout=5)
    assert ticks == [True, True]
    assert not collector.connected
    assert log == ["start", "lag", "lag", "stop"]


@pytest.mark.parametrize("reason", ["bad_signature", "unknown_key", "malformed"])
def test_announced_series_exist_at_zero_before_the_first_event(reason: str) -> None:
    registry = CollectorRegistry()
    m = HubMetrics(registry)
    m.announce(
        router_networks=["refco", "unknown"],
        adapters=[("aiamp", True)],
        polled=[("interpol", ["RED"])],
        consumers=["router"],
        reloads=["key registry"],
    )
    for network in ("refco", "unknown"):
        labels = {"network": network, "reason": reason}
        assert value(registry, "hub_signature_failures_total", **labels) == 0
    assert value(registry, "hub_messages_in_total", network="aiamp") == 0
    assert value(registry, "hub_receipts_total", network="aiamp") == 0
    labels = {"network": "interpol", "kind": "red", "outcome": "complete"}
    assert value(registry, "hub_source_polls_total", **labels) == 0
    assert value(registry, "hub_batch_failures_total", service="router") == 0
    assert value(registry, "hub_config_reloads_total", what="key registry", outcome="failed") == 0
    assert value(registry, "hub_messages_in_total", network="refco") is None
