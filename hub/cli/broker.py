"""`hub broker`: the local single-node Kafka the project runs itself.

Results a script needs (the bootstrap address, the round-trip record) go to
stdout; progress and errors go to stderr. Exit 1 on failure, 2 on bad settings.
"""

from __future__ import annotations

import asyncio
import time
from pathlib import Path
from typing import Annotated, Any, NoReturn

import typer
from pydantic import ValidationError

from hub.access.clients import KafkaAccess
from hub.access.principals import ADMIN_PRINCIPAL
from hub.localkafka import LocalKafka, LocalKafkaError, LocalKafkaSettings
from hub.localkafka.roundtrip import ROUNDTRIP_TOPIC, RoundTrip, roundtrip

app = typer.Typer(help="Run the local single-node Apache Kafka (KRaft).", no_args_is_help=True)

STATUS_STOPPED = 3  # as LSB init scripts report "not running"

StateDir = Annotated[
    Path | None,
    typer.Option(
        "--state-dir",
        help="Folder for the broker's config, data, logs and pid file "
        "(env HUB_STATE_DIR, default ./var).",
        show_default=False,
    ),
]
JarsDir = Annotated[
    Path | None,
    typer.Option(
        "--jars-dir",
        help="Jar cache shared by all state folders "
        "(env HUB_KAFKA_JARS_DIR, default ~/.cache/cca-hub/kafka).",
        show_default=False,
    ),
]
Port = Annotated[
    int | None,
    typer.Option(
        "--port", help="Client port (env HUB_KAFKA_PORT, default 9092).", show_default=False
    ),
]
ControllerPort = Annotated[
    int | None,
    typer.Option(
        "--controller-port",
        help="KRaft controller port (env HUB_KAFKA_CONTROLLER_PORT, default 9093).",
        show_default=False,
    ),
]
ScramPort = Annotated[
    int | None,
    typer.Option(
        "--scram-port",
        help="SASL_SSL (SCRAM-SHA-512) port (env HUB_KAFKA_SCRAM_PORT, default 9094).",
        show_default=False,
    ),
]
LocalPort = Annotated[
    int | None,
    typer.Option(
        "--local-port",
        help="Plaintext loopback port with --insecure-local (env HUB_KAFKA_LOCAL_PORT, "
        "default 9095).",
        show_default=False,
    ),
]


@app.command()
def start(
    state_dir: StateDir = None,
    port: Port = None,
    controller_port: ControllerPort = None,
    scram_port: ScramPort = None,
    local_port: LocalPort = None,
    insecure_local: Annotated[
        bool,
        typer.Option(
            "--insecure-local",
            help="Also listen in plaintext on loopback, unauthenticated (the hub's own "
            "services on a single-user machine only; never for a network or desk).",
        ),
    ] = False,
    jars_dir: JarsDir = None,
) -> None:
    """Start the broker (fetching its jars on first use) and print its mTLS bootstrap address.

    The broker admits only certificates of the federation's CA (created under
    <state>/pki on first use) and SCRAM users, and enforces the ACLs (`hub acl apply`)."""
    kafka = _local_kafka(
        state_dir=state_dir,
        port=port,
        controller_port=controller_port,
        scram_port=scram_port,
        local_port=local_port,
        insecure_local=insecure_local or None,
        jars_dir=jars_dir,
    )
    began = time.monotonic()
    was_running = kafka.status().running
    try:
        status = kafka.start(progress=_progress)
    except LocalKafkaError as error:
        _fail(error)
    if was_running:
        _progress(f"already running (pid {status.pid}), state in {status.state_dir}")
    else:
        _progress(
            f"Kafka {kafka.settings.version} running (pid {status.pid}), "
            f"ready in {time.monotonic() - began:.1f} s, state in {status.state_dir}"
        )
    _progress(f"mTLS {status.bootstrap}, SCRAM {status.scram_bootstrap}")
    if status.local_bootstrap:
        _progress(f"plaintext (loopback, unauthenticated) {status.local_bootstrap}")
    typer.echo(status.bootstrap)


@app.command()
def stop(state_dir: StateDir = None) -> None:
    """Stop the broker of this state folder (SIGTERM, then SIGKILL) and wait for its port."""
    kafka = _local_kafka(state_dir=state_dir)
    try:
        stopped = kafka.stop()
    except LocalKafkaError as error:
        _fail(error)
    typer.echo("stopped" if stopped else "not running")


@app.command()
def status(state_dir: StateDir = None) -> None:
    """Say whether the broker runs, with its pid and bootstrap address (exit 3 if stopped)."""
    current = _local_kafka(state_dir=state_dir).status()
    if not current.running:
        typer.echo(f"stopped (state in {current.state_dir})")
        raise typer.Exit(STATUS_STOPPED)
    typer.echo(f"running pid={current.pid} bootstrap={current.bootstrap} state={current.state_dir}")


@app.command()
def fetch(jars_dir: JarsDir = None) -> None:
    """Download the broker's jars with Maven unless the cache has them; print their folder."""
    kafka = _local_kafka(jars_dir=jars_dir)
    try:
        folder = kafka.fetch(progress=_progress)
    except LocalKafkaError as error:
        _fail(error)
    typer.echo(str(folder))


@app.command("roundtrip")
def roundtrip_command(
    state_dir: StateDir = None,
    bootstrap: Annotated[
        str | None,
        typer.Option(
            "--bootstrap",
            envvar="HUB_KAFKA_BOOTSTRAP",
            help="Broker to use (default: the running local broker of the state folder).",
        ),
    ] = None,
    message: Annotated[str, typer.Option("--message", help="Text to send.")] = (
        "hello from the CCA hub"
    ),
    timeout: Annotated[float, typer.Option("--timeout", help="Seconds to wait.")] = 30.0,
) -> None:
    """Produce one message to the round-trip topic and print it as consumed back."""
    kafka = _local_kafka(state_dir=state_dir)
    if bootstrap is None:
        current = kafka.status()
        if not current.running:
            _fail("no local broker is running: start one with `hub broker start`")
        bootstrap = current.bootstrap
    access = KafkaAccess.mtls(bootstrap, kafka.settings.state_dir, ADMIN_PRINCIPAL)
    try:
        record = asyncio.run(_bounded_roundtrip(access, message.encode("utf-8"), timeout))
    except TimeoutError:
        _fail(f"no round trip through {bootstrap} within {timeout:.0f} s")
    value = (record.value or b"").decode("utf-8", errors="replace")
    typer.echo(f"{record.topic}[{record.partition}]@{record.offset} {value}")


async def _bounded_roundtrip(access: KafkaAccess, payload: bytes, seconds: float) -> RoundTrip:
    async with asyncio.timeout(seconds):
        return await roundtrip(access, payload, topic=ROUNDTRIP_TOPIC)


def _local_kafka(**options: Any) -> LocalKafka:
    """Settings from the options given, the environment for the rest."""
    given = {name: value for name, value in options.items() if value is not None}
    try:
        return LocalKafka(LocalKafkaSettings(**given))
    except ValidationError as error:
        problems = "; ".join(
            f"{'.'.join(str(part) for part in problem['loc'])}: {problem['msg']}"
            for problem in error.errors()
        )
        typer.echo(f"error: invalid broker settings: {problems}", err=True)
        raise typer.Exit(2) from None


def _progress(message: str) -> None:
    typer.echo(message, err=True)


def _fail(error: LocalKafkaError | str) -> NoReturn:
    typer.echo(f"error: {error}", err=True)
    raise typer.Exit(1)
