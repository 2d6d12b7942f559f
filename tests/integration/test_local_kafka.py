"""The project's own Kafka is a real Apache Kafka 4 broker: it keeps every
acknowledged message, in order per partition, and stops completely."""

from __future__ import annotations

import asyncio
import ssl
import struct
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition

from hub.access.principals import ADMIN_PRINCIPAL
from hub.localkafka import LocalKafka
from hub.localkafka.identity import client_context
from hub.localkafka.paths import pom_kafka_version
from hub.localkafka.pidfile import process_alive
from hub.localkafka.ports import port_accepts, port_is_free
from hub.localkafka.probe import API_PRODUCE, ProbeError, probe, request
from hub.localkafka.process import wait_gone
from hub.pki import Authority, pki_dir
from tests._support.kafka import TopicFactory, broker_settings

pytestmark = pytest.mark.kafka

MESSAGES = 1_000
PARTITIONS = 4
KEYS = 32
API_FETCH = 1


def _address(bootstrap: str) -> tuple[str, int]:
    host, _, port = bootstrap.rpartition(":")
    return host, int(port)


async def test_a_thousand_keyed_messages_arrive_complete_and_in_order_per_partition(
    kafka_bootstrap: str, topic_factory: TopicFactory
) -> None:
    topic = await topic_factory(PARTITIONS)
    producer = AIOKafkaProducer(
        bootstrap_servers=kafka_bootstrap, acks="all", enable_idempotence=True
    )
    await producer.start()
    try:
        pending = [
            await producer.send(topic, value=str(i).encode(), key=f"case-{i % KEYS}".encode())
            for i in range(MESSAGES)
        ]
        acknowledged = await asyncio.gather(*pending)
    finally:
        await producer.stop()
    sent: dict[int, list[bytes]] = defaultdict(list)
    for i, metadata in enumerate(acknowledged):
        sent[metadata.partition].append(str(i).encode())

    consumer = AIOKafkaConsumer(
        topic,
        bootstrap_servers=kafka_bootstrap,
        group_id=f"{topic}.reader",
        enable_auto_commit=False,
        auto_offset_reset="earliest",
    )
    await consumer.start()
    received: dict[int, list[tuple[int, bytes | None, bytes | None]]] = defaultdict(list)
    try:
        async with asyncio.timeout(60):
            while sum(map(len, received.values())) < MESSAGES:
                batches = await consumer.getmany(timeout_ms=500)
                for partition, records in batches.items():
                    received[partition.partition].extend(
                        (r.offset, r.key, r.value) for r in records
                    )
        await consumer.commit()
        committed = {
            p: await consumer.committed(TopicPartition(topic, p)) for p in range(PARTITIONS)
        }
    finally:
        await consumer.stop()

    assert sorted(sent) == list(range(PARTITIONS)), "the keys should spread over every partition"
    for partition in range(PARTITIONS):
        records = received[partition]
        assert [value for _, _, value in records] == sent[partition]
        assert [offset for offset, _, _ in records] == list(range(len(records)))
        assert committed[partition] == len(records)
    keys_by_partition = {p: {key for _, key, _ in received[p]} for p in received}
    for key in {f"case-{i}".encode() for i in range(KEYS)}:
        assert sum(key in keys for keys in keys_by_partition.values()) == 1


def test_the_broker_speaks_the_kafka_4_protocol(kafka_bootstrap: str) -> None:
    """Kafka 4.0 removed the oldest protocol versions (KIP-896). Fetch v0–v3 are gone
    from ApiVersions; Produce still advertises v0 there, for clients that refuse a
    broker without it, but a Produce v2 request is refused while v3 is answered."""
    host, port = _address(kafka_bootstrap)
    versions = probe(host, port).api_versions
    assert versions[API_FETCH].min >= 4

    no_topics_v2 = struct.pack(">hii", 1, 1_000, 0)  # acks, timeout, no topic data
    no_topics_v3 = struct.pack(">h", -1) + no_topics_v2  # v3 adds a null transactional id
    with pytest.raises(ProbeError, match="closed"):
        request(host, port, API_PRODUCE, 2, no_topics_v2)
    answer = request(host, port, API_PRODUCE, 3, no_topics_v3)
    assert struct.unpack(">ii", answer) == (0, 0)  # no topic responses, no throttling


def test_the_running_broker_runs_the_pinned_kafka_4_jars(local_kafka: LocalKafka | None) -> None:
    if local_kafka is None:
        pytest.skip("HUB_KAFKA_BOOTSTRAP names an external broker; its jars are not ours to read")
    version = local_kafka.running_version()
    assert version == pom_kafka_version()
    assert version is not None
    assert version.split(".")[0] == "4"


def test_a_second_broker_stops_completely_and_leaves_the_first_running(
    kafka_jars: Path, local_kafka: LocalKafka | None, tmp_path: Path
) -> None:
    second = LocalKafka(broker_settings(tmp_path))
    status = second.start(exit_with_parent=True)
    host, port = _address(status.bootstrap)
    pid = status.pid
    try:
        assert pid is not None
        assert process_alive(pid)
        assert probe(host, port, tls=_admin_tls(second)).brokers
    finally:
        stopped = second.stop()

    assert stopped
    assert not process_alive(pid)
    assert not port_accepts(host, port)
    assert port_is_free(host, port)
    assert not second.paths.pid_file.exists()
    assert not second.status().running
    if local_kafka is not None:
        first_host, first_port = _address(local_kafka.settings.bootstrap)
        assert local_kafka.status().running
        assert probe(first_host, first_port, tls=_admin_tls(local_kafka)).brokers


def _admin_tls(kafka: LocalKafka) -> ssl.SSLContext:
    """The administrator's TLS identity on ``kafka``'s mTLS listener."""
    files = Authority(pki_dir(kafka.settings.state_dir)).files(ADMIN_PRINCIPAL)
    return client_context(files)


_STARTER = """
import sys
from pathlib import Path
from hub.localkafka import LocalKafka
from tests._support.kafka import broker_settings
status = LocalKafka(broker_settings(Path(sys.argv[1]))).start(exit_with_parent=True)
print(status.pid, flush=True)
sys.stdin.read()
"""


def test_a_broker_tied_to_its_test_run_goes_away_when_the_run_is_killed(
    kafka_jars: Path, tmp_path: Path
) -> None:
    errors = tmp_path / "starter.err"
    with errors.open("wb") as sink:
        run = subprocess.Popen(
            [sys.executable, "-c", _STARTER, str(tmp_path / "state")],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=sink,
            cwd=Path(__file__).parents[2],
        )
    assert run.stdin is not None
    assert run.stdout is not None
    with run.stdin, run.stdout:
        line = run.stdout.readline()
        run.kill()
        run.wait()
    assert line.strip().isdigit(), errors.read_text()
    assert wait_gone(int(line), timeout=30.0)


async def test_the_brokers_data_and_logs_are_readable_by_its_user_only(
    local_kafka: LocalKafka | None, topic_factory: TopicFactory
) -> None:
    if local_kafka is None:
        pytest.skip("HUB_KAFKA_BOOTSTRAP names an external broker; its files are not ours")
    await topic_factory(1)  # segment files written after the broker started
    paths = local_kafka.paths
    checked = 0
    for root in (paths.data_dir, paths.logs_dir):
        for path in [root, *root.rglob("*")]:
            try:
                mode = path.stat().st_mode & 0o777
            except FileNotFoundError:
                continue  # a temporary file the running broker renamed meanwhile
            assert mode & 0o077 == 0, f"{path} is open to others: {oct(mode)}"
            checked += 1
    assert checked > 10
