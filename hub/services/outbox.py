"""Where a batch's outputs go: one Kafka transaction with the input offsets, or memory."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Protocol

from aiokafka.structs import TopicPartition

from hub.access import clients
from hub.access.clients import KafkaAccess, access_from
from hub.core.records import Batch, Outbound
from hub.settings import HubSettings

MAX_REQUEST_BYTES = 26 * 1024 * 1024


class Outbox(Protocol):
    async def start(self) -> None: ...
    async def stop(self) -> None: ...
    async def commit(self, batch: Batch) -> None:
        """Publish every output and commit the offsets, all or nothing."""


class TransactionalOutbox:
    def __init__(
        self,
        access: KafkaAccess,
        *,
        transactional_id: str,
        group_id: str,
        transaction_timeout_ms: int = 15_000,
        client_id: str = "cca-hub",
    ) -> None:
        self.group_id = group_id
        self.producer = clients.producer(
            access,
            client_id=client_id,
            transactional_id=transactional_id,
            enable_idempotence=True,
            acks="all",
            linger_ms=5,
            # a batch per partition, not aiokafka's 16 KB (about ten events)
            max_batch_size=1024 * 1024,
            # Kafka 4 answers a transaction still being verified with NOT_ENOUGH_REPLICAS;
            # aiokafka's default 100 ms back-off would then stall the whole transaction
            retry_backoff_ms=10,
            max_request_size=MAX_REQUEST_BYTES,
            transaction_timeout_ms=transaction_timeout_ms,
        )

    async def start(self) -> None:
        await self.producer.start()

    async def stop(self) -> None:
        await self.producer.stop()

    async def commit(self, batch: Batch) -> None:
        async with self.producer.transaction():
            for out in batch.outputs:
                await self.producer.send(
                    out.topic,
                    out.value,
                    key=out.key,
                    partition=out.partition,
                    headers=list(out.headers),
                )
            if batch.offsets:
                await self.producer.send_offsets_to_transaction(
                    _offsets(batch.offsets), self.group_id
                )


def group_outbox(settings: HubSettings, group_id: str) -> TransactionalOutbox:
    """The outbox of one consumer group's member in this process: its transactional id is
    the group plus the instance, so a restarted instance fences its crashed predecessor."""
    member = f"{group_id}-{settings.instance}"
    return TransactionalOutbox(
        access_from(settings),
        transactional_id=member,
        group_id=group_id,
        transaction_timeout_ms=settings.transaction_timeout_ms,
        client_id=member,
    )


def _offsets(offsets: Mapping[tuple[str, int], int]) -> dict[TopicPartition, int]:
    return {TopicPartition(topic, part): off for (topic, part), off in offsets.items()}


class CommitLog(Protocol):
    """A log that takes a batch's outputs and a group's offsets in one step."""

    def commit(
        self,
        group_id: str,
        outputs: Sequence[Outbound],
        offsets: Mapping[tuple[str, int], int],
    ) -> None: ...


class MemoryOutbox:
    """The outbox of the in-memory transport: commits into a :class:`CommitLog` (where
    other consumers read the outputs), or, without one, only keeps them. ``fail_next``
    makes the next commits fail as a broker that went away would."""

    def __init__(self, log: CommitLog | None = None, group_id: str = "") -> None:
        self.log = log
        self.group_id = group_id
        self.outputs: list[Outbound] = []
        self.offsets: dict[tuple[str, int], int] = {}
        self.fail_next = 0

    async def start(self) -> None:
        return None

    async def stop(self) -> None:
        return None

    async def commit(self, batch: Batch) -> None:
        if self.fail_next:
            self.fail_next -= 1
            raise ConnectionError("simulated broker failure")
        if self.log is not None:
            self.log.commit(self.group_id, batch.outputs, batch.offsets)
        self.outputs.extend(batch.outputs)
        self.offsets.update(batch.offsets)

    def on(self, topic: str) -> list[Outbound]:
        return [o for o in self.outputs if o.topic == topic]
