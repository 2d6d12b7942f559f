"""Explicit topic creation: the broker refuses to auto-create, so whoever writes a
topic creates it first, with its partitions and retention, and waits for leaders."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from typing import Any

from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import for_code

_TOPIC_ALREADY_EXISTS = 36


async def create_topic(
    admin: AIOKafkaAdminClient,
    name: str,
    *,
    partitions: int,
    config: Mapping[str, str] | None = None,
    exist_ok: bool = False,
) -> bool:
    """Create the topic and wait until every partition has a leader.

    Returns False when it already existed and `exist_ok` allowed that. Callers
    bound the wait with `asyncio.timeout`.
    """
    topic = NewTopic(name, partitions, 1, topic_configs=dict(config or {}))
    response = await admin.create_topics([topic])
    created = True
    for error in response.to_object()["topic_errors"]:
        code = int(error["error_code"])
        if code == _TOPIC_ALREADY_EXISTS and exist_ok:
            created = False
        elif code != 0:
            raise for_code(code)(f"cannot create topic {name}: {error.get('error_message')}")
    await wait_for_leaders(admin, name)
    return created


async def delete_topics(admin: AIOKafkaAdminClient, names: list[str]) -> None:
    if names:
        await admin.delete_topics(names)


async def wait_for_leaders(admin: AIOKafkaAdminClient, name: str) -> None:
    """Metadata reaches the broker shortly after the controller commits the topic."""
    while True:
        if _all_led(await admin.describe_topics([name])):
            return
        await asyncio.sleep(0.05)


def _all_led(described: list[dict[str, Any]]) -> bool:
    return bool(described) and all(
        topic["error_code"] == 0
        and topic["partitions"]
        and all(p["error_code"] == 0 and p["leader"] >= 0 for p in topic["partitions"])
        for topic in described
    )
