"""The services' behaviour, written once against :class:`ServiceHub` and run on two tiers:
the in-memory hub (``test_memory_tier.py``, no broker) and the real broker with the
services as ``hub serve`` processes (``test_kafka_tier.py``, marked ``kafka``).

Every test sends messages of its own (a fresh tag in their text, fresh keys), so a hub
shared by several tests, or a broker shared by the session, never mixes them up.
"""

from __future__ import annotations

import json
import random
import uuid
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import Protocol

from adapters.sdk import Translated, get_adapter, translate
from contract import topology
from contract.envelope.binary import header_attributes
from contract.envelope.sealing import signed_record
from contract.signing import VERIFICATION_REASONS, Signer
from contract.topology import (
    CANONICAL,
    CE_HEADER_PREFIX,
    PROVENANCE,
    ROUTER_DLQ,
    TRIAGE_DESK,
    desk_topic,
    native_dlq,
    native_in,
    native_out,
)
from hub.core.desks import load_desks
from hub.core.dlq import read_reason
from hub.core.records import Headers, Inbound, header
from hub.demo.traffic import GENERATORS
from tests._support.hub import allowed_desks

TIMEOUT_S = 90.0
#: the networks whose gateways write native messages (the polled feed has none)
GATEWAY_NETWORKS = tuple(sorted(GENERATORS))


class ServiceHub(Protocol):
    """A running hub, as the tests drive it."""

    networks: tuple[str, ...]

    async def send(self, network: str, value: bytes, *, key: bytes | None = None) -> None: ...

    async def publish(
        self, topic: str, value: bytes, *, key: bytes | None = None, headers: Headers = ()
    ) -> None: ...

    def landed(self, topic: str) -> list[Inbound]:
        """What the hub committed to ``topic`` since it started."""
        ...

    async def wait_until(
        self, condition: Callable[[], bool], timeout: float, what: str
    ) -> None: ...

    async def settle(self) -> None:
        """Until every service has handled everything sent so far."""
        ...

    def signer(self, network: str) -> Signer: ...


def native(network: str, *, bad: bool = False, tag: str = "") -> bytes:
    """One native message of ``network`` with a reference and text of its own."""
    tag = tag or uuid.uuid4().hex
    rng = random.Random(tag)
    return GENERATORS[network](rng, rng.randint(1, 999_999), bad, f" [{tag}]")


def event_id(record: Inbound) -> str:
    return header_attributes(record.headers)["id"]


def routed(hub: ServiceHub, event: str) -> list[str]:
    """The desks ``event`` landed on (one entry per record)."""
    desks = load_desks().names
    return sorted(
        desk for desk in desks for r in hub.landed(desk_topic(desk)) if event_id(r) == event
    )


def expected_desks(network: str, value: bytes) -> dict[str, list[str]]:
    """Event id → the desks it reaches, as the pure cores decide for one native message
    (routing, then the clearances: a desk not cleared for it gets none)."""
    results = translate(get_adapter(network), value, received=datetime.now(UTC))
    return {
        r.event.id: sorted(allowed_desks(r.event.data).deliver)
        for r in results
        if isinstance(r, Translated)
    }


def arrived(hub: ServiceHub, event: str, desks: list[str]) -> bool:
    """The event is on its desks or, when no desk may have it, its withholding noticed."""
    if desks:
        return bool(routed(hub, event))
    notice = f"{event}.withheld"
    return any(event_id(r) == notice for r in hub.landed(desk_topic(TRIAGE_DESK)))


def a_network(hub: ServiceHub) -> str:
    """The network the single-network tests use: refco where the hub runs it."""
    return "refco" if "refco" in hub.networks else hub.networks[0]


async def send_and_route(
    hub: ServiceHub, network: str, value: bytes, what: str
) -> dict[str, list[str]]:
    """Send one native message of ``network``; once every event of it is routed, event id →
    desks."""
    expected = expected_desks(network, value)
    await hub.send(network, value, key=uuid.uuid4().bytes)
    await hub.wait_until(
        lambda: all(arrived(hub, e, d) for e, d in expected.items()), TIMEOUT_S, what
    )
    return expected


def keyed(records: Sequence[Inbound], key: bytes) -> list[Inbound]:
    return [r for r in records if r.key == key]


