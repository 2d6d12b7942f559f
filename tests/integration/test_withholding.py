"""Need-to-know on the real broker: a SECRET case for a CONFIDENTIAL desk is withheld, with a
content-free notice on triage; raising the desk's clearance in the registry file releases
it to that desk exactly once by event id, also when the router is SIGKILLed between the
change and the release, and again after the release has committed."""

from __future__ import annotations

import asyncio
import http.client
import json
import time
import uuid
from pathlib import Path

import pytest
from aiokafka import AIOKafkaProducer

from contract.envelope import to_kafka
from contract.envelope.sealing import sign_event
from contract.topology import CANONICAL
from hub.core.clearance import DEFAULT_CLEARANCES
from hub.keys.store import KeyStore
from tests._support.hub import (
    OutputReader,
    ServiceProcess,
    hub_env,
    output_ends,
    prepare_hub,
)
from tests.samples import event

pytestmark = pytest.mark.asyncio(loop_scope="session")


def clearances_with(path: Path, desk: str, level: str) -> None:
    """The packaged registry with ``desk`` cleared for ``level``, replaced atomically as an
    operator's edit would be."""
    text = DEFAULT_CLEARANCES.read_text(encoding="utf-8")
    block = f'desk = "{desk}"\nlevel = "'
    start = text.index(block) + len(block)
    end = text.index('"', start)
    changed = path.with_suffix(".new")
    changed.write_text(text[:start] + level + text[end:], encoding="utf-8")
    changed.replace(path)


def metric(port: int, name: str) -> float | None:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
    try:
        conn.request("GET", "/metrics")
        body = conn.getresponse().read().decode()
    except OSError:
        return None
    finally:
        conn.close()
    for line in body.splitlines():
        if line.startswith(name + " "):
            return float(line.split()[1])
    return None


async def wait_rounds(router: ServiceProcess, rounds: int = 2, timeout: float = 60) -> None:
    """Until the running (and ready) router has made ``rounds`` more release rounds: the
    later of them began after its state was loaded (a round waits for the load's lock)."""
    await router.wait_ready(timeout)
    target = (metric(router.port, "hub_release_rounds_total") or 0) + rounds
    deadline = time.monotonic() + timeout
    while (metric(router.port, "hub_release_rounds_total") or 0) < target:
        if time.monotonic() > deadline:
            raise AssertionError(f"no {rounds} release rounds:\n{router.tail()}")
        await asyncio.sleep(0.1)


async def test_withheld_then_released_once_across_a_sigkill(
    kafka_bootstrap: str, tmp_path: Path
) -> None:
    state = tmp_path / "state"
    await prepare_hub(kafka_bootstrap, state)
    registry_file = tmp_path / "clearances.toml"
    clearances_with(registry_file, "corruption", "CONFIDENTIAL")
    env = hub_env(kafka_bootstrap, state)
    env.update({"HUB_CLEARANCES": str(registry_file), "HUB_RELEASE_INTERVAL_S": "0.2"})
    router = ServiceProcess("router", ["--router", "--instance", "held"], env, tmp_path)

    # from a network the router does not answer, so no receipt is left for other tests' hubs
    secret = event(
        "cca.case.referral.v1",
        "clacip",
        reference=f"REF-{uuid.uuid4().hex[:12]}",
        classification={"level": "SECRET", "original": "SECRETO", "tlp": None},
        offences=[
            {"label": "Cohecho", "iccs": "07031"},
            {"label": "Narcotráfico", "iccs": "06012"},
        ],
    )
    key, value, headers = to_kafka(sign_event(secret, KeyStore(state).signer_for("clacip")))

    def desks_of(landed, event_id: str) -> list[str]:  # type: ignore[no-untyped-def]
        return sorted(landed.desk_ids.get(event_id, []))

    start = await output_ends(kafka_bootstrap)
    async with OutputReader(kafka_bootstrap, start) as reader:
        try:
            router.start()
            await router.wait_ready()
            producer = AIOKafkaProducer(bootstrap_servers=kafka_bootstrap, acks="all")
            await producer.start()
            try:
                await producer.send_and_wait(CANONICAL, value, key=key, headers=headers)
            finally:
                await producer.stop()

            await reader.wait_for(
                lambda landed: secret.id in landed.withheld and secret.id in landed.notices,
                timeout=60,
                what="the withholding and its notice",
            )
            landed = reader.landed
            assert desks_of(landed, secret.id) == ["drug-trafficking"]
            assert landed.withheld[secret.id] == ["corruption"]
            notice_topic, notice = next(
                (t, r)
                for t, r in landed.desk_records
                if dict(r.headers)["ce_id"] == f"{secret.id}.withheld".encode()  # type: ignore[attr-defined]
            )
            assert notice_topic == "cca.desk.triage.v1"
            body = json.loads(notice.value)  # type: ignore[attr-defined]
            assert [h["desk"] for h in body["held"]] == ["corruption"]
            assert body["level"] == "SECRET"
            assert secret.data.summary not in notice.value.decode()  # type: ignore[attr-defined]

            # the router dies; the clearance is raised while it is down; it comes back
            await wait_rounds(router)
            router.kill()
            clearances_with(registry_file, "corruption", "SECRET")
            router.start()
            await reader.wait_for(
                lambda landed: "corruption" in landed.desk_ids.get(secret.id, []),
                timeout=60,
                what="the release to the corruption desk",
            )
            await reader.wait_for(
                lambda landed: landed.withheld.get(secret.id) == [],
                timeout=30,
                what="the withheld entry saying nothing is held any more",
            )
            # killed again after the release committed: the new router finds nothing held
            router.kill()
            router.start()
            await wait_rounds(router)
        finally:
            code = router.stop()
    delivered = [r for t, r in reader.landed.desk_records if t == "cca.desk.corruption.v1"]
    released = [
        r
        for r in delivered
        if dict(r.headers)["ce_id"] == secret.id.encode()  # type: ignore[attr-defined]
    ]
    assert len(released) == 1, "released exactly once by event id"
    assert released[0].value == value  # type: ignore[attr-defined]
    assert desks_of(reader.landed, secret.id) == ["corruption", "drug-trafficking"]
    assert code == 0, router.tail()
