"""The hub's polled-source service running the notice poller against the loopback notices
service, with an in-memory outbox: what each update becomes on the wire, one transaction
per group of updates, and nothing recorded before its transaction committed."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from prometheus_client import REGISTRY

from adapters.interpol import InterpolAdapter
from adapters.interpol.testing import (
    Answer,
    FeedServer,
    detail_target,
    publish_notices,
    red_detail,
    running_feed,
)
from adapters.sdk.polled import PollConfig, is_polled
from adapters.sdk.registry import adapter_class
from contract.envelope import from_kafka
from contract.signing import Signer
from contract.topology import CANONICAL, RECEIVED_MS_HEADER, native_dlq
from hub.core.dlq import read_reason
from hub.core.records import Batch, header
from hub.services import polled
from hub.services.polled import PolledService

RED_IDS = ["2026/20001", "2026/20002"]
UNREADABLE = "2026/20003"


class MemoryOutbox:
    """Keeps every committed batch; fails the commits it is told to."""

    def __init__(self) -> None:
        self.batches: list[Batch] = []
        self.failures = 0

    async def start(self) -> None:
        pass

    async def stop(self) -> None:
        pass

    async def commit(self, batch: Batch) -> None:
        if self.failures:
            self.failures -= 1
            raise RuntimeError("transaction aborted")
        self.batches.append(batch)


@pytest.fixture
def feed() -> Iterator[FeedServer]:
    with running_feed() as server:
        publish_notices(server, "RED", [red_detail(i) for i in [*RED_IDS, UNREADABLE]], 160)
        server.set(detail_target("RED", UNREADABLE), Answer(200, b"{not json"))
        publish_notices(server, "YELLOW", [], 160)
        publish_notices(server, "UN", [], 160)
        yield server


def service(feed: FeedServer, state: Path, outbox: MemoryOutbox) -> PolledService:
    adapter = InterpolAdapter()
    poller = adapter.poller(PollConfig(feed.base_url, state, 1.0))
    signer = Signer("interpol-test", Ed25519PrivateKey.generate())
    return PolledService(adapter, poller, outbox, signer, 1.0)


def polls(kind: str, outcome: str) -> float:
    labels = {"network": "interpol", "kind": kind, "outcome": outcome}
    return REGISTRY.get_sample_value("hub_source_polls_total", labels) or 0.0


def test_the_notice_feed_is_a_polled_network_with_no_consumer_group() -> None:
    assert is_polled(adapter_class("interpol"))
    assert not is_polled(adapter_class("refco"))


async def test_notices_become_signed_events_and_the_unreadable_one_a_dead_letter(
    feed: FeedServer, tmp_path: Path
) -> None:
    outbox = MemoryOutbox()
    source = service(feed, tmp_path, outbox)
    before = polls("red", "complete")
    try:
        assert await source.poll_once() == 3
    finally:
        await source.poller.aclose()
    assert polls("red", "complete") == before + 1
    [batch] = outbox.batches
    events = [o for o in batch.outputs if o.topic == CANONICAL]
    assert sorted(from_kafka(o.value, o.headers).data.reference for o in events) == RED_IDS
    for out in events:
        event = from_kafka(out.value, out.headers)
        assert out.key == event.caseid.encode()
        assert event.source == "urn:cca:net:interpol"
        assert header(out.headers, RECEIVED_MS_HEADER) is not None
    [dead] = [o for o in batch.outputs if o.topic == native_dlq("interpol")]
    assert (dead.key, dead.value) == (UNREADABLE.encode(), b"{not json")
    reason = read_reason(dead.headers)
    assert (reason["topic"], reason["partition"], reason["offset"]) == ("feed:red", "0", "-1")
    assert reason["class.name"] == "adapters.interpol"
    assert reason["hub.errors.network"] == "interpol"
    assert reason["exception.message"]
    assert "hub.errors.record" not in reason


async def test_updates_are_recorded_only_after_their_transaction_committed(
    feed: FeedServer, tmp_path: Path
) -> None:
    outbox = MemoryOutbox()
    outbox.failures = 1
    first = service(feed, tmp_path, outbox)
    try:
        with pytest.raises(RuntimeError):
            await first.poll_once()
    finally:
        await first.poller.aclose()
    assert outbox.batches == []
    again = service(feed, tmp_path, outbox)  # as after a restart
    try:
        assert await again.poll_once() == 3
        assert await again.poll_once() == 0
    finally:
        await again.poller.aclose()
    later = service(feed, tmp_path, outbox)
    try:
        assert await later.poll_once() == 0
    finally:
        await later.poller.aclose()


async def test_a_long_poll_is_published_in_transactions_of_flush_every_updates(
    feed: FeedServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(polled, "FLUSH_EVERY", 2)
    outbox = MemoryOutbox()
    source = service(feed, tmp_path, outbox)
    try:
        assert await source.poll_once() == 3
    finally:
        await source.poller.aclose()
    assert [len(b.outputs) for b in outbox.batches] == [2, 1]
