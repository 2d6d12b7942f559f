"""A real Prometheus for the tests: the binary on a free loopback port with its own
configuration and storage, the hub's alert rules loaded, and helpers to wait on what it
answers."""

from __future__ import annotations

import asyncio
import math
import os
import shutil
import signal
import subprocess
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml

from hub.localkafka.ports import free_ports

ROOT = Path(__file__).resolve().parents[2]
RULES = ROOT / "deploy" / "prometheus" / "alerts.yml"


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


class Prometheus:
    """The Prometheus binary on a free loopback port, with its own config and storage."""

    def __init__(self, binary: str, workdir: Path, jobs: dict[str, int]) -> None:
        self.binary = binary
        self.workdir = workdir
        self.jobs = jobs
        self.port = free_ports(1)[0]
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = workdir / "prometheus.log"
        self.proc: subprocess.Popen[bytes] | None = None

    def config(self) -> dict[str, Any]:
        return {
            "global": {
                "scrape_interval": "1s",
                "scrape_timeout": "1s",
                "evaluation_interval": "1s",
            },
            "rule_files": [str(RULES)],
            "scrape_configs": [
                {"job_name": job, "static_configs": [{"targets": [f"127.0.0.1:{port}"]}]}
                for job, port in self.jobs.items()
            ],
        }

    def start(self) -> None:
        config = self.workdir / "prometheus.yml"
        config.write_text(yaml.safe_dump(self.config()), encoding="utf-8")
        log = self.log_path.open("ab")
        self.proc = subprocess.Popen(
            [
                self.binary,
                f"--config.file={config}",
                f"--storage.tsdb.path={self.workdir / 'data'}",
                f"--web.listen-address=127.0.0.1:{self.port}",
                "--log.level=warn",
            ],
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        log.close()

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(timeout=30)

    def tail(self) -> str:
        return self.log_path.read_text(errors="replace")[-3000:]

    async def ready(self, client: httpx.AsyncClient, within_s: float = 60) -> None:
        """Wait until the server answers ``/-/ready`` (it answers 503 while it starts)."""

        async def answered() -> bool:
            try:
                return (await client.get(f"{self.url}/-/ready")).status_code == 200
            except httpx.TransportError:
                return False

        await until(answered, within_s, lambda: f"Prometheus did not become ready\n{self.tail()}")

    async def api(self, client: httpx.AsyncClient, path: str, **params: str) -> Any:
        response = await client.get(f"{self.url}/api/v1/{path}", params=params)
        response.raise_for_status()
        body = response.json()
        assert body["status"] == "success", body
        return body["data"]

    async def query(self, client: httpx.AsyncClient, expr: str) -> list[dict[str, Any]]:
        data = await self.api(client, "query", query=expr)
        result: list[dict[str, Any]] = data["result"]
        return result


def has_number(result: list[dict[str, Any]]) -> bool:
    return any(not math.isnan(float(sample["value"][1])) for sample in result)


async def until(
    check: Callable[[], Awaitable[bool]], within_s: float, what: Callable[[], str]
) -> None:
    deadline = time.monotonic() + within_s
    while not await check():
        if time.monotonic() > deadline:
            raise AssertionError(f"not within {within_s:g}s: {what()}")
        await asyncio.sleep(0.5)


def required_tool(name: str) -> str:
    """The path of a tool of the Debian package `prometheus` (``prometheus``, ``promtool``):
    missing, the test is skipped, or fails under CI."""
    found = shutil.which(name)
    if found is None:
        reason = f"{name} is not installed (Debian package `prometheus`)"
        if in_ci():
            pytest.fail(f"{reason}; CI is set, so this fails instead of skipping", pytrace=False)
        pytest.skip(reason)
    return found


@pytest.fixture
def prometheus_binary() -> str:
    return required_tool("prometheus")
