"""Evidence packages: what the router's core logs for real adapter output is packaged by
:func:`hub.core.evidence.build_package`, and the offline verifier (:mod:`contract.evidence`)
holds every link of it, and names the broken one after each single mutation."""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from adapters.sdk.contract import Translated
from adapters.sdk.pipeline import translate
from adapters.sdk.registry import get_adapter
from contract import evidence
from contract.custody import TreeHead, decode_head
from contract.envelope import to_kafka
from contract.envelope.binary import header_attributes
from contract.envelope.sealing import sign_event
from contract.keys.registry import KeyRegistry
from contract.signing import Signer
from contract.topology import CANONICAL, CUSTODY_HEADS, PROVENANCE, ROUTER_PRINCIPAL
from hub.core.custody import CustodyLogs
from hub.core.desks import load_desks
from hub.core.evidence import EvidenceError, Original, build_package
from hub.core.records import Batch, Inbound
from hub.core.router_core import RouterCore, Tally, key_partition, prepare
from hub.core.routing import Router
from hub.core.state.cases import CaseDesks
from hub.core.state.integrity import StateMac
from hub.core.state.seen import SeenByPartition
from hub.core.verifier import verify_items

GOLDEN = Path(__file__).parents[1] / "adapters"
PARTITIONS = 3
SINCE = datetime(2020, 1, 1, tzinfo=UTC)
NATIVES = [
    ("refco", "refco/golden/panama_offset_with_feminine_demonyms/native.json"),
    ("oas-hien", "oas_hien/golden/mla_request_in_prefixed_namespace/native.xml"),
    ("oas-hien", "oas_hien/golden/status_update_lands_on_the_request_case/native.xml"),
]


@dataclass
class Logged:
    """What the router logged for the three natives, then for filler events after them."""

    logs: dict[int, list[bytes]]
    heads: dict[int, list[TreeHead]]
    events: dict[str, Original]
    cases: list[str]
    keys: list[dict[str, object]]
    signers: dict[str, Signer]


def _native(path: str) -> bytes:
    found = sorted((GOLDEN / path).parent.glob("native.*"))
    assert found, path
    return found[0].read_bytes()


@pytest.fixture(scope="module")
def logged() -> Logged:
    registry = KeyRegistry()
    until = datetime.now(UTC) + timedelta(days=30)
    signers: dict[str, Signer] = {}
    for who in ("refco", "oas-hien", ROUTER_PRINCIPAL):
        private = Ed25519PrivateKey.generate()
        record = registry.add(who, private.public_key(), not_before=SINCE, not_after=until)
        signers[who] = Signer(record.key_id, private)
    rc = RouterCore(
        Router(load_desks()),
        SeenByPartition(1000),
        CaseDesks(),
        replies_for=lambda _n: False,
        networks=frozenset({"refco", "oas-hien"}),
        partitions=lambda _t: PARTITIONS,
        state_mac=StateMac([signers[ROUTER_PRINCIPAL]]),
        receipt_signer=signers[ROUTER_PRINCIPAL],
        custody=CustodyLogs(every=1, interval_s=3600),
    )
    events: dict[str, Original] = {}
    cases: list[str] = []
    offset = 0

    def inbound(network: str, native: bytes) -> Inbound:
        nonlocal offset
        [result] = translate(get_adapter(network), native)
        assert isinstance(result, Translated), result
        signed = sign_event(result.event, signers[network])
        key, value, headers = to_kafka(signed)
        events[signed.id] = Original(header_attributes(headers), value, native=native)
        if signed.caseid not in cases:
            cases.append(signed.caseid)
        offset += 1
        return Inbound(CANONICAL, key_partition(key, PARTITIONS), offset, key, value, headers)

    def route(records: list[Inbound]) -> list[tuple[str, int, bytes]]:
        items = [prepare(r) for r in records]
        answers = iter(
            verify_items(registry, [i.verify for i in items if i.verify], datetime.now(UTC))
        )
        batch = Batch()
        rc.apply(rc.decide(items, [next(answers) for _ in items], batch, Tally()))
        return [(o.topic, o.partition or 0, o.value or b"") for o in batch.outputs]

    outputs = [o for net, path in NATIVES for o in route([inbound(net, _native(path))])]
    # later events on every partition: newer heads, so consistency proofs are not empty
    filler = _native("refco/golden/missing_optional_fields_are_left_out/native.json")
    for n in range(6):
        doc = json.loads(filler)
        doc["expediente"] = f"{doc['expediente']}-{n}"
        outputs += route([inbound("refco", json.dumps(doc).encode())])
    logs: dict[int, list[bytes]] = {}
    heads: dict[int, list[TreeHead]] = {}
    for topic, part, value in outputs:
        if topic == PROVENANCE:
            logs.setdefault(part, []).append(value)
        elif topic == CUSTODY_HEADS:
            heads.setdefault(part, []).append(decode_head(value))
    keys = [r.model_dump(mode="json") for r in registry.records()]
    return Logged(logs, heads, events, cases[:2], keys, signers)


def package(logged: Logged, **changes: object) -> bytes:
    fields = {
        "case_ids": logged.cases,
        "logs": logged.logs,
        "heads": logged.heads,
        "events": logged.events,
        "keys": logged.keys,
        "created_at": "2026-12-07T00:00:00Z",
    }
    fields.update(changes)
    return build_package(**fields)  # type: ignore[arg-type]


