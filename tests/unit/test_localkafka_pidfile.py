"""The pid file and process identity: stop signals our broker and nobody else."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from hub.localkafka import LocalKafka, LocalKafkaSettings
from hub.localkafka.pidfile import (
    classpath_of,
    is_broker_process,
    process_alive,
    process_cmdline,
    read_pid,
    remove_pid,
    write_pid,
)

SLEEPER = [sys.executable, "-c", "import time; time.sleep(120)"]


@pytest.fixture
def stranger() -> Iterator[subprocess.Popen[bytes]]:
    """A live process in its own group that is not a broker."""
    process = subprocess.Popen([*SLEEPER, "-cp", "/a/one.jar:/b/two.jar"], start_new_session=True)
    try:
        # Right after a vfork-based exec the kernel may still show an empty command line.
        deadline = time.monotonic() + 10
        while not process_cmdline(process.pid) and time.monotonic() < deadline:
            time.sleep(0.01)
        yield process
    finally:
        process.kill()
        process.wait(timeout=10)


def test_a_written_pid_reads_back_and_leaves_no_temporary_file(tmp_path: Path) -> None:
    pid_file = tmp_path / "state" / "broker.pid"
    write_pid(pid_file, 4242)
    assert read_pid(pid_file) == 4242
    assert [p.name for p in pid_file.parent.iterdir()] == ["broker.pid"]
    remove_pid(pid_file)
    remove_pid(pid_file)  # removing twice is fine
    assert read_pid(pid_file) is None


@pytest.mark.parametrize("content", [b"", b"abc\n", b"-5\n", b"0\n", b"12 34\n", b"9" * 100])
def test_a_pid_file_without_a_plausible_pid_reads_as_none(tmp_path: Path, content: bytes) -> None:
    pid_file = tmp_path / "broker.pid"
    pid_file.write_bytes(content)
    assert read_pid(pid_file) is None


def test_this_process_is_alive_and_an_exited_child_is_not(tmp_path: Path) -> None:
    assert process_alive(os.getpid())
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    # Wait for the exit but leave the zombie: it must already count as gone.
    os.waitid(os.P_PID, child.pid, os.WEXITED | os.WNOWAIT)
    assert not process_alive(child.pid)
    child.wait()
    assert not process_alive(child.pid)


def test_a_process_is_a_broker_only_with_kafka_main_and_this_folders_config(
    stranger: subprocess.Popen[bytes], tmp_path: Path
) -> None:
    assert not is_broker_process(stranger.pid, tmp_path / "server.properties")
    assert not is_broker_process(os.getpid(), tmp_path / "server.properties")


def test_the_classpath_of_a_running_jvm_is_read_from_its_command_line(
    stranger: subprocess.Popen[bytes],
) -> None:
    assert classpath_of(stranger.pid) == [Path("/a/one.jar"), Path("/b/two.jar")]
    assert classpath_of(os.getpid()) == []


def test_stop_never_signals_a_stranger_holding_the_recorded_pid(
    stranger: subprocess.Popen[bytes], tmp_path: Path
) -> None:
    kafka = LocalKafka(LocalKafkaSettings(state_dir=tmp_path))
    write_pid(kafka.paths.pid_file, stranger.pid)

    assert not kafka.status().running
    assert kafka.stop() is False

    assert stranger.poll() is None
    assert process_alive(stranger.pid)
    assert not kafka.paths.pid_file.exists()


def test_a_stale_pid_file_reads_as_stopped(tmp_path: Path) -> None:
    kafka = LocalKafka(LocalKafkaSettings(state_dir=tmp_path, port=29092, controller_port=29093))
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    write_pid(kafka.paths.pid_file, child.pid)
    status = kafka.status()
    assert (status.running, status.pid) == (False, None)
    assert status.bootstrap == "127.0.0.1:29092"
    assert status.state_dir == tmp_path.resolve()
