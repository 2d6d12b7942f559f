"""Creating the hub's topics on a broker (the plan itself is in :mod:`hub.topics`)."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass

from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import for_code
from aiokafka.structs import TopicPartition

from hub.access import clients
from hub.access.clients import KafkaAccess
from hub.topics import TopicSpec

TOPIC_ALREADY_EXISTS = 36
BIG_TOPICS_MAX_MESSAGE_BYTES = str(26 * 1024 * 1024)


@dataclass(frozen=True)
class Created:
    name: str
    created: bool


def _with_size_limit(spec: TopicSpec) -> dict[str, str]:
    # rempm batches are up to 20 MB and oas-hien documents up to 5 MB; they and their
    # dead letters must fit in one record
    config = dict(spec.config)
    if spec.name.startswith("net."):
        config.setdefault("max.message.bytes", BIG_TOPICS_MAX_MESSAGE_BYTES)
    return config


async def ensure_topics(
    access: KafkaAccess, specs: Sequence[TopicSpec], *, replication: int = 1, timeout_s: float = 60
) -> list[Created]:
    """Create every missing topic and wait until every partition answers as its leader.

    A partition's leader shows in the metadata a moment before the broker serves it: a
    consumer started in between logs "Failed fetch offsets … NotLeaderForPartitionError"
    and retries. Asking each partition for its end offset (which retries quietly) closes
    that window, so services started after this see ready topics."""
    admin = clients.admin(access, client_id="cca-hub-topics")
    await admin.start()
    try:
        async with asyncio.timeout(timeout_s):
            response = await admin.create_topics(
                [
                    NewTopic(s.name, s.partitions, replication, topic_configs=_with_size_limit(s))
                    for s in specs
                ]
            )
            out = []
            for error in response.to_object()["topic_errors"]:
                code = int(error["error_code"])
                if code not in (0, TOPIC_ALREADY_EXISTS):
                    raise for_code(code)(
                        f"cannot create topic {error['topic']}: {error.get('error_message')}"
                    )
                out.append(Created(error["topic"], code == 0))
            leaders = await _wait_for_leaders(admin, [s.name for s in specs])
            await _wait_until_served(access, leaders)
            return out
    finally:
        await admin.close()


async def _wait_until_served(access: KafkaAccess, partitions: list[TopicPartition]) -> None:
    consumer = clients.consumer(access, client_id="cca-hub-topics", enable_auto_commit=False)
    await consumer.start()
    try:
        await consumer.end_offsets(partitions)
    finally:
        await consumer.stop()


async def _wait_for_leaders(admin: AIOKafkaAdminClient, names: list[str]) -> list[TopicPartition]:
    """Every partition of these topics, once each has a leader in the metadata."""
    pending = set(names)
    ready: list[TopicPartition] = []
    while pending:
        described = await admin.describe_topics(sorted(pending))
        for topic in described:
            if (
                topic["error_code"] == 0
                and topic["partitions"]
                and all(p["error_code"] == 0 and p["leader"] >= 0 for p in topic["partitions"])
            ):
                pending.discard(topic["topic"])
                ready += [
                    TopicPartition(topic["topic"], p["partition"]) for p in topic["partitions"]
                ]
        if pending:
            await asyncio.sleep(0.1)
    return ready
