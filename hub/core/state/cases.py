"""The desks of each case, so a status update reaches the desks of the request it is about."""

from __future__ import annotations

import json


class CaseDesks:
    def __init__(self) -> None:
        self._desks: dict[int, dict[str, tuple[str, ...]]] = {}

    def get(self, partition: int, case_id: str) -> tuple[str, ...] | None:
        return self._desks.get(partition, {}).get(case_id)

    def put(self, partition: int, case_id: str, desks: tuple[str, ...]) -> None:
        self._desks.setdefault(partition, {})[case_id] = desks

    def drop(self, partition: int) -> None:
        self._desks.pop(partition, None)


def encode_desks(desks: tuple[str, ...]) -> bytes:
    return json.dumps(list(desks)).encode()


def decode_desks(raw: bytes) -> tuple[str, ...]:
    value = json.loads(raw)
    if not isinstance(value, list) or not all(isinstance(d, str) for d in value):
        raise ValueError("case state is not a list of desks")
    return tuple(value)
