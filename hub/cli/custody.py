"""``hub custody audit``: check the custody logs against their signed heads and the desks,
once or as a monitor with metrics (alert ``HubCustodyAuditFailed``)."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from typing import Annotated

import typer
from prometheus_client import REGISTRY, CollectorRegistry, Counter, Gauge

from hub.cli.evidence import custody_access, router_mac
from hub.core.desks import DeskConfigError, load_desks
from hub.keys.store import KeyStore
from hub.ops.observability import HealthServer
from hub.services.evidence import AuditResult, run_audit
from hub.settings import HubSettings

app = typer.Typer(no_args_is_help=True, help="The chain of custody: audit its logs.")
log = logging.getLogger(__name__)


class AuditMetrics:
    def __init__(self, registry: CollectorRegistry = REGISTRY) -> None:
        self.problems = Gauge(
            "hub_custody_audit_problems",
            "Checks the last custody audit found failing (0: every check held)",
            registry=registry,
        )
        self.entries = Gauge(
            "hub_custody_audit_entries", "Custody entries the last audit read", registry=registry
        )
        self.runs = Counter(
            "hub_custody_audit_runs",
            "Custody audits run, by outcome (ok, problems, error: the broker was not read)",
            ["outcome"],
            registry=registry,
        )
        for outcome in ("ok", "problems", "error"):
            self.runs.labels(outcome)

    def record(self, result: AuditResult | None) -> None:
        if result is None:
            self.runs.labels("error").inc()
            return
        self.problems.set(len(result.problems))
        self.entries.set(result.entries)
        self.runs.labels("problems" if result.problems else "ok").inc()


def _render(result: AuditResult) -> str:
    lines = [
        f"custody entries: {result.entries}; signed heads: {result.heads}; events: "
        f"{result.events}; desk deliveries: {result.delivered}; foreign records: "
        f"{result.foreign}",
        *(f"PROBLEM {p}" for p in result.problems),
        "every check holds" if not result.problems else f"{len(result.problems)} problems",
    ]
    return "\n".join(lines)


@app.command("audit")
def audit_command(
    as_json: Annotated[bool, typer.Option("--json", help="one JSON document")] = False,
    ignore_foreign: Annotated[
        bool,
        typer.Option(
            "--ignore-foreign",
            help="skip records another hub's router wrote (a broker shared by several hubs)",
        ),
    ] = False,
    watch: Annotated[
        bool, typer.Option("--watch", help="audit again every --interval, serving metrics")
    ] = False,
    interval: Annotated[float, typer.Option(min=1.0, help="seconds between audits")] = 60.0,
    metrics_port: Annotated[
        int, typer.Option(min=0, max=65535, help="with --watch: /metrics and /health")
    ] = 9108,
) -> None:
    """Every custody log: entries indexed in order, each head signed by a router key valid
    then and the root of its log, consecutive heads consistent (RFC 9162), each event
    routed by one entry, and each desk record delivered by exactly one entry.

    Exit status: 0 every check holds, 1 a check failed (each printed), 2 bad usage,
    3 the broker or the key registry could not be read.
    """
    settings = HubSettings()
    access = custody_access(settings)
    store = KeyStore(settings.state_dir)
    try:
        desks = list(load_desks(settings.desks).names)
    except DeskConfigError as exc:
        raise typer.BadParameter(str(exc), param_hint="HUB_DESKS") from None
    logging.getLogger("aiokafka").setLevel(logging.CRITICAL)

    async def once() -> AuditResult:
        return await run_audit(
            access,
            store.registry(),
            desks,
            router_mac(store),
            foreign_is_a_problem=not ignore_foreign,
        )

    if not watch:
        try:
            result = asyncio.run(once())
        except Exception as exc:  # the operator needs the cause, not a traceback
            typer.echo(
                f"error: cannot audit the custody logs: {exc or type(exc).__name__}", err=True
            )
            raise typer.Exit(3) from None
        typer.echo(json.dumps(result.to_json(), indent=2) if as_json else _render(result))
        raise typer.Exit(1 if result.problems else 0)

    metrics = AuditMetrics()

    async def monitor() -> None:
        server = HealthServer(settings.metrics_host, metrics_port, ready=lambda: {"audit": True})
        port = await server.start()
        typer.echo(f"custody audit every {interval:g}s; metrics on {settings.metrics_host}:{port}")
        try:
            while True:
                try:
                    result = await once()
                except Exception as exc:
                    log.warning("custody audit could not read the broker: %s", exc)
                    metrics.record(None)
                else:
                    metrics.record(result)
                    for problem in result.problems:
                        log.error("custody audit: %s", problem)
                await asyncio.sleep(interval)
        finally:
            await server.stop()

    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(monitor())
