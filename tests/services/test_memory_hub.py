"""What only the in-memory hub can show quickly: a handler failure re-raised by ``join``,
a failed commit retried without loss, and a restart that resumes from the commits."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest

from contract.topology import CANONICAL, PROVENANCE, adapter_group, native_in
from hub.testing import MemoryHub
from tests.services.base import event_id, expected_desks, native, routed
from tests.services.tiers import MemoryTier

pytestmark = pytest.mark.asyncio(loop_scope="session")


async def test_join_re_raises_a_failed_commit_and_the_retry_loses_nothing(
    tmp_path: Path,
) -> None:
    async with MemoryHub(["refco"], state_dir=tmp_path) as hub:
        value = native("refco")
        expected = expected_desks("refco", value)
        hub.outbox(adapter_group("refco")).fail_next = 1
        hub.send("refco", value, key=uuid.uuid4().bytes)
        with pytest.raises(ConnectionError, match="simulated broker failure"):
            await hub.join()
        await hub.join()
        tier = MemoryTier(hub)
        for event, desks in expected.items():
            assert routed(tier, event) == desks
        assert len(hub.landed(CANONICAL)) == len(expected)


async def test_without_fail_fast_join_waits_for_the_retry(tmp_path: Path) -> None:
    async with MemoryHub(["refco"], state_dir=tmp_path) as hub:
        value = native("refco")
        hub.outbox(adapter_group("refco")).fail_next = 2
        hub.send("refco", value)
        await hub.join(fail_fast=False)
        assert len(hub.landed(CANONICAL)) == len(expected_desks("refco", value))
        assert hub.transport.failures, "the failures are kept for a later join"
        with pytest.raises(ConnectionError):
            await hub.join()


async def test_join_re_raises_a_bug_in_a_handler(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with MemoryHub(["refco"], state_dir=tmp_path) as hub:
        assert hub.router is not None

        def broken(*_: object) -> None:
            raise ZeroDivisionError("router bug")

        monkeypatch.setattr(hub.router.core, "decide", broken)
        hub.send("refco", native("refco"))
        with pytest.raises(ZeroDivisionError, match="router bug"):
            await hub.join()


async def test_a_restarted_hub_resumes_from_its_commits_and_remembers_what_it_routed(
    tmp_path: Path,
) -> None:
    value = native("refco")
    expected = expected_desks("refco", value)
    async with MemoryHub(["refco"], state_dir=tmp_path) as first:
        first.send("refco", value)
        await first.join()
        log = first.log
    async with MemoryHub(["refco"], state_dir=tmp_path, log=log) as again:
        await again.join()
        assert len(again.landed(CANONICAL)) == len(expected), "a committed input was redone"
        again.send("refco", value)  # the same message once more: a duplicate
        await again.join()
        tier = MemoryTier(again)
        for event, desks in expected.items():
            assert routed(tier, event) == desks
            assert sum(1 for r in again.landed(CANONICAL) if event_id(r) == event) == 2
        assert len(again.landed(PROVENANCE)) == len(expected)
        assert len(again.landed(native_in("refco"))) == 2
