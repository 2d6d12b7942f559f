"""The jar cache: Maven runs once per Kafka version, and never leaves a half cache."""

from __future__ import annotations

import shlex
import stat
import zipfile
from pathlib import Path

import pytest

from hub.localkafka.errors import JarFetchError, ToolMissingError
from hub.localkafka.jarinfo import kafka_version_in
from hub.localkafka.jars import COPY_DEPENDENCIES, classpath, fetch_jars, jars_ready
from hub.localkafka.paths import JarCache

VERSION = "4.1.1"


def fake_maven(bin_dir: Path, calls: Path, *, jars: list[str], exit_code: int = 0) -> None:
    """An `mvn` on PATH that records its arguments and drops empty jars where asked."""
    bin_dir.mkdir(exist_ok=True)
    script = bin_dir / "mvn"
    touches = " ".join(shlex.quote(name) for name in jars)
    script.write_text(
        "#!/bin/sh\nPATH=/usr/bin:/bin\n"
        f'echo "$@" >> {shlex.quote(str(calls))}\n'
        'for arg in "$@"; do case "$arg" in -DoutputDirectory=*) out="${arg#*=}";; esac; done\n'
        'mkdir -p "$out"\n'
        f'for jar in {touches}; do : > "$out/$jar"; done\n'
        f'echo "maven says hello"; exit {exit_code}\n',
        encoding="utf-8",
    )
    script.chmod(script.stat().st_mode | stat.S_IXUSR)


@pytest.fixture
def cache(tmp_path: Path) -> JarCache:
    return JarCache(root=tmp_path / "cache", version=VERSION)


def test_maven_runs_once_and_a_second_fetch_needs_no_maven(
    cache: JarCache, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls = tmp_path / "calls"
    fake_maven(tmp_path / "bin", calls, jars=[f"kafka_2.13-{VERSION}.jar", "b.jar", "a.jar"])
    monkeypatch.setenv("PATH", str(tmp_path / "bin"))

    assert fetch_jars(cache) == cache.jars_dir
    assert jars_ready(cache)
    assert [p.name for p in classpath(cache)] == ["a.jar", "b.jar", f"kafka_2.13-{VERSION}.jar"]
    assert cache.marker.read_text().split() == ["a.jar", "b.jar", f"kafka_2.13-{VERSION}.jar"]
    (arguments,) = calls.read_text().splitlines()
    assert COPY_DEPENDENCIES in arguments
    assert "-DincludeScope=runtime" in arguments
    assert f"-Dkafka.version={VERSION}" in arguments

    monkeypatch.setenv("PATH", str(tmp_path / "nowhere"))
    assert fetch_jars(cache) == cache.jars_dir
    assert len(calls.read_text().splitlines()) == 1


def test_without_maven_a_missing_cache_says_how_to_install_it(
    cache: JarCache, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path / "nowhere"))
    with pytest.raises(ToolMissingError, match="apt-get install maven"):
        fetch_jars(cache)


def test_a_failed_maven_run_shows_its_output_and_leaves_no_complete_cache(
    cache: JarCache, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake_maven(tmp_path / "bin", tmp_path / "calls", jars=["a.jar"], exit_code=1)
    monkeypatch.setenv("PATH", str(tmp_path / "bin"))
    with pytest.raises(JarFetchError, match="maven says hello"):
        fetch_jars(cache)
    assert not jars_ready(cache)
    assert not cache.jars_dir.exists()


def test_a_maven_run_without_the_kafka_jar_is_not_a_complete_cache(
    cache: JarCache, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake_maven(tmp_path / "bin", tmp_path / "calls", jars=["a.jar"])
    monkeypatch.setenv("PATH", str(tmp_path / "bin"))
    with pytest.raises(JarFetchError, match=f"kafka_2.13-{VERSION}.jar"):
        fetch_jars(cache)
    assert not jars_ready(cache)


def test_the_kafka_version_is_read_from_inside_kafka_clients(tmp_path: Path) -> None:
    clients = tmp_path / "kafka-clients-9.9.9.jar"
    with zipfile.ZipFile(clients, "w") as archive:
        archive.writestr("kafka/kafka-version.properties", "commitId=abc\nversion=4.1.1\n")
    other = tmp_path / "other.jar"
    with zipfile.ZipFile(other, "w") as archive:
        archive.writestr("kafka/kafka-version.properties", "version=0.0.0\n")
    assert kafka_version_in([other, clients]) == "4.1.1"
    assert kafka_version_in([other]) is None
    assert kafka_version_in([]) is None
