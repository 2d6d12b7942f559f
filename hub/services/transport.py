"""The seam between the services and the broker: how a batch consumer is subscribed, how a
failed batch is fetched again, where its outputs are committed, and where the router's
state topics are replayed from.

The services' logic (:class:`~hub.services.batching.BatchConsumer` and the services built
on it) sees only :class:`Transport`. :class:`KafkaTransport` is the real broker through
FastStream and aiokafka, exactly as the services ran before the seam; the in-memory
transport of the tests is :mod:`hub.services.memory`.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from aiokafka.abc import ConsumerRebalanceListener
from aiokafka.structs import TopicPartition
from faststream.kafka import KafkaBroker
from faststream.kafka.annotations import KafkaMessage
from faststream.middlewares import AckPolicy

from hub.access.clients import access_from
from hub.core.records import Inbound
from hub.services.outbox import Outbox, group_outbox
from hub.services.state_loader import KafkaStateLog, StateLog
from hub.settings import HubSettings

logger = logging.getLogger(__name__)

#: what a transport calls with each fetched batch of records
Handle = Callable[[list[Inbound]], Awaitable[None]]


@dataclass(frozen=True, slots=True)
class Subscription:
    """One batch consumer's subscription: a group reading topics, records in batches."""

    name: str
    topics: tuple[str, ...]
    group_id: str
    listener: ConsumerRebalanceListener
    max_records: int = 500
    batch_timeout_ms: int = 50


class Subscriber(Protocol):
    """What the running process reads of a subscriber (readiness, lag)."""

    @property
    def group_id(self) -> str | None: ...
    @property
    def topic_names(self) -> list[str]: ...
    @property
    def running(self) -> bool: ...


class Transport(Protocol):
    def subscribe(self, subscription: Subscription, handle: Handle) -> Subscriber:
        """Deliver the subscription's records to ``handle`` in batches, from the group's
        committed offsets, with manual commits (through the outbox) only."""
        ...

    def failed(
        self, subscriber: Subscriber, records: Sequence[Inbound], error: BaseException
    ) -> None:
        """A batch failed and was rolled back: fetch its records again."""
        ...

    def outbox(self, group_id: str) -> Outbox:
        """Where a member of ``group_id`` commits its batches."""
        ...

    def state_log(self) -> StateLog:
        """Where the router's state topics are replayed from."""
        ...

    def partitions(self, subscriber: Subscriber, topic: str) -> int | None:
        """How many partitions ``topic`` has, as the subscriber's metadata knows; None
        while it does not know."""
        ...


async def _undecoded(*_: Any) -> None:
    """The handlers read raw records; skip FastStream's body decoding."""
    return None


def _inbound(msg: KafkaMessage) -> list[Inbound]:
    raw = msg.raw_message
    return [
        Inbound(
            r.topic,
            r.partition,
            r.offset,
            r.key,
            r.value,
            [(k, v) for k, v in (r.headers or ())],
            r.timestamp or 0,
        )
        for r in (raw if isinstance(raw, (list, tuple)) else (raw,))
    ]


class KafkaTransport:
    """The real broker: FastStream batch subscribers (manual acks, ``read_committed``,
    earliest when the group has no commit) and transactional outboxes."""

    def __init__(self, broker: KafkaBroker, settings: HubSettings) -> None:
        self.broker = broker
        self.settings = settings
        self._names: dict[int, str] = {}

    def subscribe(self, subscription: Subscription, handle: Handle) -> Subscriber:
        subscriber = self.broker.subscriber(
            *subscription.topics,
            group_id=subscription.group_id,
            batch=True,
            max_records=subscription.max_records,
            batch_timeout_ms=subscription.batch_timeout_ms,
            ack_policy=AckPolicy.MANUAL,
            isolation_level="read_committed",
            auto_offset_reset="earliest",
            decoder=_undecoded,
            listener=subscription.listener,
        )

        async def _handle(msg: KafkaMessage) -> None:
            await handle(_inbound(msg))

        subscriber(_handle)
        self._names[id(subscriber)] = subscription.name
        return subscriber

    def failed(
        self, subscriber: Subscriber, records: Sequence[Inbound], error: BaseException
    ) -> None:
        consumer = getattr(subscriber, "consumer", None)
        if consumer is None:
            return
        first: dict[TopicPartition, int] = {}
        for r in records:
            tp = TopicPartition(r.topic, r.partition)
            first[tp] = min(first.get(tp, r.offset), r.offset)
        for tp, offset in first.items():
            try:
                consumer.seek(tp, offset)
            except Exception:  # partition no longer ours: its new owner starts from the commit
                logger.warning("%s: cannot rewind %s", self._names.get(id(subscriber)), tp)

    def outbox(self, group_id: str) -> Outbox:
        return group_outbox(self.settings, group_id)

    def state_log(self) -> StateLog:
        return KafkaStateLog(access_from(self.settings))

    def partitions(self, subscriber: Subscriber, topic: str) -> int | None:
        consumer = getattr(subscriber, "consumer", None)
        if consumer is None:
            return None
        found = consumer.partitions_for_topic(topic)
        return len(found) if found else None


def as_transport(broker: KafkaBroker | Transport, settings: HubSettings) -> Transport:
    """A service given a FastStream broker runs on it through :class:`KafkaTransport`."""
    return KafkaTransport(broker, settings) if isinstance(broker, KafkaBroker) else broker
