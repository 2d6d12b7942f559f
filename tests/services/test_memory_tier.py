"""The service tests on the in-memory hub: no broker, a fresh hub per test."""

from __future__ import annotations

import pytest

from tests.services.base import ServiceTests
from tests.services.tiers import MemoryTier

pytestmark = pytest.mark.asyncio(loop_scope="session")


class TestServicesInMemory(ServiceTests):
    @pytest.fixture
    def hub(self, memory_hub: MemoryTier) -> MemoryTier:
        return memory_hub
