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
    insecure_local: Annotated[
        bool,
        typer.Option(
            "--insecure-local",
            help="run the hub in plaintext on the local broker's loopback listener (no TLS, "
            "no ACLs); the default is mTLS with the ACLs of deploy/participants.toml",
        ),
    ] = False,
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
            kafka = LocalKafka(
                LocalKafkaSettings(
                    state_dir=settings.state_dir,
                    insecure_local=insecure_local,
                    # the demo's plaintext clients are the hub's own services
                    extra_super_users=("ANONYMOUS",) if insecure_local else (),
                )
            )
            running = kafka.status()
            if running.running and bool(running.local_bootstrap) != insecure_local:
                kafka.stop()  # its plaintext listener is not what was asked: restart it
            status = kafka.start()
        except LocalKafkaError as exc:
            typer.echo(f"error: the local Kafka broker did not start: {exc}", err=True)
            raise typer.Exit(1) from None
        if insecure_local:
            assert status.local_bootstrap is not None
            update = {"kafka_bootstrap": status.local_bootstrap, "kafka_security": "plaintext"}
        else:
            update = {"kafka_bootstrap": status.bootstrap, "kafka_security": "mtls"}
        settings = settings.model_copy(update=update)
        mode = "plaintext, loopback" if insecure_local else "mTLS, ACLs on"
        console.print(
            f"Kafka (local, KRaft) at {settings.kafka_bootstrap} ({mode}); "
            f"state in {settings.state_dir}"
        )
    code = asyncio.run(run_demo(settings, rate=rate, duration_s=duration, console=console))
    if local_broker:
        console.print("The broker keeps running. Stop it with: hub broker stop")
    raise typer.Exit(code)
