"""Evidence on the real broker: a REFCO referral and an OAS-HIEN request with its status
update go through the running hub (mTLS, ACLs on); `hub evidence export`, as the custody
service's own principal, writes the package of both cases; `hub evidence verify` holds
every link; then each single mutation breaks the link it names; and `hub custody audit`
finds every delivery logged exactly once."""

from __future__ import annotations

import io
import json
import uuid
import zipfile
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from adapters.sdk.contract import Translated
from adapters.sdk.pipeline import translate
from adapters.sdk.registry import get_adapter
from contract import evidence
from contract.custody import TreeHead, decode_head
from contract.signing import Signer
from hub.access.clients import KafkaAccess
from hub.access.principals import gateway_principal
from tests._support.hub import (
    OutputReader,
    ServiceProcess,
    expected_for,
    hub_command,
    hub_env,
    output_ends,
    prepare_hub,
    produce_natives,
    secure_hub,
)
from tests._support.kafka import SecureKafka

pytestmark = pytest.mark.asyncio(loop_scope="session")
GOLDEN = Path(__file__).parents[1] / "adapters"


def _natives(tag: int) -> list[tuple[str, bytes]]:
    refco = json.loads(
        (GOLDEN / "refco/golden/panama_offset_with_feminine_demonyms/native.json").read_bytes()
    )
    refco["expediente"] = f"{refco['expediente']}-EV{tag}"
    request_id = f"HIEN-MLA-2026-{tag:06d}".encode()
    golden = GOLDEN / "oas_hien/golden"
    request = (golden / "mla_request_in_prefixed_namespace/native.xml").read_bytes()
    status = (golden / "status_update_lands_on_the_request_case/native.xml").read_bytes()
    return [
        ("refco", json.dumps(refco, ensure_ascii=False).encode()),
        ("oas-hien", request.replace(b"HIEN-MLA-2026-000481", request_id)),
        ("oas-hien", status.replace(b"HIEN-MLA-2026-000481", request_id)),
    ]


def _case(network: str, native: bytes) -> str:
    [result] = translate(get_adapter(network), native)
    assert isinstance(result, Translated), result
    return result.event.caseid


def _members(raw: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(raw)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def _broken(files: dict[str, bytes]) -> str:
    found = evidence.verify(files).broken
    assert found is not None, "the mutation went unnoticed"
    return found.what


async def test_an_exported_case_verifies_and_each_mutation_names_its_link(
    kafka_bootstrap: str, secure_kafka: SecureKafka, tmp_path: Path
) -> None:
    state = tmp_path / "state"
    await prepare_hub(kafka_bootstrap, state)
    await secure_hub(secure_kafka, state)
    env = hub_env(secure_kafka.bootstrap, state, security="mtls")
    env["HUB_CUSTODY_HEAD_INTERVAL_S"] = "1"
    natives = _natives(uuid.uuid4().int % 1_000_000)
    expected = expected_for(natives)
    assert len(expected.desks) == 3
    cases = sorted({_case(n, v) for n, v in natives})
    assert len(cases) == 2, "the status update lands on its request's case"
    services = [
        ServiceProcess("router", ["--router", "--instance", "evidence"], env, tmp_path),
        ServiceProcess("adapters", ["--all-adapters", "--instance", "evidence"], env, tmp_path),
    ]
    start = await output_ends(kafka_bootstrap)
    async with OutputReader(kafka_bootstrap, start) as reader:
        try:
            for s in services:
                s.start()
            for s in services:
                await s.wait_ready()
            await produce_natives(
                secure_kafka.bootstrap,
                natives,
                gateways=lambda n: KafkaAccess.mtls(
                    secure_kafka.bootstrap, state, gateway_principal(n)
                ),
            )
            await reader.wait_for(
                lambda landed: all(i in landed.desk_ids for i in expected.desks),
                timeout=120,
                what="the three events on their desks",
            )
            package = tmp_path / "case.zip"
            exported = await hub_command(
                env, "evidence", "export", *cases, "--out", str(package), "--wait", "60"
            )
            assert exported.returncode == 0, exported.stderr
        finally:
            codes = [s.stop() for s in services]
    assert codes == [0, 0], [s.tail() for s in services]

    verified = await hub_command(env, "evidence", "verify", str(package))
    assert verified.returncode == 0, verified.stdout
    assert "ALL" in verified.stdout.splitlines()[-1]
    files = _members(package.read_bytes())
    manifest = json.loads(files["manifest.json"])
    assert {e["id"] for e in manifest["events"]} == set(expected.desks)
    assert all(e["native"] for e in manifest["events"]), "the natives are still retained"
    readme = files["README.txt"].decode()
    for case in cases:
        assert case in readme

    def mutated(name: str, value: bytes) -> dict[str, bytes]:
        return {**files, name: value}

    native = next(e["native"] for e in manifest["events"])
    flipped = bytes([files[native][0] ^ 1]) + files[native][1:]
    assert "native original's SHA-256" in _broken(mutated(native, flipped))

    data = next(e["data"] for e in manifest["events"])
    doc = json.loads(files[data])
    doc["reference"] += "X"
    assert "signed by" in _broken(mutated(data, json.dumps(doc).encode()))

    entry = manifest["events"][0]["entry"]["path"]
    assert "missing" in _broken({k: v for k, v in files.items() if k != entry})

    first, second = (e["entry"]["path"] for e in manifest["events"][:2])
    swapped = {**files, first: files[second], second: files[first]}
    assert "custody" in _broken(swapped)

    head_path = manifest["logs"][0]["heads"][0]["path"]
    head = decode_head(files[head_path])
    router_id = head.key_id
    stranger = Signer(router_id, Ed25519PrivateKey.generate())
    forged = TreeHead(head.log, head.size, head.root, head.at, head.router).signed(stranger)
    assert "not signed by key" in _broken(mutated(head_path, forged.encode()))

    keys = json.loads(files["keys.json"])
    for key in keys["keys"]:
        if key["network"] == "refco":
            key["not_after"] = "2020-06-01T00:00:00Z"
    out_of_validity = _broken(mutated("keys.json", json.dumps(keys).encode()))
    assert "had expired" in out_of_validity

    # the CLI says so too, with exit status 1 and the link named last
    bad = tmp_path / "bad.zip"
    with zipfile.ZipFile(bad, "w") as archive:
        for name, value in mutated(native, flipped).items():
            archive.writestr(name, value)
    refused = await hub_command(env, "evidence", "verify", str(bad))
    assert refused.returncode == 1
    assert refused.stdout.splitlines()[-1].startswith("BROKEN:")

    # the audit, as the custody service: every delivery of this hub logged exactly once
    audited = await hub_command(env, "custody", "audit", "--json", "--ignore-foreign")
    assert audited.returncode == 0, audited.stdout + audited.stderr
    report = json.loads(audited.stdout)
    assert report["problems"] == []
    assert report["events"] == 3
    landed = reader.landed.desk_ids
    assert report["delivered"] == sum(len(landed[i]) for i in expected.desks), landed
