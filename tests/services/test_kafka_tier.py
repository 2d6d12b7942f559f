"""The same service tests on the real broker, the services running as ``hub serve``."""

from __future__ import annotations

import pytest

from tests.services.base import ServiceTests
from tests.services.tiers import KafkaTier

pytestmark = [pytest.mark.asyncio(loop_scope="session"), pytest.mark.kafka]


class TestServicesOnKafka(ServiceTests):
    @pytest.fixture
    def hub(self, kafka_hub: KafkaTier) -> KafkaTier:
        return kafka_hub
