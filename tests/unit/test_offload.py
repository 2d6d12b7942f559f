"""Large messages are translated in a worker process: the records they give are the ones
the inline path gives, the event loop keeps turning meanwhile, and a message that needs
more memory than the bound is refused with that reason (and its receipt says so)."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from adapters.sdk import get_adapter
from adapters.sdk.contract import Rejected
from adapters.sdk.registry import slugs
from contract.signing import Signer
from contract.topology import native_dlq, native_in, native_out
from hub.core.adapter_core import AdapterCore, AdapterTally, refusal
from hub.core.records import Batch, Inbound
from hub.services.offload import ERROR_CLASS, Offloader
from tests.adapters.rempm.large_batch import large_batch
from tests.services.base import native

pytestmark = pytest.mark.asyncio
WHEN = datetime(2026, 12, 7, 9, 30, tzinfo=UTC)
NETWORKS = [s for s in slugs() if s != "interpol"]


def signer() -> Signer:
    return Signer("unit-offload", Ed25519PrivateKey.generate())


def record(slug: str, value: bytes) -> Inbound:
    return Inbound(native_in(slug), 0, 7, b"key", value, [], int(WHEN.timestamp() * 1000))


def outputs(batch: Batch) -> list[tuple[str, bytes | None, bytes | None, list[object]]]:
    return [(o.topic, o.key, o.value, list(o.headers)) for o in batch.outputs]


@pytest.mark.parametrize("slug", NETWORKS)
async def test_a_message_translated_in_a_worker_gives_the_records_the_inline_path_gives(
    slug: str,
) -> None:
    core = AdapterCore(get_adapter(slug), signer(), clock=WHEN.timestamp)
    message = record(slug, native(slug, tag="offload"))
    inline, tally = Batch(), AdapterTally()
    core.process(message, inline, tally)

    offloader = Offloader(memory_mb=2048)
    try:
        prepared = await offloader.prepare(
            slug, message.value or b"", core.received(message), core.receipt_at()
        )
    finally:
        offloader.close()
    assert not isinstance(prepared, Rejected), prepared
    offloaded, tally2 = Batch(), AdapterTally()
    core.assemble(message, prepared, offloaded, tally2)

    assert outputs(offloaded) == outputs(inline)
    assert outputs(inline), "the message gave records"
    assert (tally2.translated, tally2.receipts) == (tally.translated, tally.receipts)


async def test_the_event_loop_turns_while_a_large_file_is_translated() -> None:
    """A small message of another network is translated and signed while the large file is
    still in its worker: nothing on the loop waits for it."""
    big = large_batch(rows=1_500, target=6 * 1024 * 1024)
    offloader = Offloader(memory_mb=2048)
    try:
        job = asyncio.ensure_future(offloader.prepare("rempm", big, WHEN, WHEN))
        small = AdapterCore(get_adapter("refco"), signer())
        done = 0
        while done < 50:
            batch = Batch()
            small.process(record("refco", native("refco")), batch, AdapterTally())
            assert batch.outputs
            done += 1
            await asyncio.sleep(0)
        assert not job.done(), "the large file was still being translated"
        prepared = await asyncio.wait_for(job, 120)
    finally:
        offloader.close()
    assert not isinstance(prepared, Rejected), prepared
    assert len(prepared.events) == 1_500
    assert prepared.receipt is not None


async def test_a_message_over_the_memory_bound_is_refused_with_the_reason() -> None:
    big = large_batch(rows=60_000, target=20 * 1024 * 1024)  # 60,000 events' worth
    offloader = Offloader(memory_mb=300)
    try:
        refused = await asyncio.wait_for(offloader.prepare("rempm", big, WHEN, WHEN), 120)
    finally:
        offloader.close()
    assert isinstance(refused, Rejected)
    assert refused.error_class == ERROR_CLASS
    assert f"message of {len(big)} bytes needs more than the 300 MiB" in refused.reason

    adapter = get_adapter("rempm")
    core = AdapterCore(adapter, signer())
    batch = Batch()
    message = record("rempm", big)
    core.assemble(message, refusal(adapter, refused, WHEN), batch, AdapterTally())
    (dead,) = [o for o in batch.outputs if o.topic == native_dlq("rempm")]
    assert dead.value == big, "the whole file is kept in the dead-letter topic"
    (reply,) = [o for o in batch.outputs if o.topic == native_out("rempm")]
    assert reply.value is not None
    assert b"300 MiB" in reply.value
