"""Test-suite wiring: the real-broker fixtures, and the `kafka` marker on every
test that uses them, so `pytest -m "not kafka"` runs without a broker."""

from __future__ import annotations

import pytest

from tests._support.kafka import (  # noqa: F401  (fixtures are found by name)
    KAFKA_FIXTURES,
    kafka_admin,
    kafka_bootstrap,
    kafka_jars,
    local_kafka,
    new_topic,
    secure_kafka,
    topic_factory,
)
from tests._support.prometheus import prometheus_binary  # noqa: F401


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # tryfirst: the marker must be there before `-m` deselects by it.
    for item in items:
        if KAFKA_FIXTURES.intersection(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.kafka)
