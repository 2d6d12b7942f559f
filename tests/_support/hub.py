"""Running the hub for real in tests: service processes, a gateway that writes native
messages, and a reader of what lands on the desks, DLQs and native out topics."""

from __future__ import annotations

import asyncio
import http.client
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from aiokafka.structs import TopicPartition

from adapters.sdk import Translated, get_adapter, slugs, translate
from contract.seal import ROUTER_PRINCIPAL
from contract.topology import (
    ROUTER_DLQ,
    WITHHELD,
    WITHHELD_NOTICE_TYPE,
    native_dlq,
    native_in,
    native_out,
)
from hub.access import clients
from hub.access.clients import KafkaAccess
from hub.access.participants import load_participants
from hub.access.principals import ADMIN_PRINCIPAL
from hub.access.provision import apply_participants, issue_missing
from hub.core.clearance import load_clearances
from hub.core.custody import Audit, audit
from hub.core.desks import load_desks
from hub.core.dissemination import Decision as Dissemination
from hub.core.dissemination import disseminate
from hub.core.routing import Router
from hub.core.state.integrity import StateMac
from hub.keys.principals import signing_principals
from hub.keys.store import KeyStore
from hub.localkafka.ports import free_ports
from hub.pki import pki_dir
from hub.services.custody_reader import read_custody
from hub.services.topics_admin import ensure_topics
from hub.topics import hub_topics
from schemas import CanonicalData
from tests._support.kafka import SecureKafka

PARTITIONS = 4
BIG = 26 * 1024 * 1024


def hub_env(bootstrap: str, state_dir: Path, *, security: str = "plaintext") -> dict[str, str]:
    """The services' environment; ``security="mtls"``: each connects with its own
    certificate from ``<state_dir>/pki`` (see :func:`secure_hub`)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("HUB_")}
    env.update(
        {
            "HUB_KAFKA_BOOTSTRAP": bootstrap,
            "HUB_KAFKA_SECURITY": security,
            "HUB_STATE_DIR": str(state_dir),
            "HUB_PARTITIONS": str(PARTITIONS),
            "HUB_TRANSACTION_TIMEOUT_MS": "10000",
            "PYTHONUNBUFFERED": "1",
        }
    )
    return env


async def prepare_hub(bootstrap: str, state_dir: Path) -> None:
    """Keys for every network and every topic of the hub (on the plaintext listener)."""
    KeyStore(state_dir).ensure(signing_principals())
    specs = hub_topics(slugs(), load_desks(), partitions=PARTITIONS)
    await ensure_topics(KafkaAccess.plaintext(bootstrap), specs)


async def secure_hub(secure: SecureKafka, state_dir: Path) -> None:
    """The hub as a real deployment has it: the session broker's CA copied into the hub's
    state, a certificate for every participant of ``deploy/participants.toml``, and the
    broker's ACLs applied from that file."""
    shutil.copytree(pki_dir(secure.state_dir), pki_dir(state_dir), dirs_exist_ok=True)
    participants = load_participants()
    issue_missing(state_dir, participants)
    admin = KafkaAccess.mtls(secure.bootstrap, state_dir, ADMIN_PRINCIPAL)
    await apply_participants(admin, state_dir, participants, slugs(), load_desks())


@dataclass(frozen=True)
class Ran:
    returncode: int
    stdout: str
    stderr: str


async def hub_command(env: dict[str, str], *args: str, timeout: float = 300) -> Ran:
    """``hub <args>`` as a child process; its exit status and output."""
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "hub",
        *args,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        out, err = await asyncio.wait_for(proc.communicate(), timeout)
    except TimeoutError:
        proc.kill()
        await proc.wait()
        raise AssertionError(f"hub {' '.join(args)} did not finish in {timeout}s") from None
    return Ran(proc.returncode or 0, out.decode(errors="replace"), err.decode(errors="replace"))


class ServiceProcess:
    """`hub serve ...` as a child process in its own process group."""

    def __init__(self, name: str, args: Sequence[str], env: dict[str, str], log_dir: Path):
        self.name = name
        self.args = list(args)
        self.env = env
        self.log_path = log_dir / f"{name}.log"
        self.port = free_ports(1)[0]
        self.proc: subprocess.Popen[bytes] | None = None
        self.starts = 0

    def start(self) -> None:
        self.starts += 1
        log = self.log_path.open("ab")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "hub", "serve", *self.args, "--metrics-port", str(self.port)],
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        log.close()

    def ready(self) -> bool:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=1)
        try:
            conn.request("GET", "/health")
            return conn.getresponse().status == 200
        except OSError:
            return False
        finally:
            conn.close()

    async def wait_ready(self, timeout: float = 90) -> None:
        deadline = time.monotonic() + timeout
        while not self.ready():
            if self.proc is not None and self.proc.poll() is not None:
                raise AssertionError(
                    f"{self.name} exited with {self.proc.returncode}:\n{self.tail()}"
                )
            if time.monotonic() > deadline:
                raise AssertionError(f"{self.name} not ready after {timeout}s:\n{self.tail()}")
            await asyncio.sleep(0.2)

    def kill(self) -> None:
        """SIGKILL the whole process group: no chance to clean up."""
        if self.proc is not None and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(timeout=30)

    def stop(self) -> int | None:
        if self.proc is None:
            return None
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.kill()
        return self.proc.returncode

    def tail(self, lines: int = 40) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no log)"


