"""The ``hub`` fixtures of the two tiers the service tests run on."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import pytest_asyncio

from hub.testing import MemoryHub
from tests.services.base import GATEWAY_NETWORKS
from tests.services.tiers import KafkaTier, MemoryTier


@pytest_asyncio.fixture(loop_scope="session")
async def memory_hub(tmp_path: Path) -> AsyncIterator[MemoryTier]:
    """A fresh in-memory hub per test: the router and every gateway network's adapter."""
    async with MemoryHub(GATEWAY_NETWORKS, state_dir=tmp_path / "state") as hub:
        yield MemoryTier(hub)


@pytest_asyncio.fixture(scope="class", loop_scope="session")
async def kafka_hub(
    kafka_bootstrap: str, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[KafkaTier]:
    """The services as processes on the session's broker, shared by a test class (each
    test sends messages of its own): starting processes is the slow part."""
    base = tmp_path_factory.mktemp("service-tier")
    tier = KafkaTier(kafka_bootstrap, base / "state", base, GATEWAY_NETWORKS)
    try:
        await tier.start()
        yield tier
    finally:
        codes = await tier.stop()
    assert codes == [0, 0], [s.tail() for s in tier.services]
