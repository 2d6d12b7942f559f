"""On the real broker: a router that cannot make progress for a reason that is not a record
(here its desk topic is gone, so no transaction can commit) says so on ``/health`` within
the bound, with the reason, and delivers everything exactly once when the cause is removed
(after its supervisor restarts it, if its transaction timed out meanwhile)."""

from __future__ import annotations

import asyncio
import http.client
import json
import time
import uuid
from pathlib import Path

import pytest
from aiokafka import AIOKafkaConsumer
from aiokafka.admin import AIOKafkaAdminClient
from aiokafka.structs import TopicPartition

from contract.envelope.binary import header_attributes
from contract.topology import desk_topic
from hub.access.clients import KafkaAccess
from hub.core.desks import load_desks
from hub.services.topics_admin import ensure_topics
from hub.topics import hub_topics
from tests._support.hub import (
    PARTITIONS,
    ServiceProcess,
    hub_env,
    prepare_hub,
    produce_natives,
)
from tests.services.base import expected_desks, native

pytestmark = pytest.mark.asyncio(loop_scope="session")
DESK = "drug-trafficking"
STUCK_AFTER_S = 3


def health(port: int) -> tuple[int, dict[str, object]]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
    try:
        conn.request("GET", "/health")
        response = conn.getresponse()
        return response.status, json.loads(response.read() or b"{}")
    except OSError:
        return 0, {}
    finally:
        conn.close()


async def until(condition: object, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():  # type: ignore[operator]
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {what}")
        await asyncio.sleep(0.2)


async def desk_event_ids(bootstrap: str, topic: str, wanted: set[str]) -> list[str]:
    """The event ids of ``wanted`` on ``topic``, one entry per record, read to its end."""
    consumer = AIOKafkaConsumer(
        bootstrap_servers=bootstrap, group_id=None, isolation_level="read_committed"
    )
    await consumer.start()
    try:
        tps = [TopicPartition(topic, p) for p in range(PARTITIONS)]
        consumer.assign(tps)
        await consumer.seek_to_beginning(*tps)
        ends = await consumer.end_offsets(tps)
        found: list[str] = []
        deadline = time.monotonic() + 60
        while [tp for tp in tps if await consumer.position(tp) < ends[tp]]:
            assert time.monotonic() < deadline, "the desk topic was not read to its end"
            for records in (await consumer.getmany(timeout_ms=200)).values():
                for r in records:
                    event = header_attributes(r.headers).get("id")
                    if event in wanted:
                        found.append(event)
        return found
    finally:
        await consumer.stop()


def a_message_for(desk: str) -> tuple[bytes, dict[str, list[str]]]:
    for _ in range(500):
        value = native("refco", tag=uuid.uuid4().hex)
        expected = expected_desks("refco", value)
        if expected and all(desk in desks for desks in expected.values()):
            return value, expected
    raise AssertionError(f"no refco sample routes to {desk}")


async def test_a_router_stuck_on_a_missing_topic_turns_not_ready_with_the_reason_and_recovers(
    kafka_bootstrap: str, tmp_path: Path
) -> None:
    state = tmp_path / "state"
    await prepare_hub(kafka_bootstrap, state)
    admin = AIOKafkaAdminClient(bootstrap_servers=kafka_bootstrap)
    await admin.start()
    try:
        await admin.delete_topics([desk_topic(DESK)])
    finally:
        await admin.close()
    env = {**hub_env(kafka_bootstrap, state), "HUB_STUCK_AFTER_S": str(STUCK_AFTER_S)}
    router = ServiceProcess("router", ["--router", "--instance", "stuck"], env, tmp_path)
    adapters = ServiceProcess(
        "adapters", ["--adapter", "refco", "--instance", "stuck"], env, tmp_path
    )
    value, expected = a_message_for(DESK)
    try:
        for service in (router, adapters):
            service.start()
        for service in (router, adapters):
            await service.wait_ready()
        await produce_natives(kafka_bootstrap, [("refco", value)])

        await until(lambda: health(router.port)[0] == 503, 60, "the router to say it is stuck")
        status, body = health(router.port)
        assert status == 503
        reasons = body.get("reasons")
        assert isinstance(reasons, dict)
        assert "router" in reasons
        assert str(reasons["router"]).strip()
        assert body["checks"]["router"] is False  # type: ignore[index]

        specs = hub_topics(["refco"], load_desks(), partitions=PARTITIONS)
        await ensure_topics(
            KafkaAccess.plaintext(kafka_bootstrap), [s for s in specs if s.name == desk_topic(DESK)]
        )

        # a transaction held open past its timeout is aborted by the broker and its
        # producer fenced: the router then exits (code 3) for its supervisor to restart
        # it, as a container's restart policy does; do the supervisor's part here
        def recovered() -> bool:
            if router.proc is not None and router.proc.poll() is not None:
                assert router.proc.returncode == 3, router.tail()
                router.start()
            return health(router.port)[0] == 200

        await until(recovered, 120, "the router ready again")
        deadline = time.monotonic() + 60
        delivered: list[str] = []
        while set(delivered) != set(expected):
            assert time.monotonic() < deadline, f"held events not delivered: {router.tail()}"
            await asyncio.sleep(0.5)
            delivered = await desk_event_ids(kafka_bootstrap, desk_topic(DESK), set(expected))
        assert sorted(delivered) == sorted(expected), "each held event on its desk once"
    finally:
        for service in (router, adapters):
            service.stop()
