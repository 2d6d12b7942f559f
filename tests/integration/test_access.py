"""Who may touch what, enforced by the real broker: a broker exactly as `hub broker start`
runs it (mTLS, SCRAM, the StandardAuthorizer, no plaintext listener), the hub's topics, and
the ACLs `hub acl apply` derives from the participants file.

The denial matrix tries, for every principal of the file and every hub topic, to produce,
consume and describe; exactly the declared accesses succeed and the broker refuses every
other one."""

from __future__ import annotations

import asyncio
import json
import logging
import os
import ssl
import sys
import time
from collections import Counter
from collections.abc import AsyncIterator, Awaitable, Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import httpx
import pytest
import pytest_asyncio
from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.errors import (
    GroupAuthorizationFailedError,
    KafkaError,
    TopicAuthorizationFailedError,
)

from adapters.sdk.registry import slugs
from hub.access import clients
from hub.access.acl import Acl, Operation, Pattern, Resource
from hub.access.clients import KafkaAccess
from hub.access.participants import DEFAULT_PARTICIPANTS, load_participants
from hub.access.principals import ADMIN_PRINCIPAL
from hub.access.provision import apply_participants, issue_missing, wanted_acls
from hub.access.scram import password_file
from hub.core.desks import load_desks
from hub.localkafka import LocalKafka, LocalKafkaError
from hub.ops.observability import HealthServer
from hub.pki import Authority, pki_dir
from hub.services.topics_admin import ensure_topics
from hub.services.warden import ClearanceWarden
from hub.topics import hub_topics
from tests._support.kafka import broker_settings, broker_unavailable
from tests._support.prometheus import Prometheus, until

pytestmark = pytest.mark.asyncio(loop_scope="module")

SCRAM_GATEWAY = "aiamp"  # the gateway of this test's file that signs in with SCRAM too
REFUSED = (KafkaError, OSError, ssl.SSLError, TimeoutError)


def _participants_text(*, without: str | None = None) -> str:
    """The default participants file, with the SCRAM gateway also allowed SCRAM, and
    without one entry's table when asked."""
    text = DEFAULT_PARTICIPANTS.read_text(encoding="utf-8")
    text = text.replace(
        f'network = "{SCRAM_GATEWAY}"\n', f'network = "{SCRAM_GATEWAY}"\nauth = ["mtls", "scram"]\n'
    )
    if without is not None:
        block = f'[[desk]]\ndesk = "{without}"\n'
        assert block in text
        text = text.replace(block, "")
    return text


class Broker:
    def __init__(self, kafka: LocalKafka, state: Path, participants: Path) -> None:
        self.kafka = kafka
        self.state = state
        self.participants = participants

    @property
    def bootstrap(self) -> str:
        return self.kafka.settings.bootstrap

    def access(self, principal: str) -> KafkaAccess:
        return KafkaAccess.mtls(self.bootstrap, self.state, principal)

    def scram(self, user: str, password: Path) -> KafkaAccess:
        """``user`` signing in with the password in ``password`` on the SCRAM listener."""
        return KafkaAccess(
            bootstrap=self.kafka.settings.scram_bootstrap,
            security="scram",
            ca=pki_dir(self.state) / "ca.pem",
            username=user,
            password_file=password,
        )

    async def apply(self) -> object:
        return await apply_participants(
            self.access(ADMIN_PRINCIPAL),
            self.state,
            load_participants(self.participants),
            slugs(),
            load_desks(),
        )


