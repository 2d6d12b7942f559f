"""The Kafka version inside a classpath, read from the jar rather than its file name."""

from __future__ import annotations

import zipfile
from collections.abc import Iterable
from pathlib import Path

_VERSION_RESOURCE = "kafka/kafka-version.properties"


def kafka_version_in(classpath: Iterable[Path]) -> str | None:
    """The `version=` of kafka-clients' version resource, as Kafka itself reports it."""
    for jar in classpath:
        if not jar.name.startswith("kafka-clients-") or not jar.is_file():
            continue
        with zipfile.ZipFile(jar) as archive:
            try:
                text = archive.read(_VERSION_RESOURCE).decode("utf-8", errors="replace")
            except KeyError:
                continue
        for line in text.splitlines():
            key, _, value = line.partition("=")
            if key.strip() == "version":
                return value.strip()
    return None
