"""Where the local broker's files live: the project's deploy files, the state
folder of one broker, and the jar cache that many state folders share."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

DEPLOY_DIR = Path(__file__).resolve().parents[2] / "deploy" / "kafka"
POM = DEPLOY_DIR / "pom.xml"
SERVER_TEMPLATE = DEPLOY_DIR / "server.properties.template"
LOG4J_CONFIG = DEPLOY_DIR / "log4j2.properties"

_VERSION_IN_POM = re.compile(r"<kafka\.version>\s*([0-9][0-9A-Za-z.\-]*)\s*</kafka\.version>")


@cache
def pom_kafka_version(pom: Path = POM) -> str:
    """The Kafka version the project pins, read from the one place it is written."""
    match = _VERSION_IN_POM.search(pom.read_text(encoding="utf-8"))
    if match is None:
        raise ValueError(f"{pom} has no <kafka.version> property")
    return match.group(1)


def default_jar_cache_root() -> Path:
    """A per-user cache, so every clone, state folder and test session shares one download."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "cca-hub" / "kafka"


@dataclass(frozen=True)
class StatePaths:
    """The files of one broker under `<state_dir>/kafka/`; all absolute, because the
    broker runs with its own working directory and is recognised by its command line."""

    root: Path

    @classmethod
    def for_state_dir(cls, state_dir: Path) -> StatePaths:
        return cls(root=state_dir.resolve() / "kafka")

    @property
    def data_dir(self) -> Path:
        return self.root / "data"

    @property
    def logs_dir(self) -> Path:
        return self.root / "logs"

    @property
    def server_log(self) -> Path:
        return self.logs_dir / "server.log"

    @property
    def console_log(self) -> Path:
        return self.logs_dir / "console.log"

    @property
    def server_properties(self) -> Path:
        return self.root / "server.properties"

    @property
    def cluster_id_file(self) -> Path:
        return self.root / "cluster.id"

    @property
    def formatted_marker(self) -> Path:
        """Written by Kafka's storage tool once the data folder is formatted."""
        return self.data_dir / "meta.properties"

    @property
    def pid_file(self) -> Path:
        return self.root / "broker.pid"

    @property
    def lock_file(self) -> Path:
        return self.root / ".lock"


@dataclass(frozen=True)
class JarCache:
    """`<root>/jars-<version>/`: the broker's runtime classpath, complete once the marker exists."""

    root: Path
    version: str

    @property
    def jars_dir(self) -> Path:
        return self.root.resolve() / f"jars-{self.version}"

    @property
    def marker(self) -> Path:
        return self.jars_dir / ".complete"

    @property
    def lock_file(self) -> Path:
        return self.root.resolve() / f".jars-{self.version}.lock"
