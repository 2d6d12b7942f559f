"""One message through the broker and back: the smallest end-to-end proof that
the local Kafka takes writes with `acks=all` and serves them to a consumer."""

from __future__ import annotations

from dataclasses import dataclass

from aiokafka import TopicPartition

from hub.access import clients
from hub.access.clients import KafkaAccess
from hub.localkafka.topics import create_topic

ROUNDTRIP_TOPIC = "cca.broker.roundtrip.v1"
_RETENTION = {"retention.ms": str(24 * 3600 * 1000)}


@dataclass(frozen=True)
class RoundTrip:
    topic: str
    partition: int
    offset: int
    key: bytes | None
    value: bytes | None


async def roundtrip(
    access: KafkaAccess, payload: bytes, *, topic: str = ROUNDTRIP_TOPIC
) -> RoundTrip:
    """Produce `payload` (idempotently, acknowledged by all replicas) and read it back.

    Callers bound it with `asyncio.timeout`: clients keep retrying a missing broker.
    """
    admin = clients.admin(access)
    await admin.start()
    try:
        await create_topic(admin, topic, partitions=1, config=_RETENTION, exist_ok=True)
    finally:
        await admin.close()

    producer = clients.producer(access, acks="all", enable_idempotence=True)
    await producer.start()
    try:
        sent = await producer.send_and_wait(topic, payload, key=b"roundtrip")
    finally:
        await producer.stop()

    consumer = clients.consumer(access, enable_auto_commit=False)
    await consumer.start()
    try:
        partition = TopicPartition(topic, sent.partition)
        consumer.assign([partition])
        consumer.seek(partition, sent.offset)
        record = await consumer.getone(partition)
    finally:
        await consumer.stop()
    return RoundTrip(
        topic=record.topic,
        partition=record.partition,
        offset=record.offset,
        key=record.key,
        value=record.value,
    )
