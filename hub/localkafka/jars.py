"""Fetching the broker's runtime classpath from Maven Central, once per version.

Maven copies the jars into a temporary folder that is renamed into place with a
completion marker, so an interrupted fetch never looks complete and a later
start needs neither the network nor a Maven run.
"""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

from hub.localkafka.errors import JarFetchError
from hub.localkafka.locks import file_lock
from hub.localkafka.paths import POM, JarCache
from hub.localkafka.tools import find_maven

COPY_DEPENDENCIES = "org.apache.maven.plugins:maven-dependency-plugin:3.8.1:copy-dependencies"
_MAVEN_TIMEOUT_S = 900.0


def jars_ready(cache: JarCache) -> bool:
    return cache.marker.is_file()


def classpath(cache: JarCache) -> list[Path]:
    """The cached jars in a stable order."""
    return sorted(cache.jars_dir.glob("*.jar"))


def fetch_jars(
    cache: JarCache, *, pom: Path = POM, progress: Callable[[str], None] | None = None
) -> Path:
    """Make sure the jars of `cache.version` are in the cache; return their folder."""
    if jars_ready(cache):
        return cache.jars_dir
    with file_lock(cache.lock_file):
        if jars_ready(cache):  # another process fetched them while we waited
            return cache.jars_dir
        mvn = find_maven()
        if progress is not None:
            progress(f"fetching Kafka {cache.version} jars with Maven into {cache.jars_dir}")
        staging = cache.jars_dir.with_name(cache.jars_dir.name + ".partial")
        shutil.rmtree(staging, ignore_errors=True)
        _run_maven(mvn, pom, cache.version, staging)
        main_jar = staging / f"kafka_2.13-{cache.version}.jar"
        if not main_jar.is_file():
            raise JarFetchError(f"Maven finished but {main_jar.name} is missing from {staging}")
        (staging / cache.marker.name).write_text(
            "\n".join(p.name for p in sorted(staging.glob("*.jar"))) + "\n", encoding="utf-8"
        )
        shutil.rmtree(cache.jars_dir, ignore_errors=True)
        staging.rename(cache.jars_dir)
    return cache.jars_dir


def _run_maven(mvn: Path, pom: Path, version: str, output: Path) -> None:
    command = [
        str(mvn),
        "--batch-mode",
        "--no-transfer-progress",
        "--quiet",
        "-f",
        str(pom),
        COPY_DEPENDENCIES,
        "-DincludeScope=runtime",
        f"-DoutputDirectory={output}",
        f"-Dkafka.version={version}",
    ]
    try:
        done = subprocess.run(
            command,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=_MAVEN_TIMEOUT_S,
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise JarFetchError(f"Maven did not finish within {_MAVEN_TIMEOUT_S:.0f} s") from None
    if done.returncode != 0:
        output_tail = "\n".join((done.stdout + done.stderr).splitlines()[-30:])
        raise JarFetchError(
            f"Maven could not fetch Kafka {version} (exit {done.returncode}):\n{output_tail}"
        )
