"""The custody logs in the router's core: every provenance record is the next leaf of its
partition's Merkle log, the router signs each log's head, a restarted router goes on with
the same log, and the audit finds a removed, swapped or re-signed link."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Sequence
from datetime import UTC, datetime, timedelta

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from contract.envelope import to_kafka
from contract.envelope.sealing import sign_event
from contract.keys.registry import KeyRegistry
from contract.merkle import MerkleLog
from contract.seal import ROUTER_PRINCIPAL
from contract.signing import Signer
from contract.topology import CANONICAL, CUSTODY_HEADS, PROVENANCE
from hub.core.custody import CustodyLogs, TreeHead, audit, decode_head, index_of, verify_head
from hub.core.desks import load_desks
from hub.core.records import Batch, Inbound, Outbound
from hub.core.router_core import RouterCore, Tally, key_partition, prepare
from hub.core.routing import Router
from hub.core.state.cases import CaseDesks
from hub.core.state.integrity import StateMac
from hub.core.state.seen import SeenByPartition
from hub.core.verifier import verify_items
from hub.services.state_loader import RouterMemory, load_state
from tests.samples import event

PARTITIONS = 3
SINCE = datetime(2020, 1, 1, tzinfo=UTC)


@pytest.fixture(scope="module")
def keys() -> tuple[Signer, Signer, KeyRegistry]:
    origin, router = Ed25519PrivateKey.generate(), Ed25519PrivateKey.generate()
    registry = KeyRegistry()
    until = datetime.now(UTC) + timedelta(days=30)
    o = registry.add("oas-hien", origin.public_key(), not_before=SINCE, not_after=until)
    r = registry.add(ROUTER_PRINCIPAL, router.public_key(), not_before=SINCE, not_after=until)
    return Signer(o.key_id, origin), Signer(r.key_id, router), registry


def core(router: Signer, custody: CustodyLogs | None = None) -> RouterCore:
    return RouterCore(
        Router(load_desks()),
        SeenByPartition(1000),
        CaseDesks(),
        replies_for=lambda _n: False,
        networks=frozenset({"oas-hien"}),
        partitions=lambda _t: PARTITIONS,
        state_mac=StateMac([router]),
        receipt_signer=router,
        custody=custody or CustodyLogs(every=1000, interval_s=3600),
    )


def records(origin: Signer, first: int, count: int) -> list[Inbound]:
    out = []
    for n in range(first, first + count):
        key, value, headers = to_kafka(
            sign_event(event("cca.mla.request.v1", reference=f"REF-{n}"), origin)
        )
        out.append(Inbound(CANONICAL, key_partition(key, PARTITIONS), n, key, value, headers))
    return out


def route(rc: RouterCore, registry: KeyRegistry, inbound: list[Inbound]) -> list[Outbound]:
    items = [prepare(r) for r in inbound]
    answers = iter(verify_items(registry, [i.verify for i in items if i.verify], datetime.now(UTC)))
    batch = Batch()
    rc.apply(rc.decide(items, [next(answers) for _ in items], batch, Tally()))
    return batch.outputs


def logs_of(
    outputs: Sequence[Outbound],
) -> tuple[dict[int, list[tuple[int | None, bytes]]], list[tuple[int, bytes]]]:
    entries: dict[int, list[tuple[int | None, bytes]]] = {}
    heads: list[tuple[int, bytes]] = []
    for out in outputs:
        if out.topic == PROVENANCE:
            assert out.partition is not None
            entries.setdefault(out.partition, []).append((index_of(out.headers), out.value or b""))
        elif out.topic == CUSTODY_HEADS:
            assert out.partition is not None
            heads.append((out.partition, out.value or b""))
    return entries, heads


def test_each_partition_is_a_log_whose_signed_head_is_its_merkle_root(
    keys: tuple[Signer, Signer, KeyRegistry],
) -> None:
    origin, router, registry = keys
    outputs = route(core(router), registry, records(origin, 0, 12))
    entries, heads = logs_of(outputs)
    assert sum(len(v) for v in entries.values()) == 12
    assert len(heads) == len(entries), "one head per partition that got entries"
    for part, raw in heads:
        head = decode_head(raw)
        verify_head(head, registry)
        expected = MerkleLog()
        for index, value in entries[part]:
            assert index == len(expected)
            expected.append(value)
        assert (head.size, head.root) == (len(expected), expected.root())
        assert head.log == f"{PROVENANCE}/{part}"
    for out in outputs:
        if out.topic == PROVENANCE:
            doc = json.loads(out.value or b"")
            assert doc["canonical_sha256"]
            assert doc["signature"]
            assert doc["key_id"]
            assert out.partition == doc["input"]["partition"]
    report = audit(entries, heads, registry)
    assert report.problems == []
    assert len(report.events) == 12


def test_a_head_is_signed_every_n_entries_and_not_before(
    keys: tuple[Signer, Signer, KeyRegistry],
) -> None:
    origin, router, registry = keys
    rc = core(router, CustodyLogs(every=4, interval_s=3600))
    # on one partition only, so the count is that log's
    mine = [r for r in records(origin, 100, 60) if r.partition == 0][:9]
    sizes = []
    for one in mine:
        _, heads = logs_of(route(rc, registry, [one]))
        sizes += [decode_head(raw).size for _, raw in heads]
    assert sizes == [1, 5, 9]


async def test_a_restarted_router_rebuilds_its_logs_and_goes_on_with_the_next_index(
    keys: tuple[Signer, Signer, KeyRegistry],
) -> None:
    origin, router, registry = keys
    first = route(core(router), registry, records(origin, 200, 10))
    kept = [Inbound(o.topic, o.partition or 0, n, o.key, o.value, o.headers, 0)
            for n, o in enumerate(first) if o.topic in (PROVENANCE, CUSTODY_HEADS)]  # fmt: skip

    class Log:
        async def replay(
            self, partitions: Sequence[tuple[str, int]]
        ) -> AsyncIterator[list[Inbound]]:
            wanted = set(partitions)
            yield [r for r in kept if (r.topic, r.partition) in wanted]

    custody = CustodyLogs(every=1000, interval_s=3600)
    memory = RouterMemory(SeenByPartition(1000), CaseDesks(), custody=custody)
    loaded = await load_state(Log(), range(PARTITIONS), memory, mac=StateMac([router]))
    assert sum(loaded.refused.values()) == 0
    again = route(core(router, custody), registry, records(origin, 300, 10))
    entries, heads = logs_of([*first, *again])
    report = audit(entries, heads, registry)
    assert report.problems == []
    assert sum(report.entries.values()) == 20


def test_the_audit_names_a_removed_a_swapped_and_a_re_signed_link(
    keys: tuple[Signer, Signer, KeyRegistry],
) -> None:
    origin, router, registry = keys
    entries, heads = logs_of(route(core(router), registry, records(origin, 400, 15)))
    part = max(entries, key=lambda p: len(entries[p]))
    assert len(entries[part]) >= 3

    removed = {**entries, part: entries[part][:1] + entries[part][2:]}
    assert any("carries index" in p for p in audit(removed, heads, registry).problems)

    values = [v for _, v in entries[part]]
    swapped = {**entries, part: [(i, v) for i, v in zip(
        range(len(values)), [values[1], values[0], *values[2:]], strict=True)]}  # fmt: skip
    assert any("not the root" in p for p in audit(swapped, heads, registry).problems)

    stranger = Signer(router.key_id, Ed25519PrivateKey.generate())
    head = decode_head(next(raw for p, raw in heads if p == part))
    forged = TreeHead(head.log, head.size, head.root, head.at, head.router).signed(stranger)
    others = [(p, raw) for p, raw in heads if p != part]
    problems = audit(entries, [*others, (part, forged.encode())], registry).problems
    assert any("signature" in p for p in problems)
