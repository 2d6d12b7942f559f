"""The open-loop load generator of the latency phases, run as a child process so that it
does not share an interpreter with the consumer that measures.

    python -m bench.loadgen --bootstrap HOST:PORT --messages FILE --start-at EPOCH \
        --rate PER_S --result FILE

Message ``i`` is due at ``start_at + i / rate`` and is stamped with that time (the record
timestamp), however late it really leaves: a generator that falls behind adds its delay
to the measured latency instead of hiding it (no coordinated omission).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import marshal
import time
from collections.abc import Sequence
from pathlib import Path

from bench.access import bench_access
from hub.access import clients

Message = tuple[str, bytes | None, bytes, list[tuple[str, bytes]]]
BIG = 26 * 1024 * 1024


def save(path: Path, messages: Sequence[Message]) -> None:
    path.write_bytes(marshal.dumps(list(messages)))


def load(path: Path) -> list[Message]:
    messages: list[Message] = marshal.loads(path.read_bytes())
    return messages


async def generate(
    bootstrap: str, messages: Sequence[Message], start_at: float, rate: float
) -> dict[str, float]:
    producer = clients.producer(
        bench_access(bootstrap),
        acks="all",
        enable_idempotence=True,
        max_request_size=BIG,
        max_batch_size=1024 * 1024,  # see bench.baselines.BATCH_BYTES
    )
    await producer.start()
    behind_max = 0.0
    try:
        futures = []
        delay = start_at - time.time()
        if delay > 0:
            await asyncio.sleep(delay)
        for i, (topic, key, value, headers) in enumerate(messages):
            due = start_at + i / rate
            ahead = due - time.time()
            if ahead > 0.001:
                await asyncio.sleep(ahead)
            else:
                behind_max = max(behind_max, -ahead)
            futures.append(
                await producer.send(
                    topic, value, key=key, headers=headers, timestamp_ms=int(due * 1000)
                )
            )
            if len(futures) >= 40_000:  # bound the memory; the oldest are long acknowledged
                await asyncio.gather(*futures[:20_000])
                del futures[:20_000]
        await asyncio.gather(*futures)
        finished = time.time()
    finally:
        await producer.stop()
    return {
        "sent": len(messages),
        "finished_at": finished,
        "behind_max_s": behind_max,
        "span_s": finished - start_at,
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="open-loop load generator")
    parser.add_argument("--bootstrap", required=True)
    parser.add_argument("--messages", type=Path, required=True)
    parser.add_argument("--start-at", type=float, required=True)
    parser.add_argument("--rate", type=float, required=True)
    parser.add_argument("--result", type=Path, required=True)
    args = parser.parse_args(argv)
    messages = load(args.messages)
    result = asyncio.run(generate(args.bootstrap, messages, args.start_at, args.rate))
    args.result.write_text(json.dumps(result))


if __name__ == "__main__":
    main()
