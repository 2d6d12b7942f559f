"""Start failures are reported with the broker's own words, and leave nothing running.

A stand-in `java` plays the broker, so these run without Kafka.
"""

from __future__ import annotations

import shlex
import stat
from pathlib import Path

import pytest

from hub.localkafka import (
    BrokerExitedError,
    BrokerStartTimeoutError,
    LocalKafka,
    LocalKafkaSettings,
)
from hub.localkafka.ports import free_ports
from hub.localkafka.process import wait_gone


def stand_in_java(java_home: Path, data_dir: Path, broker: str) -> None:
    """Formats like Kafka's storage tool; runs `broker` (shell code) as the broker."""
    java = java_home / "bin" / "java"
    java.parent.mkdir(parents=True)
    data = shlex.quote(str(data_dir))
    java.write_text(
        "#!/bin/sh\n"
        'case "$*" in\n'
        "  *StorageTool*random-uuid*) echo 'MkU3OEVBNTcwNTJENDM2Qk' ;;\n"
        f"  *StorageTool*format*) mkdir -p {data} && : > {data}/meta.properties ;;\n"
        f"  *kafka.Kafka*) {broker} ;;\n"
        "esac\n",
        encoding="utf-8",
    )
    java.chmod(java.stat().st_mode | stat.S_IXUSR)


@pytest.fixture
def kafka(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> LocalKafka:
    port, controller_port, scram_port = free_ports(3)
    settings = LocalKafkaSettings(
        state_dir=tmp_path / "state",
        jars_dir=tmp_path / "jars",
        port=port,
        controller_port=controller_port,
        scram_port=scram_port,
        start_timeout_s=1.0,
        stop_timeout_s=5.0,
    )
    local = LocalKafka(settings)
    local.jars.jars_dir.mkdir(parents=True)
    (local.jars.jars_dir / f"kafka_2.13-{settings.version}.jar").touch()
    local.jars.marker.touch()
    monkeypatch.setenv("JAVA_HOME", str(tmp_path / "jdk"))
    return local


def test_a_broker_that_exits_during_start_is_reported_with_its_log(
    kafka: LocalKafka, tmp_path: Path
) -> None:
    stand_in_java(tmp_path / "jdk", kafka.paths.data_dir, "echo 'no space left on device'; exit 3")
    with pytest.raises(BrokerExitedError, match=r"(?s)exited with code 3.*no space left on device"):
        kafka.start()
    assert not kafka.paths.pid_file.exists()
    assert kafka.paths.cluster_id_file.read_text().strip() == "MkU3OEVBNTcwNTJENDM2Qk"


def test_a_broker_that_never_answers_is_stopped_after_the_timeout(
    kafka: LocalKafka, tmp_path: Path
) -> None:
    stand_in_java(tmp_path / "jdk", kafka.paths.data_dir, "echo 'stuck'; exec sleep 120")
    with pytest.raises(BrokerStartTimeoutError, match=r"(?s)within 1 s.*stuck"):
        kafka.start()
    assert not kafka.paths.pid_file.exists()
    assert kafka.status().running is False


def test_a_stopped_start_leaves_no_process_of_its_group(kafka: LocalKafka, tmp_path: Path) -> None:
    marker = tmp_path / "child.pid"
    # The stand-in broker starts a child of its own, as a JVM may, then hangs.
    stand_in_java(
        tmp_path / "jdk",
        kafka.paths.data_dir,
        f"sleep 120 & echo $! > {shlex.quote(str(marker))}; wait",
    )
    with pytest.raises(BrokerStartTimeoutError):
        kafka.start()
    assert wait_gone(int(marker.read_text()), timeout=5.0)