@pytest.fixture(scope="module")
def secure_broker(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalKafka]:
    """A broker of this module's own, with no plaintext listener at all."""
    kafka = LocalKafka(broker_settings(tmp_path_factory.mktemp("secure"), tests_are_super=False))
    try:
        kafka.start(exit_with_parent=True)
    except LocalKafkaError as error:
        broker_unavailable(f"the secure local broker could not start: {error}")
    try:
        yield kafka
    finally:
        kafka.stop()


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def broker(
    secure_broker: LocalKafka, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[Broker]:
    state = secure_broker.settings.state_dir
    participants = tmp_path_factory.mktemp("participants") / "participants.toml"
    participants.write_text(_participants_text(), encoding="utf-8")
    b = Broker(secure_broker, state, participants)
    specs = hub_topics(slugs(), load_desks(), partitions=1)
    await ensure_topics(b.access(ADMIN_PRINCIPAL), specs)
    await _seed(b.access(ADMIN_PRINCIPAL), [s.name for s in specs])
    issue_missing(state, load_participants(participants))
    await b.apply()
    yield b


# ---- the denial matrix --------------------------------------------------------------------


async def _can_describe(access: KafkaAccess, topics: list[str]) -> set[str]:
    admin = clients.admin(access, request_timeout_ms=10_000)
    await admin.start()
    try:
        described = await admin.describe_topics(topics)
    finally:
        await admin.close()
    return {str(t["topic"]) for t in described if t["error_code"] == 0}


async def _can_produce(access: KafkaAccess, topics: list[str]) -> set[str]:
    producer = clients.producer(access, acks=1, enable_idempotence=False, request_timeout_ms=10_000)
    await producer.start()
    allowed = set()
    try:
        for topic in topics:
            try:
                await producer.send_and_wait(topic, b"access probe", key=b"probe", partition=0)
            except TopicAuthorizationFailedError:
                continue
            allowed.add(topic)
    finally:
        await producer.stop()
    return allowed


async def _can_consume(access: KafkaAccess, topics: list[str], quiet_s: float = 1.5) -> set[str]:
    """The topics whose first record this principal gets (every hub topic holds one:
    :func:`_seed`). A topic it may not describe is invisible to it, one it may not read is
    refused: either way no record comes."""
    consumer = clients.consumer(access, group_id=None, enable_auto_commit=False)
    await consumer.start()
    pending = {TopicPartition(t, 0) for t in topics}
    got: set[str] = set()
    try:
        consumer.assign(sorted(pending))
        for tp in pending:
            consumer.seek(tp, 0)
        last_new = time.monotonic()
        while pending and time.monotonic() - last_new < quiet_s:
            try:
                batches = await consumer.getmany(*pending, timeout_ms=200)
            except TopicAuthorizationFailedError as denied:
                named = {a for a in denied.args if isinstance(a, str)}
                pending = {tp for tp in pending if tp.topic not in named} if named else set()
                continue
            for tp, records in batches.items():
                if records:
                    got.add(tp.topic)
                    pending.discard(tp)
                    last_new = time.monotonic()
    finally:
        await consumer.stop()
    return got


async def _seed(access: KafkaAccess, topics: list[str]) -> None:
    """One record at the start of every topic, written as the administrator."""
    producer = clients.producer(access, acks="all")
    await producer.start()
    try:
        for topic in topics:
            await producer.send_and_wait(topic, b"seed", key=b"seed", partition=0)
    finally:
        await producer.stop()


async def test_exactly_the_declared_accesses_succeed(broker: Broker) -> None:
    participants = load_participants(broker.participants)
    wanted = wanted_acls(broker.state, participants, slugs(), load_desks())
    topics = [t.name for t in hub_topics(slugs(), load_desks(), partitions=1)]
    rows: list[tuple[str, str, int, int]] = []
    wrong: list[str] = []
    tried: Counter[str] = Counter()
    for principal, kind in participants.principals():
        access = broker.access(principal)
        user = f"User:{principal}"

        def granted(operation: Operation, user: str = user) -> set[str]:
            return {
                t
                for t in topics
                if Acl(user, Resource.TOPIC, t, Pattern.LITERAL, operation) in wanted
            }

        found = {
            "produce": await _can_produce(access, topics),
            "consume": await _can_consume(access, topics),
            "describe": await _can_describe(access, topics),
        }
        expected = {
            "produce": granted(Operation.WRITE),
            "consume": granted(Operation.READ),
            "describe": granted(Operation.DESCRIBE),
        }
        for action in found:
            tried[action] += len(topics)
            if found[action] != expected[action]:
                wrong.append(
                    f"{principal} {action}: allowed {sorted(found[action] - expected[action])}, "
                    f"refused {sorted(expected[action] - found[action])}"
                )
            rows.append(
                (
                    f"{kind.value:<8} {principal}",
                    action,
                    len(found[action]),
                    len(topics) - len(found[action]),
                )
            )
    allowed = sum(r[2] for r in rows)
    refused = sum(r[3] for r in rows)
    table = "\n".join(
        f"{who:<34} {action:<8} {ok:>3} allowed {no:>3} refused" for who, action, ok, no in rows
    )
    print(
        f"\n{table}\n{allowed} allowed, {refused} refused by the broker, of {sum(tried.values())}"
    )
    assert not wrong, "\n".join(wrong)
    assert refused > allowed > 0  # least privilege: most doors stay shut


async def test_a_gateway_or_desk_cannot_cross_into_another_networks_or_desks_topics(
    broker: Broker,
) -> None:
    refco = broker.access("net.refco")
    assert "net.ameripol.in" not in await _can_produce(refco, ["net.ameripol.in"])
    assert "cca.desk.corruption.v1" not in await _can_consume(refco, ["cca.desk.corruption.v1"])
    drugs = broker.access("desk.drug-trafficking")
    assert "cca.desk.corruption.v1" not in await _can_consume(drugs, ["cca.desk.corruption.v1"])
    assert await _can_consume(drugs, ["cca.desk.drug-trafficking.v1"]) == {
        "cca.desk.drug-trafficking.v1"
    }
    # a desk's groups are its own: another desk's group name is refused
    consumer = clients.consumer(
        drugs, "cca.desk.drug-trafficking.v1", group_id="desk.corruption.reader"
    )
    assert await _refusal(_join(consumer)) is GroupAuthorizationFailedError


async def _join(consumer: AIOKafkaConsumer) -> None:
    try:
        await consumer.start()
        await consumer.getmany(timeout_ms=2000)
    finally:
        await consumer.stop()


async def _refusal(action: Awaitable[object], timeout: float = 30) -> type[BaseException] | None:
    """The type of the error ``action`` ends with (None if it ends without one)."""
    try:
        async with asyncio.timeout(timeout):
            await action
    except Exception as error:  # what the broker refused is the answer
        return type(error)
    return None


# ---- who gets in at all -------------------------------------------------------------------


async def _connects(access: KafkaAccess, context: ssl.SSLContext | None = None) -> bool:
    options = {"ssl_context": context or access.ssl_context()}
    admin = clients.admin(access, ssl_context=options["ssl_context"], request_timeout_ms=5000)
    try:
        async with asyncio.timeout(15):
            await admin.start()
            await admin.describe_cluster()
    except REFUSED:
        return False
    finally:
        await admin.close()
    return True


async def test_only_current_certificates_of_the_federations_ca_get_in(
    broker: Broker, tmp_path: Path
) -> None:
    good = broker.access("net.refco")
    assert await _connects(good)
    no_cert = ssl.create_default_context(cafile=str(good.ca))
    assert not await _connects(good, no_cert), "a client without a certificate got in"
    other = Authority.create(tmp_path / "other-ca")
    foreign = other.issue("net.refco").files
    wrong_ca = ssl.create_default_context(cafile=str(good.ca))
    wrong_ca.load_cert_chain(str(foreign.cert), str(foreign.key))
    assert not await _connects(good, wrong_ca), "a certificate of another CA got in"
    authority = Authority(pki_dir(broker.state))
    old = authority.issue(
        "net.expired", days=1, valid_from=datetime.now(UTC) - timedelta(days=3)
    ).files
    expired = ssl.create_default_context(cafile=str(good.ca))
    expired.load_cert_chain(str(old.cert), str(old.key))
    assert not await _connects(good, expired), "an expired certificate got in"


async def test_scram_users_need_their_password(broker: Broker, tmp_path: Path) -> None:
    user = f"net.{SCRAM_GATEWAY}"
    right = broker.scram(user, password_file(broker.state, user))
    assert await _connects(right)
    assert await _can_produce(right, [f"net.{SCRAM_GATEWAY}.in", "net.refco.in"]) == {
        f"net.{SCRAM_GATEWAY}.in"
    }
    wrong_file = tmp_path / "wrong.password"
    wrong_file.write_text("not-the-password\n", encoding="utf-8")
    assert not await _connects(broker.scram(user, wrong_file)), "a wrong SCRAM password got in"
    # net.refco signs in with its certificate only: it has no SCRAM credential
    assert not await _connects(broker.scram("net.refco", wrong_file))


# ---- apply: idempotent, and removal takes effect at once -----------------------------------


async def test_apply_twice_changes_nothing_the_second_time(broker: Broker) -> None:
    await broker.apply()
    again = await broker.apply()
    assert not again.changed  # type: ignore[attr-defined]


async def test_removing_a_principal_revokes_its_access_at_once(broker: Broker) -> None:
    desk = "corruption"
    topic = f"cca.desk.{desk}.v1"
    reader = clients.consumer(broker.access(f"desk.{desk}"), group_id=None)
    await reader.start()
    try:
        tp = TopicPartition(topic, 0)
        reader.assign([tp])
        reader.seek(tp, 0)
        await reader.getmany(timeout_ms=200)  # reading: allowed
        broker.participants.write_text(_participants_text(without=desk), encoding="utf-8")
        done = await broker.apply()
        assert done.plan.remove  # type: ignore[attr-defined]
        assert await _refusal(_read_forever(reader), 20) is TopicAuthorizationFailedError
    finally:
        await reader.stop()
        broker.participants.write_text(_participants_text(), encoding="utf-8")
        await broker.apply()


async def _read_forever(reader: AIOKafkaConsumer) -> None:
    while True:
        await reader.getmany(timeout_ms=200)


# ---- clearances in time ------------------------------------------------------------------


def _registry(path: Path, expires: dict[str, date], *, others: date) -> None:
    """A clearance registry: every desk SECRET, until ``expires`` or ``others``."""
    entries = [
        f'[[clearance]]\ndesk = "{desk}"\nlevel = "SECRET"\nauthority = "CCA Security Office"\n'
        f"granted = 2026-01-01\nexpires = {expires.get(desk, others).isoformat()}\n"
        for desk in load_desks().names
    ]
    fresh = path.with_suffix(".new")
    fresh.write_text("\n".join(entries), encoding="utf-8")
    fresh.replace(path)


async def test_a_clearance_passing_its_expiry_removes_the_desks_acl_and_fires_the_alerts(
    broker: Broker, tmp_path: Path, prometheus_binary: str
) -> None:
    """Time travel: the warden judges as of a day the test sets (no waiting); a real
    Prometheus scrapes it and evaluates the hub's alert rules."""
    desk = "cybercrime"
    expires = date(2030, 6, 30)
    registry = tmp_path / "clearances.toml"
    _registry(registry, {desk: expires}, others=date(2099, 12, 31))
    day = [expires - timedelta(days=40)]
    warden = ClearanceWarden(
        broker.access(ADMIN_PRINCIPAL),
        broker.state,
        load_participants(broker.participants),
        slugs(),
        load_desks(),
        registry,
        today=lambda: day[0],
        reload_interval_s=0,
    )
    health = HealthServer("127.0.0.1", 0, lambda: {"clearances": warden.last is not None})
    port = await health.start()
    prometheus = Prometheus(prometheus_binary, tmp_path, {"cca-warden": port})
    reader = clients.consumer(broker.access(f"desk.{desk}"), group_id=None)
    topic = TopicPartition(f"cca.desk.{desk}.v1", 0)
    try:
        prometheus.start()
        await reader.start()
        reader.assign([topic])
        reader.seek(topic, 0)
        first = await warden.check()
        assert desk not in first.lapsed
        await reader.getmany(timeout_ms=200)  # in force: the desk reads its topic
        async with httpx.AsyncClient(timeout=10) as client:
            await prometheus.ready(client)

            async def days_left(value: float) -> bool:
                found = await prometheus.query(client, f'hub_clearance_days_left{{desk="{desk}"}}')
                return bool(found) and float(found[0]["value"][1]) == value

            async def firing(alert: str) -> bool:
                alerts = (await prometheus.api(client, "alerts"))["alerts"]
                return any(
                    a["labels"]["alertname"] == alert
                    and a["labels"].get("desk") == desk
                    and a["state"] == "firing"
                    for a in alerts
                )

            await until(lambda: days_left(40), 60, lambda: "the warden scraped: 40 days left")
            assert not await firing("HubClearanceExpiring")

            day[0] = expires - timedelta(days=10)
            await warden.check()
            await until(lambda: days_left(10), 30, lambda: "10 days left scraped")
            await until(lambda: firing("HubClearanceExpiring"), 30, lambda: "HubClearanceExpiring")

            day[0] = expires + timedelta(days=1)
            lapsed = await warden.check()
            assert lapsed.lapsed == {desk}
            removed = {a.principal for a in lapsed.applied.plan.remove}
            assert removed == {f"User:desk.{desk}"}, "only the lapsed desk's ACLs go"
            assert await _refusal(_read_forever(reader), 20) is TopicAuthorizationFailedError
            await until(lambda: firing("HubClearanceLapsed"), 30, lambda: "HubClearanceLapsed")

            # re-validated: the warden gives the desk its ACLs back
            _registry(registry, {desk: date(2031, 6, 30)}, others=date(2099, 12, 31))
            renewed = await warden.check()
            assert renewed.lapsed == frozenset()
            assert {a.principal for a in renewed.applied.plan.add} == {f"User:desk.{desk}"}
    except BaseException:
        print("---- prometheus log\n" + prometheus.tail())
        raise
    finally:
        prometheus.stop()
        await health.stop()
        await reader.stop()
        await broker.apply()


# ---- secrets -------------------------------------------------------------------------------


def _cmdline(pid: int) -> str:
    return Path(f"/proc/{pid}/cmdline").read_bytes().decode(errors="replace")


def _files(*paths: Path) -> str:
    return "\n".join(p.read_text(errors="replace") for p in paths if p.is_file())


def _secrets(state: Path) -> list[str]:
    """Every password and private key body the hub holds for this broker."""
    found = [
        p.read_text(encoding="utf-8").strip() for p in (pki_dir(state) / "scram").glob("*.password")
    ]
    for key in pki_dir(state).rglob("*.key"):
        lines = key.read_text(encoding="utf-8").splitlines()
        found += [line for line in lines if line and not line.startswith("-----")]
    return [s for s in found if len(s) >= 16]


async def test_no_secret_in_logs_arguments_or_errors(
    broker: Broker, caplog: pytest.LogCaptureFixture, tmp_path: Path
) -> None:
    caplog.set_level(logging.DEBUG)
    user = f"net.{SCRAM_GATEWAY}"
    right = broker.scram(user, password_file(broker.state, user))
    assert await _connects(right)
    broken = tmp_path / "empty.password"
    broken.write_text("", encoding="utf-8")
    errors = []
    for bad in (broken, tmp_path / "missing.password"):
        with pytest.raises(clients.AccessError) as refused:
            broker.scram(user, bad).options()
        errors.append(str(refused.value))
    await broker.apply()
    secrets = _secrets(broker.state)
    assert secrets
    pid = broker.kafka.status().pid
    assert pid is not None
    texts = {
        "log records": "\n".join(r.getMessage() for r in caplog.records),
        "error messages": "\n".join(errors) + repr(right),
        "the broker's arguments": _cmdline(pid),
        "this process's arguments": _cmdline(os.getpid()),
        "the broker's logs and config": _files(
            broker.kafka.paths.server_log,
            broker.kafka.paths.console_log,
            broker.kafka.paths.server_properties,
        ),
    }
    leaks = [
        f"{where}: a secret of {len(s)} characters"
        for where, text in texts.items()
        for s in secrets
        if s in text
    ]
    assert not leaks, leaks


async def test_the_operator_reads_the_hubs_status_and_nothing_of_its_records(
    broker: Broker,
) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("HUB_")}
    env.update({"HUB_STATE_DIR": str(broker.state), "HUB_KAFKA_SECURITY": "mtls"})
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        *("-m", "hub", "status", "--json", "--bootstrap", broker.bootstrap),
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(proc.communicate(), timeout=90)
    assert proc.returncode == 0, err.decode()
    status = json.loads(out)
    assert set(status["desks"]) == set(load_desks().names)
    assert all(count is not None for count in status["desks"].values())  # each desk is seen
    operator = broker.access("ops.status")
    assert await _can_consume(operator, ["cca.desk.triage.v1", "net.refco.in"]) == set()