class ServiceTests:
    """The services on a :class:`ServiceHub` given by the tier's ``hub`` fixture."""

    async def test_each_networks_native_message_reaches_exactly_its_desks(
        self, hub: ServiceHub
    ) -> None:
        expected: dict[str, list[str]] = {}
        for network in hub.networks:
            value = native(network)
            wanted = expected_desks(network, value)
            assert wanted, f"the {network} sample translates to no event"
            expected.update(wanted)
            await hub.send(network, value, key=uuid.uuid4().bytes)

        await hub.wait_until(
            lambda: all(arrived(hub, e, d) for e, d in expected.items()),
            TIMEOUT_S,
            "every event on a desk",
        )
        await hub.settle()
        for event, desks in expected.items():
            assert routed(hub, event) == desks, event
        provenance = [json.loads(r.value or b"{}") for r in hub.landed(PROVENANCE)]
        for event, desks in expected.items():
            mine = [p for p in provenance if p["event_id"] == event]
            assert len(mine) == 1, event
            assert sorted(mine[0]["desks"]) == desks
            assert mine[0]["signature_verified"] is True
        assert not [r for r in hub.landed(ROUTER_DLQ) if event_id(r) in expected]

    async def test_a_bad_native_message_lands_in_the_network_dlq_with_its_reason(
        self, hub: ServiceHub
    ) -> None:
        sent: dict[str, tuple[bytes, int]] = {}
        for network in hub.networks:
            value = native(network, bad=True)
            results = translate(get_adapter(network), value, received=datetime.now(UTC))
            rejected = sum(1 for r in results if not isinstance(r, Translated))
            assert rejected, f"the bad {network} sample is not refused"
            key = uuid.uuid4().bytes
            sent[network] = (key, rejected)
            await hub.send(network, value, key=key)

        def all_dead_lettered() -> bool:
            return all(
                len(keyed(hub.landed(native_dlq(n)), key)) >= count
                for n, (key, count) in sent.items()
            )

        await hub.wait_until(all_dead_lettered, TIMEOUT_S, "every bad message dead-lettered")
        await hub.settle()
        for network, (key, count) in sent.items():
            letters = keyed(hub.landed(native_dlq(network)), key)
            assert len(letters) == count, network
            for letter in letters:
                reason = read_reason(letter.headers)
                assert reason["topic"] == native_in(network)
                assert reason["hub.errors.network"] == network
                assert reason["class.name"] == f"adapters.{network}"
                assert reason["stage"]
                assert reason["exception.class.name"]
                assert reason["exception.message"].strip()
                assert int(reason["partition"]) >= 0
                assert int(reason["offset"]) >= 0
            assert not keyed(hub.landed(ROUTER_DLQ), key)

    async def test_receipts_reach_the_network_out_topic(self, hub: ServiceHub) -> None:
        wanted: dict[str, tuple[set[bytes], int]] = {}
        for network in hub.networks:
            adapter = get_adapter(network)
            if not adapter.replies:
                continue
            value = native(network)
            key = uuid.uuid4().bytes
            results = translate(adapter, value, received=datetime.now(UTC))
            accepted = [r for r in results if isinstance(r, Translated)]
            if adapter.batch_receipts:  # one receipt for the file, keyed as the file
                wanted[network] = ({key}, 1)
            else:  # one receipt per routed event, keyed by its reference
                refs = {r.event.data.reference.encode() for r in accepted}
                wanted[network] = (refs, len(accepted))
            await hub.send(network, value, key=key)
        assert wanted, "no network of this hub gets replies"

        def replies(network: str) -> list[Inbound]:
            keys, _ = wanted[network]
            return [r for r in hub.landed(native_out(network)) if r.key in keys]

        await hub.wait_until(
            lambda: all(len(replies(n)) >= count for n, (_, count) in wanted.items()),
            TIMEOUT_S,
            "every receipt on its network's out topic",
        )
        await hub.settle()
        for network, (_, count) in wanted.items():
            answers = replies(network)
            assert len(answers) == count, network
            assert all(r.value for r in answers), network

    async def test_a_duplicate_is_dropped(self, hub: ServiceHub) -> None:
        network = a_network(hub)
        value = native(network)
        expected = await send_and_route(hub, network, value, "the first copy routed")
        await hub.send(network, value, key=uuid.uuid4().bytes)
        await hub.wait_until(
            lambda: all(
                sum(1 for r in hub.landed(CANONICAL) if event_id(r) == e) == 2 for e in expected
            ),
            TIMEOUT_S,
            "the second copy translated",
        )
        await hub.settle()
        for event, desks in expected.items():
            assert routed(hub, event) == desks, "the duplicate reached a desk again"
            provenance = [json.loads(r.value or b"{}") for r in hub.landed(PROVENANCE)]
            assert sum(1 for p in provenance if p["event_id"] == event) == 1
        assert not [r for r in hub.landed(ROUTER_DLQ) if event_id(r) in expected]

    async def test_a_bad_signature_goes_to_the_router_dlq(self, hub: ServiceHub) -> None:
        network = a_network(hub)
        results = translate(get_adapter(network), native(network), received=datetime.now(UTC))
        event = next(r.event for r in results if isinstance(r, Translated))
        key, value, headers = signed_record(event, hub.signer(network))
        data = json.loads(value)
        data["summary"] = f"{data.get('summary') or ''} (altered)"
        forged = json.dumps(data, ensure_ascii=False).encode()
        await hub.publish(CANONICAL, forged, key=key, headers=headers)

        def refused() -> list[Inbound]:
            return [r for r in hub.landed(ROUTER_DLQ) if event_id(r) == event.id]

        await hub.wait_until(lambda: bool(refused()), TIMEOUT_S, "the forged event refused")
        await hub.settle()
        (letter,) = refused()
        assert letter.value == forged
        assert letter.key == key
        reason = read_reason(letter.headers)
        assert reason["stage"] == "verify"
        assert reason["class.name"] == "hub.router"
        assert reason["exception.class.name"] == "bad_signature"
        assert reason["exception.class.name"] in VERIFICATION_REASONS
        assert reason["hub.errors.network"] == network
        assert reason["topic"] == CANONICAL
        assert header(letter.headers, f"{CE_HEADER_PREFIX}signature") is not None
        assert routed(hub, event.id) == []

    async def test_a_poison_record_is_dead_lettered_and_the_events_behind_it_are_routed(
        self, hub: ServiceHub
    ) -> None:
        """One record never stops the router: a value with a 5000-digit integer (which
        once wedged every partition of the router) and one with nothing readable, on
        several partitions, go to ``cca.dlq.v1``; valid events sent after them are routed."""
        network = a_network(hub)
        results = translate(get_adapter(network), native(network), received=datetime.now(UTC))
        event = next(r.event for r in results if isinstance(r, Translated))
        _, _, headers = signed_record(event, hub.signer(network))
        poison = [b'{"a": ' + b"9" * 5000 + b"}", b"\xff" * 64, b'{"a": 1, "a": 2}']
        keys = [uuid.uuid4().bytes for _ in range(6)]
        for n, key in enumerate(keys):
            await hub.publish(CANONICAL, poison[n % len(poison)], key=key, headers=headers)
        expected: dict[str, list[str]] = {}
        for sender in hub.networks:
            value = native(sender)
            expected.update(expected_desks(sender, value))
            await hub.send(sender, value, key=uuid.uuid4().bytes)

        def dead() -> list[Inbound]:
            return [r for r in hub.landed(ROUTER_DLQ) if r.key in keys]

        await hub.wait_until(
            lambda: (
                len(dead()) == len(keys) and all(arrived(hub, e, d) for e, d in expected.items())
            ),
            TIMEOUT_S,
            "every poison record dead-lettered and every valid event routed",
        )
        await hub.settle()
        assert len(dead()) == len(keys)
        for letter in dead():
            reason = read_reason(letter.headers)
            assert reason["stage"] == "validate"
            assert reason["exception.message"].strip()
        for event_key, desks in expected.items():
            assert routed(hub, event_key) == desks

    async def test_an_event_copied_under_another_key_is_refused_not_routed_twice(
        self, hub: ServiceHub
    ) -> None:
        """De-duplication holds whatever partition a copy arrives on: a captured event
        written again under another key (so to another partition) is refused."""
        network = a_network(hub)
        expected = await send_and_route(hub, network, native(network), "the original routed")
        first = next(r for r in hub.landed(CANONICAL) if event_id(r) in expected)
        other = uuid.uuid4().hex.encode()
        await hub.publish(CANONICAL, first.value or b"", key=other, headers=first.headers)
        await hub.wait_until(
            lambda: any(r.key == other for r in hub.landed(ROUTER_DLQ)),
            TIMEOUT_S,
            "the copy refused",
        )
        await hub.settle()
        for event, desks in expected.items():
            assert routed(hub, event) == desks
        (letter,) = [r for r in hub.landed(ROUTER_DLQ) if r.key == other]
        assert "key is not" in read_reason(letter.headers)["exception.message"]

    async def test_a_receipt_the_router_did_not_seal_is_never_answered(
        self, hub: ServiceHub
    ) -> None:
        """An unsigned record on a receipts topic once made the adapter acknowledge, in the
        network's own format, a message the hub never routed."""
        network = next(n for n in hub.networks if topology.replies_through_router(get_adapter(n)))
        results = translate(get_adapter(network), native(network), received=datetime.now(UTC))
        event = next(r.event for r in results if isinstance(r, Translated))
        key, value, headers = signed_record(event, hub.signer(network))
        reference = event.data.reference.encode()
        await hub.publish(
            topology.receipts_topic(network),
            value,
            key=key,
            headers=[*headers, (topology.DESKS_HEADER, b"triage")],
        )
        await hub.wait_until(
            lambda: any(event_id(r) == event.id for r in hub.landed(ROUTER_DLQ)),
            TIMEOUT_S,
            "the forged receipt refused",
        )
        await hub.settle()
        assert not [r for r in hub.landed(native_out(network)) if r.key == reference]
        (letter,) = [r for r in hub.landed(ROUTER_DLQ) if event_id(r) == event.id]
        reason = read_reason(letter.headers)
        assert reason["stage"] == "receipt"
        assert "seal" in reason["exception.message"]