@dataclass
class Expected:
    """What the pure core says the running hub must do with a set of native messages."""

    #: event id -> the desks it reaches (events that reach at least one)
    desks: dict[str, tuple[str, ...]] = field(default_factory=dict)
    #: event id -> the desks it is withheld from (their clearance, or its TLP)
    withheld: dict[str, tuple[str, ...]] = field(default_factory=dict)
    network_of: dict[str, str] = field(default_factory=dict)  # event id -> network
    dlq: dict[str, int] = field(default_factory=lambda: defaultdict(int))  # network -> records
    receipts: dict[str, int] = field(default_factory=lambda: defaultdict(int))  # network -> n


def allowed_desks(data: CanonicalData) -> Dissemination:
    """Where the router sends an event's data: its desks by routing, disseminated under
    ``deploy/clearances.toml`` as of today."""
    desks = load_desks()
    cleared = load_clearances().levels(desks.names, datetime.now(UTC).date())
    marking = data.classification
    return disseminate(marking.level, marking.tlp, Router(desks).route(data), cleared)


def expected_for(natives: Iterable[tuple[str, bytes]]) -> Expected:
    """Routed by the desks' routing, disseminated under ``deploy/clearances.toml`` today."""
    out = Expected()
    now = datetime.now(UTC)
    for network, value in natives:
        adapter = get_adapter(network)
        results = translate(adapter, value, received=now)
        accepted = [r for r in results if isinstance(r, Translated)]
        for item in accepted:
            allowed = allowed_desks(item.event.data)
            if allowed.deliver:
                out.desks[item.event.id] = allowed.deliver
            if allowed.held:
                out.withheld[item.event.id] = tuple(h.desk for h in allowed.held)
            out.network_of[item.event.id] = network
        out.dlq[network] += len(results) - len(accepted)
        if adapter.replies:
            if adapter.batch_receipts:
                out.receipts[network] += 1 if accepted or len(results) > len(accepted) else 0
            else:
                strict = [r for r in accepted if r.event.data.classification.tlp == "AMBER+STRICT"]
                out.receipts[network] += len(accepted) - len(strict)
    return out


async def produce_natives(
    bootstrap: str,
    natives: Iterable[tuple[str, bytes]],
    *,
    gateways: Callable[[str], KafkaAccess] | None = None,
) -> int:
    """Write each native message to its network's input topic: on the plaintext listener,
    or with ``gateways``, as each network's own gateway (its access by network)."""
    producers: dict[str, AIOKafkaProducer] = {}

    async def producer_for(network: str) -> AIOKafkaProducer:
        key = network if gateways is not None else ""
        if key not in producers:
            access = gateways(network) if gateways is not None else KafkaAccess.plaintext(bootstrap)
            producers[key] = clients.producer(
                access, acks="all", enable_idempotence=True, max_request_size=BIG, linger_ms=5
            )
            await producers[key].start()
        return producers[key]

    count = 0
    try:
        futures = []
        for network, value in natives:
            producer = await producer_for(network)
            futures.append(await producer.send(native_in(network), value))
            count += 1
        await asyncio.gather(*futures)
    finally:
        for producer in producers.values():
            await producer.stop()
    return count


class OutputReader:
    """Reads the output topics continuously in the background, so a test can wait on
    progress (and act at given points) while the hub works."""

    def __init__(self, bootstrap: str, start: dict[TopicPartition, int]) -> None:
        self.bootstrap = bootstrap
        self.start = start
        self.landed = Landed()
        self._task: asyncio.Task[None] | None = None
        self._stop = asyncio.Event()

    async def __aenter__(self) -> OutputReader:
        self._task = asyncio.create_task(self._run())
        return self

    async def __aexit__(self, *_: object) -> None:
        self._stop.set()
        if self._task is not None:
            await self._task

    async def _run(self) -> None:
        consumer = AIOKafkaConsumer(
            bootstrap_servers=self.bootstrap,
            group_id=None,
            isolation_level="read_committed",
            enable_auto_commit=False,
            fetch_max_bytes=64 * 1024 * 1024,
        )
        await consumer.start()
        try:
            tps = [TopicPartition(t, p) for t, n in output_topics() for p in range(n)]
            consumer.assign(tps)
            for tp in tps:
                consumer.seek(tp, self.start.get(tp, 0))
            while not self._stop.is_set():
                batches = await consumer.getmany(timeout_ms=200)
                for tp, records in batches.items():
                    for r in records:
                        _sort(tp.topic, r, self.landed)
        finally:
            await consumer.stop()

    async def wait_for(
        self, condition: Callable[[Landed], bool], timeout: float, what: str
    ) -> None:
        deadline = time.monotonic() + timeout
        while not condition(self.landed):
            if self._task is not None and self._task.done():
                self._task.result()
            if time.monotonic() > deadline:
                raise AssertionError(f"timed out after {timeout}s waiting for {what}")
            await asyncio.sleep(0.1)


