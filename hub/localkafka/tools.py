"""Finding the external programs the local broker needs: Java to run it, Maven to fetch it."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from hub.localkafka.errors import ToolMissingError


def find_java() -> Path:
    """`$JAVA_HOME/bin/java` when set, else `java` on PATH (Kafka 4 needs Java 17+)."""
    java_home = os.environ.get("JAVA_HOME")
    if java_home and (Path(java_home) / "bin" / "java").is_file():
        return Path(java_home) / "bin" / "java"
    found = shutil.which("java")
    if found is None:
        raise ToolMissingError(
            "java not found: install a Java 17+ runtime "
            "(Debian: apt-get install openjdk-17-jre-headless) or set JAVA_HOME"
        )
    return Path(found)


def find_maven() -> Path:
    found = shutil.which("mvn")
    if found is None:
        raise ToolMissingError(
            "mvn not found: Maven fetches the Kafka jars on first use "
            "(Debian: apt-get install maven)"
        )
    return Path(found)
