"""`hub topics`: the hub's topics, created explicitly (never by auto-creation)."""

from __future__ import annotations

import asyncio
from typing import Annotated

import typer

from adapters.sdk.registry import slugs
from hub.access.clients import access_from
from hub.access.principals import ADMIN_PRINCIPAL
from hub.core.desks import DeskConfigError, load_desks
from hub.services.topics_admin import ensure_topics
from hub.settings import HubSettings
from hub.topics import TopicSpec, hub_topics

app = typer.Typer(help="Create and list the hub's Kafka topics.", no_args_is_help=True)

Bootstrap = Annotated[
    str | None, typer.Option(help="Kafka bootstrap; default $HUB_KAFKA_BOOTSTRAP")
]


def _plan(settings: HubSettings) -> list[TopicSpec]:
    try:
        desks = load_desks(settings.desks)
    except DeskConfigError as exc:
        raise typer.BadParameter(str(exc), param_hint="HUB_DESKS") from None
    return hub_topics(
        slugs(), desks, partitions=settings.partitions, min_insync=settings.min_insync_replicas
    )


@app.command("list")
def list_topics() -> None:
    """Print the topic plan: name, partitions, configuration, purpose."""
    for spec in _plan(HubSettings()):
        config = ",".join(f"{k}={v}" for k, v in sorted(spec.config.items()))
        print(f"{spec.name}\t{spec.partitions}\t{config}\t{spec.purpose}")


@app.command("create")
def create(bootstrap: Bootstrap = None) -> None:
    """Create every missing topic with its partitions and retention; existing ones are kept."""
    settings = HubSettings()
    if bootstrap:
        settings = settings.model_copy(update={"kafka_bootstrap": bootstrap})
    specs = _plan(settings)
    try:
        access = access_from(settings, principal=ADMIN_PRINCIPAL)
        done = asyncio.run(ensure_topics(access, specs, replication=settings.replication))
    except Exception as exc:  # the operator needs the cause, not a traceback
        typer.echo(f"error: cannot create topics on {settings.kafka_bootstrap}: {exc}", err=True)
        raise typer.Exit(1) from None
    made = sum(1 for d in done if d.created)
    print(f"{made} topics created, {len(done) - made} already there")
