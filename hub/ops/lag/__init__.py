"""Consumer lag of the hub's groups, read from the broker: the arithmetic
(:mod:`~hub.ops.lag.arithmetic`), the groups and their topics (:mod:`~hub.ops.lag.groups`),
reading the broker (:mod:`~hub.ops.lag.reader`) and the metrics loop
(:mod:`~hub.ops.lag.collector`)."""

from hub.ops.lag.arithmetic import (
    SETTLE_MAX,
    Bounds,
    PartitionLag,
    gap,
    partition_lags,
    resume_offset,
    to_settle,
)
from hub.ops.lag.collector import LAG_INTERVAL_S, LagCollector, export
from hub.ops.lag.groups import GroupTopics, hub_groups, merged
from hub.ops.lag.reader import GROUP_PREFIX, SETTLE_TIMEOUT_S, LagReader, LagSource

__all__ = [
    "GROUP_PREFIX",
    "LAG_INTERVAL_S",
    "SETTLE_MAX",
    "SETTLE_TIMEOUT_S",
    "Bounds",
    "GroupTopics",
    "LagCollector",
    "LagReader",
    "LagSource",
    "PartitionLag",
    "export",
    "gap",
    "hub_groups",
    "merged",
    "partition_lags",
    "resume_offset",
    "to_settle",
]
