"""The running hub on the real broker, over mTLS with the ACLs of the participants file on:
native messages in (each written by its own network's gateway), exactly the right desks
out. The test reads the outputs on the session broker's plaintext listener, as an observer
outside the ACLs."""

from __future__ import annotations

import json
import uuid
from pathlib import Path

import pytest
from cloudevents.core.bindings import kafka as ce_kafka

from adapters.interpol.testing import (
    detail_target,
    publish_notices,
    red_detail,
    running_feed,
    yellow_detail,
)
from contract.envelope import from_kafka
from contract.envelope.binary import header_attributes
from contract.envelope.sealing import verify_wire
from contract.signing import canonical_json
from contract.topology import native_dlq, native_out
from hub.access.clients import KafkaAccess
from hub.access.principals import gateway_principal
from hub.core.dlq import read_reason
from hub.demo.traffic import traffic
from hub.keys.store import KeyStore
from tests._support.hub import (
    ServiceProcess,
    expected_for,
    hub_env,
    output_ends,
    prepare_hub,
    produce_natives,
    read_outputs,
    secure_hub,
)
from tests._support.kafka import SecureKafka

pytestmark = pytest.mark.asyncio(loop_scope="session")


async def test_native_messages_reach_exactly_their_desks_signed_and_answered(
    kafka_bootstrap: str, secure_kafka: SecureKafka, tmp_path: Path
) -> None:
    state = tmp_path / "state"
    await prepare_hub(kafka_bootstrap, state)
    await secure_hub(secure_kafka, state)
    with running_feed() as feed:
        publish_notices(feed, "RED", [red_detail(f"2026/9{i:04d}") for i in range(5)], 160)
        publish_notices(feed, "YELLOW", [yellow_detail("2026/80001")], 160)
        publish_notices(feed, "UN", [], 160)
        await _run(kafka_bootstrap, secure_kafka, state, tmp_path, feed)


async def _run(
    kafka_bootstrap: str, secure: SecureKafka, state: Path, tmp_path: Path, feed
) -> None:  # type: ignore[no-untyped-def]
    env = hub_env(secure.bootstrap, state, security="mtls")
    env.update({"HUB_INTERPOL_URL": feed.base_url, "HUB_INTERPOL_INTERVAL_S": "1"})
    stream = traffic(seed=7, bad_ratio=0.1, tag=uuid.uuid4().hex)
    natives = [(n.network, n.value) for n in _take(stream, 120)]
    expected = expected_for(natives)
    served = [
        ("interpol", feed.answer(detail_target(kind, eid)).body)
        for kind, eid in [("RED", f"2026/9{i:04d}") for i in range(5)] + [("YELLOW", "2026/80001")]
    ]
    notices = expected_for(served)
    assert len(notices.desks) == 6
    expected.desks.update(notices.desks)
    assert expected.desks
    assert sum(expected.dlq.values()) > 0
    services = [
        ServiceProcess("router", ["--router", "--instance", "e2e"], env, tmp_path),
        ServiceProcess("adapters", ["--all-adapters", "--instance", "e2e"], env, tmp_path),
    ]
    start = await output_ends(kafka_bootstrap)
    try:
        for s in services:
            s.start()
        for s in services:
            await s.wait_ready()
        await produce_natives(
            secure.bootstrap,
            natives,
            gateways=lambda n: KafkaAccess.mtls(secure.bootstrap, state, gateway_principal(n)),
        )

        def complete(landed) -> bool:  # type: ignore[no-untyped-def]
            return (
                all(i in landed.desk_ids for i in expected.desks)
                and all(i in landed.withheld for i in expected.withheld)
                and all(len(landed.dlq[native_dlq(n)]) >= c for n, c in expected.dlq.items())
                and all(len(landed.out[native_out(n)]) >= c for n, c in expected.receipts.items())
            )

        landed = await read_outputs(kafka_bootstrap, complete, timeout=120, start=start)
    finally:
        codes = [s.stop() for s in services]
    missing = [i for i in expected.desks if i not in landed.desk_ids]
    refused = [read_reason(r.headers) for r in landed.dlq["cca.dlq.v1"]]
    assert not missing, f"{len(missing)} events never reached a desk; router refused {refused}"
    for event_id, desks in expected.desks.items():
        assert sorted(landed.desk_ids[event_id]) == sorted(desks), event_id
    assert codes == [0, 0], [s.tail() for s in services]
    # what a desk may not have is withheld from it, with a content-free notice on triage
    assert expected.withheld, "the traffic holds events some desk is not cleared for"
    for event_id, held in expected.withheld.items():
        assert sorted(landed.withheld[event_id]) == sorted(held), event_id
        assert landed.notices[event_id] == ["triage"], event_id

    registry = KeyStore(state).registry()
    mine = set(expected.desks)
    for _topic, record in landed.desk_records:
        headers = list(record.headers)
        attrs = header_attributes(headers)
        if attrs["id"] not in mine:
            continue
        event = from_kafka(record.value, headers)
        assert record.key == event.caseid.encode()
        verify_wire(registry, attrs, canonical_json(json.loads(record.value)))
        sdk = ce_kafka.from_binary_event(
            ce_kafka.KafkaMessage(headers=dict(headers), key=record.key, value=record.value)
        )
        assert sdk.get_id() == event.id
        assert sdk.get_extension("caseid") == event.caseid

    for network, count in expected.dlq.items():
        records = landed.dlq[native_dlq(network)]
        assert len(records) == count, network
        for r in records:
            reason = read_reason(r.headers)
            assert reason["exception.message"]
            assert reason["topic"] == f"net.{network}.in"
            assert reason["hub.errors.network"] == network
    assert not landed.dlq["cca.dlq.v1"], f"the router refused an adapter's event: {refused}"
    for network, count in expected.receipts.items():
        assert len(landed.out[native_out(network)]) == count, network


def _take(it, n):  # type: ignore[no-untyped-def]
    return [next(it) for _ in range(n)]
