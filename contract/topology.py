"""Where every message goes: topic names, consumer groups, header names, which networks get
their replies through the router, and which network a source names.

One home for the hub's wiring. The ``net.<slug>.*`` and desk topics are external contracts
(DESIGN.md, ``docs/asyncapi.yaml``); the ``cca.`` internal topics are versioned. Nothing here
talks to a broker.
"""

from __future__ import annotations

from typing import Final, Protocol

# ---- topics ------------------------------------------------------------------------------
CANONICAL: Final = "cca.canonical.v1"
PROVENANCE: Final = "cca.provenance.v1"
ROUTER_DLQ: Final = "cca.dlq.v1"
SEEN_STATE: Final = "cca.router.seen.v1"
CASE_STATE: Final = "cca.router.cases.v1"
#: per input partition, the next offset the router has processed (written with each batch)
PROGRESS_STATE: Final = "cca.router.progress.v1"
#: the custody log's signed tree heads, one log per partition of cca.provenance.v1
CUSTODY_HEADS: Final = "cca.custody.sth.v1"
#: events held back from desks not cleared for them, each with the verified event, until
#: released (key: the event id; the router's state, with its MAC)
WITHHELD: Final = "cca.withheld.v1"
TRIAGE_DESK: Final = "triage"


def native_in(slug: str) -> str:
    """Native messages from the network's gateway."""
    return f"net.{slug}.in"


def native_out(slug: str) -> str:
    """Native receipts and replies to the network."""
    return f"net.{slug}.out"


def native_dlq(slug: str) -> str:
    """Native messages of the network that could not be translated, with reasons."""
    return f"net.{slug}.in.dlq"


def receipts_topic(slug: str) -> str:
    """Routed events, from the router back to the network's adapter for its reply."""
    return f"cca.receipts.{slug}.v1"


def desk_topic(desk: str) -> str:
    """Canonical events for one Specialized Coordinator (or the triage desk)."""
    return f"cca.desk.{desk}.v1"


_PATTERNS: Final = (
    ("native-dlq", "net.", ".in.dlq"),
    ("native-in", "net.", ".in"),
    ("native-out", "net.", ".out"),
    ("receipts", "cca.receipts.", ".v1"),
    ("desk", "cca.desk.", ".v1"),
)


def topic_role(topic: str) -> tuple[str, str] | None:
    """What a per-network or per-desk topic is, and whose: ``("desk", "triage")``,
    ``("native-out", "refco")``, …; None for any other topic."""
    for role, prefix, suffix in _PATTERNS:
        if (
            topic.startswith(prefix)
            and topic.endswith(suffix)
            and len(topic) > len(prefix + suffix)
        ):
            return role, topic[len(prefix) : -len(suffix)]
    return None


# ---- consumer groups ---------------------------------------------------------------------
ROUTER_GROUP: Final = "cca-router"


def adapter_group(slug: str) -> str:
    """The group of a network's adapter service; a polled source's outbox uses it too."""
    return f"cca-adapter-{slug}"


def receipts_group(slug: str) -> str:
    """The group that turns the router's receipts into a network's native replies."""
    return f"cca-receipts-{slug}"


# ---- headers -----------------------------------------------------------------------------
#: CloudEvents binary-mode attribute headers: ``ce_<attribute>``
CE_HEADER_PREFIX: Final = "ce_"
#: when the hub received the native record (ms since the epoch), for end-to-end latency
RECEIVED_MS_HEADER: Final = "hub.received.ms"
#: where the adapter read the native record an event came from (topic, partition, offset)
NATIVE_TOPIC_HEADER: Final = "hub.native.topic"
NATIVE_PARTITION_HEADER: Final = "hub.native.partition"
NATIVE_OFFSET_HEADER: Final = "hub.native.offset"
#: the hub's trace headers: informative (never acted on for routing or trust), forwarded by
#: the router only in their well-formed shape
TRACE_HEADERS: Final = (
    NATIVE_TOPIC_HEADER,
    NATIVE_PARTITION_HEADER,
    NATIVE_OFFSET_HEADER,
    RECEIVED_MS_HEADER,
)
#: on receipts: the desks the router chose for the event
DESKS_HEADER: Final = "hub.desks"
#: on a provenance record: its index in its partition's custody log
CUSTODY_INDEX_HEADER: Final = "hub.custody.index"
#: the content-free notice on the triage desk that an event was withheld from desks
WITHHELD_NOTICE_TYPE: Final = "cca.withheld.notice.v1"
#: the CloudEvents source of what the router itself says (notices)
ROUTER_SOURCE: Final = "urn:cca:router"
#: the key-registry principal of the router's own keys (seals, tree heads, state MACs)
ROUTER_PRINCIPAL: Final = "cca-router"
#: dead letters: the reason headers under the names Kafka Connect uses (``<prefix>stage``, …)
DLQ_HEADER_PREFIX: Final = "__connect.errors."
#: dead letters: the hub's own reason headers, and the two it defines
DLQ_HUB_PREFIX: Final = "hub.errors."
DLQ_NETWORK_HEADER: Final = "hub.errors.network"
DLQ_RECORD_HEADER: Final = "hub.errors.record"


# ---- sources -----------------------------------------------------------------------------
SOURCE_PREFIX: Final = "urn:cca:net:"


def source_for(slug: str) -> str:
    """The CloudEvents ``source`` of a network's events."""
    return f"{SOURCE_PREFIX}{slug}"


def network_of(source: str) -> str:
    """The slug a ``urn:cca:net:<slug>`` source names, or ``""`` for any other source.

    Only a prefix test: whether the slug is well formed is the envelope's and the key
    registry's business (:func:`contract.keys.ids.network_from_source` checks it)."""
    return source.removeprefix(SOURCE_PREFIX) if source.startswith(SOURCE_PREFIX) else ""


# ---- replies -----------------------------------------------------------------------------
class ReplyTraits(Protocol):
    """What an adapter class says about its replies (``adapters.sdk.contract.Adapter``)."""

    @property
    def replies(self) -> bool: ...
    @property
    def batch_receipts(self) -> bool: ...


def replies_through_router(traits: ReplyTraits) -> bool:
    """A network gets its replies through the router's receipts unless it gets none, or
    it is a batch format answered by its adapter as soon as the file is read."""
    return bool(traits.replies and not traits.batch_receipts)
