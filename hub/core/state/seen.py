"""The idempotent receiver's memory: event ids already routed, per partition, bounded.

Each partition remembers its most recent ``capacity`` ids (oldest forgotten first). The
memory is rebuilt after a restart or a rebalance from the compacted ``cca.router.seen.v1``
topic, written in the same transaction as the desks, so it never disagrees with them.
"""

from __future__ import annotations

from collections import OrderedDict


class SeenIds:
    def __init__(self, capacity: int) -> None:
        self.capacity = capacity
        self._ids: OrderedDict[str, None] = OrderedDict()

    def __contains__(self, event_id: object) -> bool:
        return event_id in self._ids

    def __len__(self) -> int:
        return len(self._ids)

    def add(self, event_id: str) -> None:
        self._ids[event_id] = None
        self._ids.move_to_end(event_id)
        while len(self._ids) > self.capacity:
            self._ids.popitem(last=False)


class SeenByPartition:
    def __init__(self, capacity: int) -> None:
        self.capacity = capacity
        self._parts: dict[int, SeenIds] = {}

    def partition(self, number: int) -> SeenIds:
        part = self._parts.get(number)
        if part is None:
            part = self._parts[number] = SeenIds(self.capacity)
        return part

    def drop(self, number: int) -> None:
        self._parts.pop(number, None)

    def total(self) -> int:
        return sum(len(p) for p in self._parts.values())
