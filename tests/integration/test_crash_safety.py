"""Crash safety on the real broker: with 20,000 native messages in flight, the router and the
adapter service are killed (SIGKILL) several times at random moments and restarted. Every
event reaches its desks exactly once, nothing is lost, and the dead-letter topics hold
exactly the bad inputs. The hub runs over mTLS with the ACLs of the participants file on,
and each network's gateway writes its own messages."""

from __future__ import annotations

import random
import uuid
from pathlib import Path

import pytest

from contract.topology import native_dlq
from hub.access.clients import KafkaAccess
from hub.access.principals import gateway_principal
from hub.demo.traffic import traffic
from tests._support.hub import (
    OutputReader,
    ServiceProcess,
    custody_of,
    expected_for,
    hub_env,
    output_ends,
    prepare_hub,
    produce_natives,
    secure_hub,
)
from tests._support.kafka import SecureKafka

pytestmark = pytest.mark.asyncio(loop_scope="session")
MESSAGES = 20_000
KILLS = 6


async def test_killing_router_and_adapters_loses_nothing_and_duplicates_nothing(
    kafka_bootstrap: str, secure_kafka: SecureKafka, tmp_path: Path
) -> None:
    state = tmp_path / "state"
    await prepare_hub(kafka_bootstrap, state)
    await secure_hub(secure_kafka, state)
    env = hub_env(secure_kafka.bootstrap, state, security="mtls")
    stream = traffic(seed=2026, bad_ratio=0.02, tag=uuid.uuid4().hex)
    natives = [(n.network, n.value) for n in (next(stream) for _ in range(MESSAGES))]
    expected = expected_for(natives)
    total = len(expected.desks)
    router = ServiceProcess("router", ["--router", "--instance", "crash"], env, tmp_path)
    adapters = ServiceProcess("adapters", ["--all-adapters", "--instance", "crash"], env, tmp_path)
    rng = random.Random(20)
    start = await output_ends(kafka_bootstrap)
    async with OutputReader(kafka_bootstrap, start) as reader:
        try:
            for s in (router, adapters):
                s.start()
            await produce_natives(
                secure_kafka.bootstrap,
                natives,
                gateways=lambda n: KafkaAccess.mtls(
                    secure_kafka.bootstrap, state, gateway_principal(n)
                ),
            )
            for s in (router, adapters):
                await s.wait_ready()
            for kill in range(KILLS):
                point = (kill + 1) / (KILLS + 2) + rng.uniform(-0.03, 0.03)
                await reader.wait_for(
                    lambda landed, point=point: len(landed.desk_ids) >= point * total,
                    timeout=300,
                    what=f"{point:.0%} of the events",
                )
                victims = rng.choice([[router], [adapters], [router, adapters]])
                for victim in victims:
                    victim.kill()
                for victim in victims:
                    victim.start()
            await reader.wait_for(
                lambda landed: (
                    len(landed.desk_ids) >= total
                    and all(i in landed.withheld for i in expected.withheld)
                    and all(len(landed.dlq[native_dlq(n)]) >= c for n, c in expected.dlq.items())
                ),
                timeout=600,
                what="every event on its desks, every withholding, every bad input dead-lettered",
            )
        finally:
            codes = [router.stop(), adapters.stop()]
        assert router.starts > 1, "the router never crashed"
        assert adapters.starts > 1, "the adapters never crashed"
    landed = reader.landed
    wrong = {
        i: (landed.desk_ids.get(i), d)
        for i, d in expected.desks.items()
        if sorted(landed.desk_ids.get(i, [])) != sorted(d)
    }
    assert not wrong, f"{len(wrong)} events lost or duplicated, e.g. {list(wrong.items())[:3]}"
    assert set(landed.desk_ids) == set(expected.desks), "events on the desks that nobody sent"
    # what a desk may not have is withheld from it, once, with one notice on triage
    for event_id, held in expected.withheld.items():
        assert sorted(landed.withheld[event_id]) == sorted(held), event_id
        assert landed.notices[event_id] == ["triage"], event_id
    assert set(landed.notices) == set(expected.withheld)
    for network, count in expected.dlq.items():
        assert len(landed.dlq[native_dlq(network)]) == count, network
    assert not landed.dlq["cca.dlq.v1"]
    assert codes == [0, 0], (router.tail(), adapters.tail())
    # the custody logs: intact across the kills, every delivered event in them exactly once
    custody = await custody_of(kafka_bootstrap, state)
    assert custody.problems == []
    assert sum(custody.heads.values()) > 0
    for event_id, desks in expected.desks.items():
        entries = [e for e in custody.events.get(event_id, []) if e["outcome"] == "routed"]
        assert len(entries) == 1, event_id
        assert sorted(entries[0]["desks"]) == sorted(desks), event_id
