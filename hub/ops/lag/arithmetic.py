"""Lag arithmetic: from committed offsets and partition bounds to records still to read.

Lag is what a group still has to read: from the offset it resumes at (its commit, or the
earliest offset when it has none) to the partition's last stable offset, the end a
``read_committed`` consumer can reach.

Transactions leave a commit marker after their records and the hub commits "last record
+ 1", so a group that has read everything sits one offset short of the end on topics
written in transactions (the canonical and receipts topics). Gaps of up to
:data:`SETTLE_MAX` offsets are therefore *settled*: read, and counted in records a
``read_committed`` consumer actually gets. Larger gaps are reported as offsets; they
overstate the lag by the markers in them, at most one per transaction.
"""

from __future__ import annotations

from dataclasses import dataclass

from aiokafka.structs import TopicPartition

SETTLE_MAX = 32
"""Gaps up to this many offsets are read to tell records from transaction markers."""


@dataclass(frozen=True, slots=True)
class Bounds:
    start: int  # earliest offset still in the log
    end: int  # last stable offset


@dataclass(frozen=True, slots=True)
class PartitionLag:
    group: str
    topic: str
    partition: int
    committed: int | None  # None: the group has committed nothing here
    end: int
    lag: int


def resume_offset(committed: int | None, bounds: Bounds) -> int:
    """Where the group reads next: its commit, or the earliest offset when it has none or
    retention has removed what it points at (the hub's consumers reset to earliest)."""
    if committed is None or committed < bounds.start:
        return bounds.start
    return committed


def gap(committed: int | None, bounds: Bounds) -> int:
    """Offsets between where the group resumes and the end."""
    return max(0, bounds.end - resume_offset(committed, bounds))


def to_settle(
    committed: dict[tuple[str, TopicPartition], int | None],
    bounds: dict[TopicPartition, Bounds],
    max_gap: int = SETTLE_MAX,
) -> dict[TopicPartition, tuple[int, int]]:
    """The (from, to) offset ranges worth reading: small, non-empty gaps."""
    ranges: dict[TopicPartition, tuple[int, int]] = {}
    for (_, tp), offset in committed.items():
        b = bounds.get(tp)
        if b is not None and 0 < gap(offset, b) <= max_gap:
            ranges[tp] = (resume_offset(offset, b), b.end)
    return ranges


def partition_lags(
    committed: dict[tuple[str, TopicPartition], int | None],
    bounds: dict[TopicPartition, Bounds],
    visible: dict[tuple[TopicPartition, int, int], int],
) -> list[PartitionLag]:
    """One lag per (group, partition); ``visible`` holds settled ranges' record counts."""
    out = []
    for (group, tp), offset in sorted(committed.items(), key=lambda i: (i[0][0], *i[0][1])):
        b = bounds.get(tp)
        if b is None:
            continue
        span = (tp, resume_offset(offset, b), b.end)
        lag = visible.get(span, gap(offset, b))
        out.append(PartitionLag(group, tp.topic, tp.partition, offset, b.end, lag))
    return out
