"""Where the local broker keeps its files, and where its settings come from."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from pydantic import ValidationError

from hub.localkafka import LocalKafka, LocalKafkaSettings
from hub.localkafka.paths import JarCache, StatePaths, default_jar_cache_root, pom_kafka_version


def test_a_brokers_files_live_in_the_kafka_folder_of_its_state_dir(tmp_path: Path) -> None:
    paths = StatePaths.for_state_dir(tmp_path)
    root = tmp_path.resolve() / "kafka"
    assert paths.root == root
    assert paths.data_dir == root / "data"
    assert paths.logs_dir == root / "logs"
    assert paths.server_log == root / "logs" / "server.log"
    assert paths.server_properties == root / "server.properties"
    assert paths.pid_file == root / "broker.pid"
    assert paths.formatted_marker == root / "data" / "meta.properties"


def test_state_paths_are_absolute_even_for_a_relative_state_dir(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    paths = StatePaths.for_state_dir(Path("var"))
    assert paths.root == tmp_path.resolve() / "var" / "kafka"


def test_the_jar_cache_is_per_version_and_apart_from_any_state_dir(tmp_path: Path) -> None:
    cache = JarCache(root=tmp_path / "cache", version="4.1.1")
    assert cache.jars_dir == tmp_path.resolve() / "cache" / "jars-4.1.1"
    assert cache.marker.parent == cache.jars_dir
    assert cache.lock_file.parent == cache.jars_dir.parent


def test_the_pinned_kafka_version_is_the_poms_and_a_4_x_release() -> None:
    version = pom_kafka_version()
    assert re.fullmatch(r"4\.\d+\.\d+", version)


def test_the_state_dir_defaults_to_var_and_follows_HUB_STATE_DIR(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("HUB_STATE_DIR", raising=False)
    assert LocalKafkaSettings().state_dir == Path("var")
    monkeypatch.setenv("HUB_STATE_DIR", str(tmp_path))
    assert LocalKafkaSettings().state_dir == tmp_path
    assert LocalKafka().paths.root == tmp_path.resolve() / "kafka"


def test_an_explicit_option_wins_over_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HUB_STATE_DIR", str(tmp_path / "from-env"))
    monkeypatch.setenv("HUB_KAFKA_PORT", "19092")
    settings = LocalKafkaSettings(state_dir=tmp_path / "given", port=29092)
    assert settings.state_dir == tmp_path / "given"
    assert settings.port == 29092
    assert settings.bootstrap == "127.0.0.1:29092"


def test_the_jar_cache_follows_HUB_KAFKA_JARS_DIR_else_the_user_cache(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("HUB_KAFKA_JARS_DIR", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert default_jar_cache_root() == tmp_path / "xdg" / "cca-hub" / "kafka"
    assert LocalKafkaSettings().jars_dir == tmp_path / "xdg" / "cca-hub" / "kafka"
    monkeypatch.setenv("HUB_KAFKA_JARS_DIR", str(tmp_path / "jars"))
    kafka = LocalKafka(LocalKafkaSettings(state_dir=tmp_path / "state"))
    assert kafka.jars.jars_dir.parent == (tmp_path / "jars").resolve()
    assert not kafka.jars.jars_dir.is_relative_to(kafka.paths.root)


@pytest.mark.parametrize(
    "bad",
    [
        {"port": 9092, "controller_port": 9092},
        {"port": 0},
        {"port": 70000},
        {"host": "0.0.0.0"},
        {"heap_min_mb": 1024, "heap_max_mb": 512},
        {"version": "4.1.1; rm -rf /"},
    ],
)
def test_unsafe_or_inconsistent_settings_are_refused(bad: dict[str, object]) -> None:
    with pytest.raises(ValidationError):
        LocalKafkaSettings.model_validate(bad)
