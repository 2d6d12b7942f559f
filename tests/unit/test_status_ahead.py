"""`hub status` tells when the router's group has a commit that no router batch wrote: a
client that joined the group and committed ahead made the records in between vanish."""

from __future__ import annotations

import json

from aiokafka.structs import TopicPartition

from contract.topology import CANONICAL, PROGRESS_STATE, ROUTER_GROUP
from hub.cli.status import CommittedAhead, Status, commits_ahead, processed_offsets, render
from hub.ops.lag import PartitionLag


def progress(partition: int, next_offset: int, topic: str = CANONICAL) -> tuple[bytes, bytes]:
    value = {"topic": topic, "partition": partition, "next": next_offset, "router": "a"}
    return f"{topic}:{partition}".encode(), json.dumps(value).encode()


def lag(partition: int, committed: int | None, group: str = ROUTER_GROUP) -> PartitionLag:
    return PartitionLag(group, CANONICAL, partition, committed, 20, 0)


def test_the_latest_progress_of_each_partition_wins_and_junk_is_ignored() -> None:
    tail = {
        TopicPartition(PROGRESS_STATE, 0): [progress(0, 3), progress(0, 7), (b"x", b"not json")],
        TopicPartition(PROGRESS_STATE, 1): [progress(1, 5), progress(1, 9, topic="other")],
        TopicPartition(PROGRESS_STATE, 2): [(None, None)],
    }
    assert processed_offsets(tail) == {0: 7, 1: 5}


def test_a_commit_beyond_the_progress_is_reported_and_one_at_it_is_not() -> None:
    lags = [lag(0, 7), lag(1, 12), lag(2, None), lag(3, 4), lag(1, 99, group="cca-adapter-x")]
    ahead = commits_ahead(lags, {0: 7, 1: 6})
    assert ahead == [CommittedAhead(1, 12, 6), CommittedAhead(3, 4, None)]


def test_the_report_names_the_partition_and_both_offsets() -> None:
    status = Status("127.0.0.1:9092", ahead=[CommittedAhead(1, 12, 6)])
    text = render(status, partitions=False)
    assert "committed offset 12" in text
    assert "partition 1" in text
    assert "processed up to offset 6" in text
    assert "WARNING" not in render(Status("127.0.0.1:9092"), partitions=False)