def members(raw: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(raw)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def broken(files: dict[str, bytes]) -> str:
    report = evidence.verify(files)
    found = report.broken
    assert found is not None, "the mutation went unnoticed"
    return found.what


def test_the_package_of_a_case_through_two_networks_and_a_status_update_verifies(
    logged: Logged, tmp_path: Path
) -> None:
    raw = package(logged)
    files = members(raw)
    manifest = json.loads(files["manifest.json"])
    networks = {json.loads(files[e["attributes"]])["source"] for e in manifest["events"]}
    assert networks == {"urn:cca:net:refco", "urn:cca:net:oas-hien"}
    types = {json.loads(files[e["attributes"]])["type"] for e in manifest["events"]}
    assert "cca.request.status.v1" in types, types
    assert len(manifest["events"]) == 3
    assert any(log["consistency"] and log["consistency"][0]["proof"] for log in manifest["logs"])
    readme = files["README.txt"].decode()
    assert "delivered to:" in readme
    assert logged.signers["refco"].key_id in readme

    path = tmp_path / "case.zip"
    path.write_bytes(raw)
    out = io.StringIO()
    assert evidence.main([str(path)], out=out) == 0, out.getvalue()
    text = out.getvalue()
    assert "FAILED" not in text
    assert "inclusion proof" in text
    assert "consistency proof" in text
    assert text.rstrip().endswith("CHECKS HOLD")


def _rewrite(files: dict[str, bytes], name: str, change: Callable[[bytes], bytes]) -> None:
    files[name] = change(files[name])


def _first(files: dict[str, bytes], prefix: str, suffix: str = "") -> str:
    return next(n for n in sorted(files) if n.startswith(prefix) and n.endswith(suffix))


def _case_partition(logged: Logged) -> int:
    """A partition holding an entry of the package's cases, and at least two entries."""
    return next(
        p
        for p, values in sorted(logged.logs.items())
        if len(values) >= 2 and any(json.loads(v)["case_id"] in logged.cases for v in values)
    )


def test_a_byte_of_a_native_original_is_named(logged: Logged) -> None:
    files = members(package(logged))
    name = _first(files, "events/", "native.bin")
    _rewrite(files, name, lambda b: bytes([b[0] ^ 1]) + b[1:])
    assert "native original's SHA-256" in broken(files)


def test_a_canonical_field_is_named(logged: Logged) -> None:
    files = members(package(logged))
    name = _first(files, "events/", "data.json")

    def change(raw: bytes) -> bytes:
        doc = json.loads(raw)
        doc["reference"] = doc["reference"] + "X"
        return json.dumps(doc, separators=(",", ":"), sort_keys=True).encode()

    _rewrite(files, name, change)
    assert "signed by" in broken(files)


def test_a_removed_custody_entry_is_named(logged: Logged) -> None:
    files = members(package(logged))
    del files[_first(files, "custody/")]
    assert "custody entry" in broken(files)
    assert "missing" in broken(files)
    # removed from the log itself: the builder refuses, the heads no longer fit
    part = _case_partition(logged)
    logs = {**logged.logs, part: logged.logs[part][1:]}
    with pytest.raises(EvidenceError, match=r"not the root|entries"):
        package(logged, logs=logs)


def test_two_swapped_entries_are_named(logged: Logged) -> None:
    files = members(package(logged))
    entries = [n for n in sorted(files) if n.startswith("custody/")]
    first, second = entries[0], entries[1]
    files[first], files[second] = files[second], files[first]
    assert "in custody" in broken(files)
    # swapped in the log itself, under the same heads
    part = _case_partition(logged)
    values = logged.logs[part]
    with pytest.raises(EvidenceError, match="not the root"):
        package(logged, logs={**logged.logs, part: [values[1], values[0], *values[2:]]})


def test_a_tree_head_re_signed_with_another_key_is_named(logged: Logged) -> None:
    files = members(package(logged))
    name = _first(files, "heads/")
    stranger = Signer(logged.signers[ROUTER_PRINCIPAL].key_id, Ed25519PrivateKey.generate())
    head = decode_head(files[name])
    files[name] = (
        TreeHead(head.log, head.size, head.root, head.at, head.router).signed(stranger).encode()
    )
    assert "not signed by key" in broken(files)
    # and with a network's own key, which the package holds
    refco = logged.signers["refco"]
    files[name] = (
        TreeHead(head.log, head.size, head.root, head.at, head.router).signed(refco).encode()
    )
    assert "not a router key" in broken(files)


def test_a_key_used_outside_its_validity_is_named(logged: Logged) -> None:
    files = members(package(logged))
    keys = json.loads(files["keys.json"])
    for key in keys["keys"]:
        if key["network"] == "refco":
            key["not_after"] = "2020-06-01T00:00:00Z"
    files["keys.json"] = json.dumps(keys).encode()
    found = broken(files)
    assert "had expired" in found
    assert "refco" in found


def test_a_key_whose_id_is_not_its_own_is_named(logged: Logged) -> None:
    files = members(package(logged))
    keys = json.loads(files["keys.json"])
    keys["keys"][0]["not_before"] = "2021-01-01T00:00:00Z"
    files["keys.json"] = json.dumps(keys).encode()
    assert "the id does not match the key" in broken(files)


def test_an_unreadable_package_exits_2(tmp_path: Path) -> None:
    path = tmp_path / "not.zip"
    path.write_bytes(b"PK\x03\x04 nothing")
    assert evidence.main([str(path)], out=io.StringIO()) == 2
    hostile = io.BytesIO()
    with zipfile.ZipFile(hostile, "w") as archive:
        archive.writestr("../escape.json", b"{}")
    path.write_bytes(hostile.getvalue())
    with pytest.raises(evidence.PackageError, match="a member named"):
        evidence.read_package(path)
