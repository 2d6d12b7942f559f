"""Formatting the broker's data folder on first use, with Kafka's own storage tool."""

from __future__ import annotations

import subprocess
from collections.abc import Sequence
from pathlib import Path

from hub.localkafka.errors import StorageFormatError
from hub.localkafka.paths import StatePaths
from hub.localkafka.process import STORAGE_TOOL_MAIN, java_command

_TOOL_TIMEOUT_S = 120.0


def ensure_formatted(java: Path, classpath: Sequence[Path], paths: StatePaths) -> str:
    """Format once and return the cluster id; later calls find the data and do nothing.

    The cluster id is kept next to the data so a half-done first format is retried
    with the same id, and `--ignore-formatted` makes the retry harmless.
    """
    cluster_id = _cluster_id(java, classpath, paths)
    if paths.formatted_marker.is_file():
        return cluster_id
    # The quorum is static (controller.quorum.voters), so no --standalone flag.
    _run_tool(
        java,
        classpath,
        paths,
        ["format", "-t", cluster_id, "-c", str(paths.server_properties), "--ignore-formatted"],
    )
    if not paths.formatted_marker.is_file():
        raise StorageFormatError(f"storage tool left no {paths.formatted_marker}")
    return cluster_id


def _cluster_id(java: Path, classpath: Sequence[Path], paths: StatePaths) -> str:
    if paths.cluster_id_file.is_file():
        return paths.cluster_id_file.read_text(encoding="ascii").strip()
    cluster_id = _run_tool(java, classpath, paths, ["random-uuid"]).strip().splitlines()[-1]
    paths.cluster_id_file.write_text(cluster_id + "\n", encoding="ascii")
    return cluster_id


def _run_tool(java: Path, classpath: Sequence[Path], paths: StatePaths, args: list[str]) -> str:
    command = java_command(
        java,
        classpath,
        main=STORAGE_TOOL_MAIN,
        args=args,
        logs_dir=paths.logs_dir,
        heap_min_mb=64,
        heap_max_mb=256,
    )
    try:
        done = subprocess.run(
            command,
            cwd=paths.root,
            stdin=subprocess.DEVNULL,
            umask=0o077,  # meta.properties and the bootstrap checkpoint: the user's alone
            capture_output=True,
            text=True,
            timeout=_TOOL_TIMEOUT_S,
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise StorageFormatError(f"storage tool {args[0]} timed out") from None
    if done.returncode != 0:
        output = "\n".join((done.stdout + done.stderr).splitlines()[-20:])
        raise StorageFormatError(
            f"storage tool {args[0]} failed (exit {done.returncode}):\n{output}"
        )
    return done.stdout
