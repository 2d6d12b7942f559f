"""`hub serve`: run the router and/or adapter services in this process."""

from __future__ import annotations

import asyncio
import logging
from typing import Annotated

import typer

from adapters.sdk.registry import slugs
from hub.access.clients import AccessError, CertificateProblem, access_from
from hub.access.principals import service_principal
from hub.keys.store import NoSigningKeyError
from hub.settings import HubSettings


def serve_command(
    router: Annotated[bool, typer.Option("--router", help="run the CCA router")] = False,
    adapter: Annotated[
        list[str] | None, typer.Option("--adapter", help="run this network's adapter service")
    ] = None,
    all_adapters: Annotated[bool, typer.Option("--all-adapters", help="every adapter")] = False,
    instance: Annotated[str | None, typer.Option(help="this process's id in its groups")] = None,
    metrics_port: Annotated[int | None, typer.Option(help="serve /metrics and /health")] = None,
) -> None:
    """Run hub services until SIGINT/SIGTERM. Exit 3 when fenced by a newer instance."""
    from hub.services.process import ServiceProcess

    overrides: dict[str, object] = {}
    if instance is not None:
        overrides["instance"] = instance
    if metrics_port is not None:
        overrides["metrics_port"] = metrics_port
    settings = HubSettings(**overrides)  # type: ignore[arg-type]
    names = slugs() if all_adapters else list(adapter or [])
    unknown = [n for n in names if n not in slugs()]
    if unknown:
        raise typer.BadParameter(
            f"unknown network(s): {', '.join(unknown)}", param_hint="--adapter"
        )
    if not router and not names:
        raise typer.BadParameter("nothing to run: give --router and/or --adapter/--all-adapters")
    if settings.kafka_principal is None and settings.kafka_security == "mtls":
        principal = service_principal(router, names, slugs())
        if principal is None:
            raise typer.BadParameter(
                "one process has one identity on the broker: run the router and the adapters "
                "as separate processes, or name the principal with HUB_KAFKA_PRINCIPAL"
            )
        settings = settings.model_copy(update={"kafka_principal": principal})
    try:
        access_from(settings).check()
    except (AccessError, CertificateProblem) as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(1) from None
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")

    async def main() -> int:
        process = ServiceProcess(settings, router=router, adapters=names)
        return await process.run()

    try:
        code = asyncio.run(main())
    except NoSigningKeyError as exc:
        typer.echo(f"error: {exc} (create one with `hub keys create <network>`)", err=True)
        raise typer.Exit(1) from None
    raise typer.Exit(code)