@dataclass
class Landed:
    desk_ids: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))  # id->desks
    desk_records: list[tuple[str, object]] = field(default_factory=list)  # (topic, record)
    dlq: dict[str, list[object]] = field(default_factory=lambda: defaultdict(list))
    out: dict[str, list[object]] = field(default_factory=lambda: defaultdict(list))
    #: event id -> what cca.withheld.v1 says is still held from which desks (latest entry)
    withheld: dict[str, list[str]] = field(default_factory=dict)
    #: event id -> the desks that got the notice of its withholding (triage)
    notices: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))


def output_topics() -> list[tuple[str, int]]:
    """(topic, partitions) of everything the hub writes that a test checks."""
    wanted = set(load_desks().topics) | {ROUTER_DLQ, WITHHELD}
    for slug in slugs():
        wanted |= {native_dlq(slug), native_out(slug)}
    specs = hub_topics(slugs(), load_desks(), partitions=PARTITIONS)
    return [(s.name, s.partitions) for s in specs if s.name in wanted]


async def output_ends(bootstrap: str) -> dict[TopicPartition, int]:
    """Where each output topic ends now: a test reads only what it caused after this."""
    consumer = AIOKafkaConsumer(
        bootstrap_servers=bootstrap, group_id=None, isolation_level="read_committed"
    )
    await consumer.start()
    try:
        tps = [TopicPartition(t, p) for t, n in output_topics() for p in range(n)]
        return dict(await consumer.end_offsets(tps))
    finally:
        await consumer.stop()


async def read_outputs(
    bootstrap: str,
    done: Callable[[Landed], bool],
    timeout: float,
    start: dict[TopicPartition, int] | None = None,
) -> Landed:
    """Read every output topic (read_committed) from ``start`` (default: the beginning)
    until ``done`` says it has everything, or the timeout."""
    landed = Landed()
    consumer = AIOKafkaConsumer(
        bootstrap_servers=bootstrap,
        group_id=None,
        isolation_level="read_committed",
        auto_offset_reset="earliest",
        enable_auto_commit=False,
        fetch_max_bytes=64 * 1024 * 1024,
    )
    await consumer.start()
    try:
        tps = [TopicPartition(t, p) for t, n in output_topics() for p in range(n)]
        consumer.assign(tps)
        await consumer.seek_to_beginning(*tps)
        for tp, offset in (start or {}).items():
            consumer.seek(tp, offset)
        deadline = time.monotonic() + timeout
        while not done(landed) and time.monotonic() < deadline:
            batches = await consumer.getmany(timeout_ms=500)
            for tp, records in batches.items():
                for r in records:
                    _sort(tp.topic, r, landed)
    finally:
        await consumer.stop()
    return landed


def _sort(topic: str, record: object, landed: Landed) -> None:
    if topic.startswith("cca.desk."):
        headers = dict(record.headers)  # type: ignore[attr-defined]
        event_id = headers["ce_id"].decode()
        desk = topic.removeprefix("cca.desk.").removesuffix(".v1")
        if headers.get("ce_type") == WITHHELD_NOTICE_TYPE.encode():
            landed.notices[event_id.removesuffix(".withheld")].append(desk)
        else:
            landed.desk_ids[event_id].append(desk)
        landed.desk_records.append((topic, record))
    elif topic == WITHHELD:
        entry = json.loads(record.value)  # type: ignore[attr-defined]
        landed.withheld[entry["event_id"]] = [h["desk"] for h in entry["held"]]
    elif topic == ROUTER_DLQ or topic.endswith(".in.dlq"):
        landed.dlq[topic].append(record)
    elif topic.endswith(".out"):
        landed.out[topic].append(record)


async def custody_of(bootstrap: str, state_dir: Path) -> Audit:
    """The audit of the custody logs the hub of ``state_dir`` wrote: every provenance
    record and tree head that carries its router's MAC (the session broker is shared by
    other tests' hubs, each a log of its own), read ``read_committed`` from the start."""
    store = KeyStore(state_dir)
    mac = StateMac(store.signers(ROUTER_PRINCIPAL))
    custody = await read_custody(KafkaAccess.plaintext(bootstrap), mac)
    return audit(custody.entries, custody.head_records(), store.registry())
