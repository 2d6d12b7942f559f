"""Events the router holds back from desks not cleared for them, until they are.

An event that may not go to a desk its crime area selects is *withheld, not dropped*: the
router writes a :class:`Withheld` entry to ``cca.withheld.v1`` (key: the event id, on the
partition of the event's case, with the router's MAC), holding the verified event itself
and, per desk, the rule that held it. When a desk's clearance later allows it, the router
delivers the event to that desk and writes the entry again with the desk moved to
``released``, in one transaction: the topic's last entry per event says what is still
held, so a restart or a rebalance rebuilds exactly what remains to release, and an event
reaches a desk once.

Only holds by *level* are released by a clearance: a TLP:RED hold ends only when the
originating network names the desk (a new event), never by the hub.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace

from contract import strictjson
from contract.signing import canonical_json
from hub.core.dissemination import Held
from schemas.models.values import LEVELS, TLP_VALUES, Level, Tlp

#: the rule whose holds a raised or renewed clearance releases
RELEASABLE_RULE = "level"


@dataclass(frozen=True, slots=True)
class Withheld:
    event_id: str
    case_id: str
    network: str
    type: str
    level: Level
    tlp: Tlp | None
    held: tuple[Held, ...]
    released: tuple[str, ...]
    #: the verified event as the desks receive it: its headers and its canonical bytes
    headers: tuple[tuple[str, bytes], ...]
    value: bytes
    withheld_at: str
    router: str

    @property
    def releasable(self) -> tuple[Held, ...]:
        return tuple(h for h in self.held if h.rule == RELEASABLE_RULE)

    def after_release(self, desks: Sequence[str]) -> Withheld:
        gone = set(desks)
        return replace(
            self,
            held=tuple(h for h in self.held if h.desk not in gone),
            released=(*self.released, *(d for d in desks if d not in self.released)),
        )


def content_free(entry: Withheld) -> dict[str, object]:
    """What may be said of a withholding to anyone the hub tells of it (the triage desk's
    notice): ids, network, type, marking, the desks held from and why; nothing of the case."""
    return {
        "event_id": entry.event_id,
        "case_id": entry.case_id,
        "network": entry.network,
        "type": entry.type,
        "level": entry.level,
        "tlp": entry.tlp,
        "held": [{"desk": h.desk, "rule": h.rule, "reason": h.reason} for h in entry.held],
    }


def encode(entry: Withheld) -> bytes:
    return canonical_json(
        {
            **content_free(entry),
            "released": list(entry.released),
            "withheld_at": entry.withheld_at,
            "router": entry.router,
            "event": {
                "headers": [[name, raw.decode("utf-8")] for name, raw in entry.headers],
                "value": entry.value.decode("utf-8"),
            },
        }
    )


def decode(raw: bytes) -> Withheld:
    """An entry from its record value; ValueError when it is not one."""
    doc = strictjson.loads(raw, "withheld entry")
    if not isinstance(doc, dict):
        raise ValueError("a withheld entry is a JSON object")
    level, tlp = doc.get("level"), doc.get("tlp")
    if level not in LEVELS or (tlp is not None and tlp not in TLP_VALUES):
        raise ValueError("a withheld entry names an unknown level or TLP")
    event = doc.get("event")
    if not isinstance(event, dict) or not isinstance(event.get("value"), str):
        raise ValueError("a withheld entry carries no event")
    headers = tuple((_text(n), _text(v).encode()) for n, v in _pairs(event.get("headers")))
    held = tuple(
        Held(_text(h.get("desk")), _text(h.get("rule")), _text(h.get("reason")))
        for h in _objects(doc.get("held"))
    )
    return Withheld(
        event_id=_text(doc.get("event_id")),
        case_id=_text(doc.get("case_id")),
        network=_text(doc.get("network")),
        type=_text(doc.get("type")),
        level=level,
        tlp=tlp,
        held=held,
        released=tuple(_text(d) for d in _list(doc.get("released"))),
        headers=headers,
        value=event["value"].encode(),
        withheld_at=_text(doc.get("withheld_at")),
        router=_text(doc.get("router")),
    )


def _text(value: object) -> str:
    if not isinstance(value, str):
        raise ValueError("a withheld entry has a field that is not text")
    return value


def _list(value: object) -> list[object]:
    if not isinstance(value, list):
        raise ValueError("a withheld entry has a field that is not a list")
    return value


def _objects(value: object) -> Iterator[dict[str, object]]:
    for item in _list(value):
        if not isinstance(item, dict):
            raise ValueError("a withheld entry's holds are objects")
        yield item


def _pairs(value: object) -> Iterator[tuple[object, object]]:
    for item in _list(value):
        if not isinstance(item, list) or len(item) != 2:
            raise ValueError("a withheld entry's headers are name-value pairs")
        yield item[0], item[1]


@dataclass(slots=True)
class WithheldByPartition:
    """What is still held, per partition of the canonical topic: event id → entry. Entries
    with nothing left to release are not kept (their record stays on the topic, for audit).
    """

    _parts: dict[int, dict[str, Withheld]] = field(default_factory=dict)
    #: changes with every change of what is held (a release round looks again only then,
    #: or when the clearances change)
    version: int = 0

    def put(self, partition: int, entry: Withheld) -> None:
        self.version += 1
        part = self._parts.setdefault(partition, {})
        if entry.releasable:
            part[entry.event_id] = entry
        else:
            part.pop(entry.event_id, None)

    def drop(self, partition: int) -> None:
        self.version += 1
        self._parts.pop(partition, None)

    def partitions(self) -> list[int]:
        return sorted(self._parts)

    def entries(self, partition: int) -> list[Withheld]:
        return list(self._parts.get(partition, {}).values())

    def total(self) -> int:
        return sum(len(p) for p in self._parts.values())
