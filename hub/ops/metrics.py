"""The hub's Prometheus series. Names ``hub_*`` with ``_total`` / ``_seconds`` suffixes;
labels are bounded (network, desk, stage, outcome, reason class), never ids or names."""

from __future__ import annotations

import contextlib
from collections.abc import Iterable
from datetime import date

from prometheus_client import REGISTRY, CollectorRegistry, Counter, Gauge, Histogram

from contract.signing import VERIFICATION_REASONS
from contract.topology import CASE_STATE, SEEN_STATE
from hub.core.clearance import Clearances

LATENCY_BUCKETS = (
    0.001,
    0.0025,
    0.005,
    0.01,
    0.025,
    0.05,
    0.1,
    0.25,
    0.5,
    1.0,
    2.5,
    5.0,
    10.0,
    30.0,
)


class HubMetrics:
    def __init__(self, registry: CollectorRegistry = REGISTRY) -> None:
        def counter(name: str, doc: str, labels: tuple[str, ...]) -> Counter:
            return Counter(name, doc, labels, registry=registry)

        self.registry = registry
        self.messages_in = counter(
            "hub_messages_in_total", "native messages read from a network's topic", ("network",)
        )
        self.events_out = counter(
            "hub_events_published_total", "canonical events an adapter published", ("network",)
        )
        self.messages_out = counter(
            "hub_messages_out_total", "canonical events routed to a desk", ("network", "desk")
        )
        self.rejected = counter(
            "hub_rejected_total",
            "records refused, by stage and reason class",
            ("network", "reason"),
        )
        self.dlq = counter(
            "hub_dlq_total", "records written to a dead-letter topic", ("network", "dlq")
        )
        self.duplicates = counter(
            "hub_duplicates_dropped_total",
            "events dropped because their id was already routed",
            ("network",),
        )
        self.signature_failures = counter(
            "hub_signature_failures_total",
            "events whose origin signature was refused",
            ("network", "reason"),
        )
        self.receipts = counter(
            "hub_receipts_total", "native receipts sent to a network", ("network",)
        )
        self.state_refused = counter(
            "hub_state_refused_total",
            "router state records refused on load: no valid router MAC, or unreadable",
            ("topic",),
        )
        self.batch_failures = counter(
            "hub_batch_failures_total",
            "batches whose transaction failed and were retried",
            ("service",),
        )
        self.config_reloads = counter(
            "hub_config_reloads_total",
            "configuration reloads (desks, key registry)",
            ("what", "outcome"),
        )
        self.source_polls = counter(
            "hub_source_polls_total",
            "polls of a polled network, per kind it lists, complete (read to its end) or not",
            ("network", "kind", "outcome"),
        )
        self.withheld = counter(
            "hub_withheld_total",
            "events withheld from a desk its crime area selects, by the rule that held them "
            "(level: the desk's clearance; tlp: the marking)",
            ("desk", "rule"),
        )
        self.released = counter(
            "hub_released_total",
            "withheld events released to a desk once its clearance allowed",
            ("desk",),
        )
        self.release_rounds = Counter(
            "hub_release_rounds_total",
            "rounds of the router's look for withheld events a clearance now allows (a round "
            "with nothing changed since the last look skips it)",
            registry=registry,
        )
        self.withheld_pending = Gauge(
            "hub_withheld_pending",
            "events this router holds that a clearance could still release",
            registry=registry,
        )
        self.clearance_days_left = Gauge(
            "hub_clearance_days_left",
            "days until the desk's clearance ends (0 on its last day, negative once past)",
            ("desk",),
            registry=registry,
        )
        self.clearance_in_force = Gauge(
            "hub_clearance_in_force",
            "1 while the desk holds a clearance in force (active, granted, not expired)",
            ("desk",),
            registry=registry,
        )
        self.clearance_acl_changes = counter(
            "hub_clearance_acl_changes_total",
            "ACLs added or removed on the broker because a clearance started or ended",
            ("change",),
        )
        self.stage_seconds = Histogram(
            "hub_stage_seconds",
            "time spent per processing stage",
            ("stage",),
            buckets=LATENCY_BUCKETS,
            registry=registry,
        )
        self.end_to_end_seconds = Histogram(
            "hub_end_to_end_seconds",
            "native message arrival to routed on the desks (commit of the routing transaction)",
            ("network",),
            buckets=LATENCY_BUCKETS,
            registry=registry,
        )
        self.adapter_up = Gauge(
            "hub_adapter_up",
            "1 while an adapter service is consuming",
            ("network",),
            registry=registry,
        )
        self.consumer_lag = Gauge(
            "hub_consumer_lag",
            "records behind the end of a partition",
            ("group", "topic", "partition"),
            registry=registry,
        )
        self.last_message = Gauge(
            "hub_last_message_timestamp_seconds",
            "when a network's last native message arrived",
            ("network",),
            registry=registry,
        )
        self.ready = Gauge(
            "hub_ready",
            "1 while this readiness check of the service passes (the checks of /health)",
            ("check",),
            registry=registry,
        )

    def announce(
        self,
        *,
        router_networks: Iterable[str] = (),
        adapters: Iterable[tuple[str, bool]] = (),
        polled: Iterable[tuple[str, Iterable[str]]] = (),
        consumers: Iterable[str] = (),
        reloads: Iterable[str] = (),
        desks: Iterable[str] = (),
    ) -> None:
        """Create at zero the series this process will count. A counter that first appears
        at 1 has no earlier sample, so ``increase()`` misses that first event: an alert on
        the first forged signature, or a silent network's flat line, needs the zero.

        ``router_networks``: every network the router may see (plus ``unknown``);
        ``adapters``: (network, gets receipts) of this process's adapter services;
        ``polled``: (network, the kinds its poller lists) of this process's polled sources;
        ``reloads``: what configuration the process reloads while it runs
        (``key registry``, ``desks``); ``desks``: the desks the router disseminates to."""
        if router_networks:
            for stage in ("validate", "verify", "route", "publish"):
                self.stage_seconds.labels(stage)
            for topic in (SEEN_STATE, CASE_STATE):
                self.state_refused.labels(topic)
        for network in router_networks:
            # histograms too: a latency series born with its first burst has no rate yet
            self.end_to_end_seconds.labels(network)
            for reason in VERIFICATION_REASONS:
                self.signature_failures.labels(network, reason)
            self.rejected.labels(network, "router:invalid")
            self.dlq.labels(network, "router")
            self.duplicates.labels(network)
        if adapters:
            for stage in ("translate", "publish"):
                self.stage_seconds.labels(stage)
        for network, replies in adapters:
            self.messages_in.labels(network)
            self.events_out.labels(network)
            self.dlq.labels(network, "adapter")
            if replies:
                self.receipts.labels(network)
        for network, kinds in polled:
            for kind in kinds:
                for outcome in ("complete", "incomplete"):
                    self.source_polls.labels(network, kind.lower(), outcome)
        for name in consumers:
            self.batch_failures.labels(name)
        for what in reloads:
            for outcome in ("ok", "failed"):
                self.config_reloads.labels(what, outcome)
        for desk in desks:
            self.released.labels(desk)
            for rule in ("level", "tlp"):
                self.withheld.labels(desk, rule)

    def clearances(self, registry: Clearances, desks: Iterable[str], today: date) -> None:
        """Each desk's clearance as of ``today``: in force or not, and the days it has left
        (no days for a desk that has no clearance at all)."""
        for desk in desks:
            self.clearance_in_force.labels(desk).set(
                int(registry.level_of(desk, today) is not None)
            )
            found = registry.of(desk)
            if found is not None:
                self.clearance_days_left.labels(desk).set(found.days_left(today))
            else:
                with contextlib.suppress(KeyError):
                    self.clearance_days_left.remove(desk)


_default: HubMetrics | None = None


def metrics() -> HubMetrics:
    """The process-wide series (created once: Prometheus names are global)."""
    global _default
    if _default is None:
        _default = HubMetrics()
    return _default
