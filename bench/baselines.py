"""The baselines: consume → produce passthroughs of the same records, run as child processes.

    python -m bench.baselines {raw,raw-txn,faststream,faststream-batch} \
        --bootstrap HOST:PORT --source TOPIC --sink TOPIC --group GROUP

Every producer is ``acks=all`` and idempotent with ``linger_ms=5``, as the hub's are, and
takes batches of up to 1 MB per partition (``max_batch_size``).

- ``raw``: aiokafka alone, batches of up to 1000 records, each input partition's records
  built into whole producer batches for the same output partition (``send_batch``: the
  fastest way aiokafka has); each batch's offsets are committed once its records are
  acknowledged, while the next batch is already being sent (at-least-once). Key and
  headers are kept. The ceiling for any Python hub here.
- ``raw-txn``: the same, with one Kafka transaction per batch carrying its offsets and a
  ``read_committed`` consumer: the hub's own delivery guarantee, at the raw client's cost.
- ``faststream``: a FastStream app whose handler takes and returns only the body, one
  message at a time, with FastStream's default acknowledgement (auto-commit). Each publish
  waits for its acknowledgement before the next message, so this one does not linger.
- ``faststream-batch``: the same with a batch subscriber (up to 500 records) and a batch
  publisher, as the hub's services consume.

The FastStream handlers read the body undecoded (the records say ``application/json``, and
a passthrough has no reason to parse them); its per-message log lines are kept at DEBUG.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import signal
from collections.abc import Callable, Coroutine
from typing import Any

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from aiokafka.structs import ConsumerRecord, TopicPartition

from bench.access import bench_access
from hub.access import clients

BIG = 26 * 1024 * 1024
BATCH = 1000
LINGER_MS = 5
#: aiokafka keeps one open batch per partition and waits for it to be sent once full: the
#: default 16 KB holds ~10 of these records, which caps a passthrough at one small batch per
#: partition and round trip
BATCH_BYTES = 1024 * 1024


def _producer(bootstrap: str, transactional_id: str | None = None) -> AIOKafkaProducer:
    return clients.producer(
        bench_access(bootstrap),
        acks="all",
        enable_idempotence=True,
        linger_ms=LINGER_MS,
        max_request_size=BIG,
        max_batch_size=BATCH_BYTES,
        transactional_id=transactional_id,
    )


async def _until_stopped() -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    await stop.wait()


async def _commit_when_acked(
    futures: list[asyncio.Future[object]],
    offsets: dict[TopicPartition, int],
    consumer: AIOKafkaConsumer,
    previous: asyncio.Task[None] | None,
) -> None:
    await asyncio.gather(*futures)
    if previous is not None:
        await previous  # commits stay in batch order
    await consumer.commit(offsets)


async def _send_batches(
    producer: AIOKafkaProducer, sink: str, batches: dict[TopicPartition, list[ConsumerRecord]]
) -> tuple[list[asyncio.Future[object]], dict[TopicPartition, int]]:
    """Each input partition's records as whole batches to the same output partition (the
    topics have as many partitions, and a key lands on the same number in both), so no
    record pays for aiokafka's per-message ``send`` nor the key hash."""
    futures: list[asyncio.Future[object]] = []
    offsets: dict[TopicPartition, int] = {}
    for tp, records in batches.items():
        batch = producer.create_batch()
        for r in records:
            headers = list(r.headers)
            if batch.append(timestamp=None, key=r.key, value=r.value, headers=headers) is None:
                futures.append(await producer.send_batch(batch, sink, partition=tp.partition))
                batch = producer.create_batch()
                batch.append(timestamp=None, key=r.key, value=r.value, headers=headers)
        if batch.record_count():
            futures.append(await producer.send_batch(batch, sink, partition=tp.partition))
        offsets[tp] = records[-1].offset + 1
    return futures, offsets


async def raw(args: argparse.Namespace) -> None:
    consumer = clients.consumer(
        bench_access(args.bootstrap),
        args.source,
        group_id=args.group,
        enable_auto_commit=False,
        auto_offset_reset="earliest",
    )
    producer = _producer(args.bootstrap)
    await producer.start()
    await consumer.start()
    stopping = asyncio.ensure_future(_until_stopped())
    pending: asyncio.Task[None] | None = None
    try:
        while not stopping.done():
            batches = await consumer.getmany(timeout_ms=100, max_records=BATCH)
            if not batches:
                continue
            futures, offsets = await _send_batches(producer, args.sink, batches)
            pending = asyncio.ensure_future(_commit_when_acked(futures, offsets, consumer, pending))
        if pending is not None:
            await pending
    finally:
        await consumer.stop()
        await producer.stop()


async def raw_txn(args: argparse.Namespace) -> None:
    consumer = clients.consumer(
        bench_access(args.bootstrap),
        args.source,
        group_id=args.group,
        enable_auto_commit=False,
        auto_offset_reset="earliest",
        isolation_level="read_committed",
    )
    producer = _producer(args.bootstrap, transactional_id=f"{args.group}-txn")
    await producer.start()
    await consumer.start()
    stopping = asyncio.ensure_future(_until_stopped())
    try:
        while not stopping.done():
            batches = await consumer.getmany(timeout_ms=100, max_records=BATCH)
            if not batches:
                continue
            async with producer.transaction():
                _, offsets = await _send_batches(producer, args.sink, batches)
                await producer.send_offsets_to_transaction(offsets, args.group)
    finally:
        await consumer.stop()
        await producer.stop()


async def _body(msg: object) -> object:
    """FastStream decoder: the record's bytes as they are."""
    return msg.body  # type: ignore[attr-defined]


async def faststream(args: argparse.Namespace, *, batch: bool) -> None:
    broker = clients.faststream_broker(
        bench_access(args.bootstrap),
        acks="all",
        enable_idempotence=True,
        max_request_size=BIG,
        # one message at a time waits for each publish: lingering would only add to every wait
        linger_ms=LINGER_MS if batch else 0,
        max_batch_size=BATCH_BYTES,
        log_level=logging.DEBUG,
    )
    if batch:

        @broker.subscriber(
            args.source,
            group_id=args.group,
            auto_offset_reset="earliest",
            batch=True,
            max_records=500,
            batch_timeout_ms=50,
            decoder=_body,
        )
        @broker.publisher(args.sink, batch=True)
        async def handle_batch(bodies: list[bytes]) -> list[bytes]:
            return bodies

    else:

        @broker.subscriber(  # type: ignore[untyped-decorator]
            args.source, group_id=args.group, auto_offset_reset="earliest", decoder=_body
        )
        @broker.publisher(args.sink)
        async def handle(body: bytes) -> bytes:
            return body

    await broker.start()
    try:
        await _until_stopped()
    finally:
        await broker.stop()


KINDS: dict[str, Callable[[argparse.Namespace], Coroutine[Any, Any, None]]] = {
    "raw": raw,
    "raw-txn": raw_txn,
    "faststream": lambda a: faststream(a, batch=False),
    "faststream-batch": lambda a: faststream(a, batch=True),
}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="a benchmark passthrough")
    parser.add_argument("kind", choices=sorted(KINDS))
    parser.add_argument("--bootstrap", required=True)
    parser.add_argument("--source", required=True)
    parser.add_argument("--sink", required=True)
    parser.add_argument("--group", required=True)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING)
    asyncio.run(KINDS[args.kind](args))


if __name__ == "__main__":
    main()
