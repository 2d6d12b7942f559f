"""The `hub` command: the operator's and adapter developer's entry point.

Each command group lives in its own module and is mounted here.
"""

from __future__ import annotations

import typer

from hub.cli import (
    acl,
    adapter,
    asyncapi,
    broker,
    clearance,
    custody,
    demo,
    evidence,
    keys,
    pki,
    schemas,
    serve,
    status,
    topics,
    translate,
)

app = typer.Typer(
    name="hub",
    help="CCA integration hub: translate, route and run the federated message bus.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
app.command("translate")(translate.translate_command)
app.command("route")(translate.route_command)
app.command("networks")(translate.networks_command)
app.add_typer(broker.app, name="broker")
app.add_typer(keys.app, name="keys")
app.add_typer(pki.app, name="pki")
app.add_typer(schemas.app, name="schemas")
app.add_typer(adapter.app, name="adapter")
app.add_typer(topics.app, name="topics")
app.add_typer(acl.app, name="acl")
app.add_typer(clearance.app, name="clearance")
app.add_typer(evidence.app, name="evidence")
app.add_typer(custody.app, name="custody")
app.command("serve")(serve.serve_command)
app.command("demo")(demo.demo_command)
app.command("status")(status.status_command)
app.command("asyncapi")(asyncapi.asyncapi_command)


def main() -> None:
    app()
