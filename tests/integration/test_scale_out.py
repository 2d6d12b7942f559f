"""Scale-out: two router processes in one consumer group share the canonical partitions;
killing one hands its partitions to the other, and nothing is lost or duplicated."""

from __future__ import annotations

import json
import uuid
from pathlib import Path

import pytest
from aiokafka import AIOKafkaConsumer
from aiokafka.structs import TopicPartition

from contract.topology import PROVENANCE
from hub.demo.traffic import traffic
from tests._support.hub import (
    PARTITIONS,
    OutputReader,
    ServiceProcess,
    expected_for,
    hub_env,
    output_ends,
    prepare_hub,
    produce_natives,
)

pytestmark = pytest.mark.asyncio(loop_scope="session")


async def provenance_since(bootstrap: str, start: dict[int, int]) -> list[dict[str, object]]:
    consumer = AIOKafkaConsumer(
        bootstrap_servers=bootstrap,
        group_id=None,
        isolation_level="read_committed",
        enable_auto_commit=False,
    )
    await consumer.start()
    try:
        tps = [TopicPartition(PROVENANCE, p) for p in range(PARTITIONS)]
        consumer.assign(tps)
        ends = await consumer.end_offsets(tps)
        for tp in tps:
            consumer.seek(tp, start.get(tp.partition, 0))
        out: list[dict[str, object]] = []
        while [tp for tp in tps if await consumer.position(tp) < ends[tp]]:
            for records in (await consumer.getmany(timeout_ms=500)).values():
                out += [json.loads(r.value) for r in records]
        return out
    finally:
        await consumer.stop()


async def test_two_routers_share_the_partitions_and_one_survives_the_other(
    kafka_bootstrap: str, tmp_path: Path
) -> None:
    state = tmp_path / "state"
    await prepare_hub(kafka_bootstrap, state)
    env = hub_env(kafka_bootstrap, state)
    stream = traffic(seed=99, bad_ratio=0.0, tag=uuid.uuid4().hex)
    first = [(n.network, n.value) for n in (next(stream) for _ in range(1500))]
    second = [(n.network, n.value) for n in (next(stream) for _ in range(1500))]
    expected = expected_for(first + second)
    left = ServiceProcess("router-left", ["--router", "--instance", "left"], env, tmp_path)
    right = ServiceProcess("router-right", ["--router", "--instance", "right"], env, tmp_path)
    adapters = ServiceProcess("adapters", ["--all-adapters", "--instance", "so"], env, tmp_path)
    start = await output_ends(kafka_bootstrap)
    prov_start = {tp.partition: off for tp, off in (await _ends(kafka_bootstrap)).items()}
    async with OutputReader(kafka_bootstrap, start) as reader:
        try:
            for s in (left, right, adapters):
                s.start()
            for s in (left, right, adapters):
                await s.wait_ready()
            await produce_natives(kafka_bootstrap, first)
            half = len(expected_for(first).desks)
            await reader.wait_for(
                lambda landed: len(landed.desk_ids) >= half,
                timeout=300,
                what="the first half on the desks",
            )
            before = await provenance_since(kafka_bootstrap, prov_start)
            right.kill()
            await produce_natives(kafka_bootstrap, second)
            await reader.wait_for(
                lambda landed: len(landed.desk_ids) >= len(expected.desks),
                timeout=300,
                what="every event on its desks",
            )
            after = await provenance_since(kafka_bootstrap, prov_start)
        finally:
            codes = [left.stop(), adapters.stop()]
            right.stop()
    by_router_before = {str(p["router"]) for p in before}
    assert by_router_before == {"left", "right"}, "both routers should have routed events"
    right_partitions = {p["input"]["partition"] for p in before if p["router"] == "right"}  # type: ignore[index]
    seen_before = {p["event_id"] for p in before}
    taken_over = {
        p["input"]["partition"]
        for p in after  # type: ignore[index]
        if p["router"] == "left" and p["event_id"] not in seen_before
    }
    assert right_partitions <= taken_over, "left did not take over right's partitions"
    landed = reader.landed
    for event_id, desks in expected.desks.items():
        assert sorted(landed.desk_ids.get(event_id, [])) == sorted(desks), event_id
    assert codes == [0, 0]


async def _ends(bootstrap: str) -> dict[TopicPartition, int]:
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, group_id=None)
    await consumer.start()
    try:
        return dict(
            await consumer.end_offsets([TopicPartition(PROVENANCE, p) for p in range(PARTITIONS)])
        )
    finally:
        await consumer.stop()
