"""The variants a run compares, by name."""

from __future__ import annotations

from bench.variants.base import Target
from bench.variants.hub import HubTarget
from bench.variants.passthrough import PassthroughTarget

VARIANTS: dict[str, str] = {
    "raw": "raw aiokafka passthrough",
    "raw-txn": "raw aiokafka, transactional",
    "faststream": "FastStream, body-only handler",
    "faststream-batch": "FastStream, batch handler",
    "hub": "hub (adapters + router)",
}


def make(name: str) -> Target:
    if name == "hub":
        return HubTarget()
    if name not in VARIANTS:
        raise ValueError(f"unknown variant {name!r}; known: {', '.join(VARIANTS)}")
    return PassthroughTarget(name, VARIANTS[name], transactional=name == "raw-txn")
