"""`hub demo`: the hub's main job on the embedded default, with live counts."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from hub.settings import HubSettings


def demo_command(
    rate: Annotated[
        float, typer.Option(help="native messages per second", min=0.1, max=5000)
    ] = 20.0,
    duration: Annotated[float | None, typer.Option(help="stop after this many seconds")] = None,
    local_broker: Annotated[
        bool,
        typer.Option(
            help="start (or reuse) the project's local Kafka; off: use $HUB_KAFKA_BOOTSTRAP"
        ),
    ] = True,
    state_dir: Annotated[Path | None, typer.Option(help="state folder (default ./var)")] = None,
) -> None:
    """Run the router and every adapter with realistic traffic from all seven networks
    (some of it bad on purpose) and show, live, where it goes. Ctrl-C stops it cleanly."""
    from hub.demo.run import run_demo
    from hub.localkafka import LocalKafka, LocalKafkaError, LocalKafkaSettings

    console = Console(stderr=False)
    overrides: dict[str, object] = {}
    if state_dir is not None:
        overrides["state_dir"] = state_dir
        os.environ["HUB_STATE_DIR"] = str(state_dir)
    settings = HubSettings(**overrides)  # type: ignore[arg-type]
    if local_broker:
        try:
            status = LocalKafka(LocalKafkaSettings(state_dir=settings.state_dir)).start()
        except LocalKafkaError as exc:
            typer.echo(f"error: the local Kafka broker did not start: {exc}", err=True)
            raise typer.Exit(1) from None
        settings = settings.model_copy(update={"kafka_bootstrap": status.bootstrap})
        console.print(f"Kafka (local, KRaft) at {status.bootstrap}; state in {settings.state_dir}")
    code = asyncio.run(run_demo(settings, rate=rate, duration_s=duration, console=console))
    if local_broker:
        console.print("The broker keeps running. Stop it with: hub broker stop")
    raise typer.Exit(code)
