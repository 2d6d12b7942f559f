"""Series of the key registry in use: refusals, and which signed revision is in force.

Defined here rather than in :mod:`hub.ops.metrics` so that the registry's trust check owns
them; they are on the process-wide Prometheus registry like every ``hub_*`` series.
"""

from __future__ import annotations

from prometheus_client import REGISTRY, CollectorRegistry, Counter, Gauge

from contract.keys.signature import SIGNATURE_REASONS, RegistrySignature

__all__ = ["REJECTION_REASONS", "RegistryMetrics", "registry_metrics"]

REJECTION_REASONS = (*SIGNATURE_REASONS, "invalid", "unreadable")
"""Bounded labels: the signature faults of :mod:`contract.keys.signature`, an invalid
document, and a file that cannot be read."""


class RegistryMetrics:
    def __init__(self, registry: CollectorRegistry = REGISTRY) -> None:
        self.rejected = Counter(
            "hub_key_registry_rejected_total",
            "key registry versions refused (unsigned, wrongly signed, older, invalid)",
            ("reason",),
            registry=registry,
        )
        for reason in REJECTION_REASONS:
            self.rejected.labels(reason)
        self.serial = Gauge(
            "hub_key_registry_serial",
            "signed revision number of the key registry in use",
            registry=registry,
        )
        self.signed_at = Gauge(
            "hub_key_registry_signed_timestamp_seconds",
            "when the operator signed the key registry in use (Unix time)",
            registry=registry,
        )

    def accepted(self, signature: RegistrySignature | None) -> None:
        if signature is not None:
            self.serial.set(signature.serial)
            self.signed_at.set(signature.signed_at.timestamp())


_default: RegistryMetrics | None = None


def registry_metrics() -> RegistryMetrics:
    """The process-wide series (created once: Prometheus names are global)."""
    global _default
    if _default is None:
        _default = RegistryMetrics()
    return _default
