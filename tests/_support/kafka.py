"""Real-broker fixtures: one local Kafka per test session, fresh topics per test.

The session broker runs from the shared jar cache in its own temporary state
folder on free ports, or `HUB_KAFKA_BOOTSTRAP` names a broker to use instead.
It is the broker `hub broker start` runs (mTLS, SCRAM, the authorizer with no
access unless an ACL grants it) plus the `--insecure-local` plaintext listener,
on which the tests themselves are a super user: `kafka_bootstrap` is that
listener, for tests about something other than access; `secure_kafka` gives the
mTLS and SCRAM listeners and the broker's CA, for the tests that are.
When no broker can be had, tests skip on a developer machine and fail in CI
(`CI` set): a CI run must never pass by skipping its integration tests.
"""

from __future__ import annotations

import asyncio
import os
import re
import uuid
from collections.abc import AsyncIterator, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import NoReturn, Protocol

import pytest
import pytest_asyncio
from aiokafka.admin import AIOKafkaAdminClient

from hub.access.clients import KafkaAccess
from hub.localkafka import LocalKafka, LocalKafkaError, LocalKafkaSettings
from hub.localkafka.settings import private_broker
from hub.localkafka.tools import find_java
from hub.localkafka.topics import create_topic, delete_topics

BOOTSTRAP_ENV = "HUB_KAFKA_BOOTSTRAP"
KAFKA_FIXTURES = frozenset(
    {
        "kafka_jars",
        "local_kafka",
        "kafka_bootstrap",
        "kafka_admin",
        "topic_factory",
        "new_topic",
        "secure_kafka",
    }
)
_ADMIN_TIMEOUT_S = 30.0


class TopicFactory(Protocol):
    async def __call__(
        self, partitions: int = 3, *, config: Mapping[str, str] | None = None
    ) -> str: ...


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


def broker_unavailable(reason: str) -> NoReturn:
    """Skip locally, fail in CI."""
    if in_ci():
        pytest.fail(f"{reason} (CI is set, so this fails instead of skipping)", pytrace=False)
    pytest.skip(reason)


def broker_settings(state_dir: Path, *, tests_are_super: bool = True) -> LocalKafkaSettings:
    """A broker of its own on free ports; with ``tests_are_super`` the plaintext loopback
    listener is open and its (anonymous) clients, the tests, bypass the ACLs."""
    return private_broker(state_dir, anonymous_super_users=tests_are_super)


@dataclass(frozen=True)
class SecureKafka:
    """The session broker's authenticated listeners and the folder of its CA."""

    bootstrap: str  # mTLS
    scram_bootstrap: str
    state_dir: Path  # <state_dir>/pki holds the CA, hub.admin's and the node's certificates

    def access(self, principal: str) -> KafkaAccess:
        return KafkaAccess.mtls(self.bootstrap, self.state_dir, principal)


def unique_topic_name(test_name: str) -> str:
    """`test.<test name>.<random>`, within Kafka's alphabet and length limit."""
    readable = re.sub(r"[^A-Za-z0-9_-]+", "-", test_name).strip("-")[:120]
    return f"test.{readable}.{uuid.uuid4().hex[:12]}"


@pytest.fixture(scope="session")
def kafka_jars() -> Path:
    """The broker's jars, fetched into the shared cache once per machine, and a
    Java to run them: what a test needs to start brokers of its own."""
    try:
        find_java()
        return LocalKafka().fetch()
    except LocalKafkaError as error:
        broker_unavailable(f"a local Kafka broker cannot run here: {error}")


@pytest.fixture(scope="session")
def local_kafka(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalKafka | None]:
    """The session's broker, or None when `HUB_KAFKA_BOOTSTRAP` names an external one."""
    if os.environ.get(BOOTSTRAP_ENV):
        yield None
        return
    kafka = LocalKafka(broker_settings(tmp_path_factory.mktemp("kafka-state")))
    try:
        kafka.start(exit_with_parent=True)
    except LocalKafkaError as error:
        broker_unavailable(f"the local Kafka broker could not start: {error}")
    try:
        yield kafka
    finally:
        kafka.stop()


@pytest.fixture(scope="session")
def kafka_bootstrap(local_kafka: LocalKafka | None) -> str:
    """The plaintext listener, on which tests bypass the ACLs."""
    if local_kafka is None:
        return os.environ[BOOTSTRAP_ENV]
    bootstrap = local_kafka.settings.local_bootstrap
    assert bootstrap is not None
    return bootstrap


@pytest.fixture(scope="session")
def secure_kafka(local_kafka: LocalKafka | None) -> SecureKafka:
    if local_kafka is None:
        pytest.skip("the access tests need the session's own broker (its CA)")
    settings = local_kafka.settings
    return SecureKafka(settings.bootstrap, settings.scram_bootstrap, settings.state_dir)


@pytest_asyncio.fixture(scope="session", loop_scope="session")
async def kafka_admin(kafka_bootstrap: str) -> AsyncIterator[AIOKafkaAdminClient]:
    admin = AIOKafkaAdminClient(bootstrap_servers=kafka_bootstrap)
    try:
        async with asyncio.timeout(_ADMIN_TIMEOUT_S):
            await admin.start()
    except Exception as error:  # aiokafka raises its own error types, and TimeoutError
        await admin.close()
        broker_unavailable(f"no Kafka admin connection to {kafka_bootstrap}: {error!r}")
    try:
        yield admin
    finally:
        await admin.close()


@pytest_asyncio.fixture(loop_scope="session")
async def topic_factory(
    kafka_admin: AIOKafkaAdminClient, request: pytest.FixtureRequest
) -> AsyncIterator[TopicFactory]:
    """Creates uniquely named topics for one test and deletes them after it."""
    created: list[str] = []

    async def create(partitions: int = 3, *, config: Mapping[str, str] | None = None) -> str:
        name = unique_topic_name(request.node.name)
        async with asyncio.timeout(_ADMIN_TIMEOUT_S):
            await create_topic(kafka_admin, name, partitions=partitions, config=config)
        created.append(name)
        return name

    yield create
    async with asyncio.timeout(_ADMIN_TIMEOUT_S):
        await delete_topics(kafka_admin, created)


@pytest_asyncio.fixture(loop_scope="session")
async def new_topic(topic_factory: TopicFactory) -> str:
    """A fresh three-partition topic for this test."""
    return await topic_factory(3)
