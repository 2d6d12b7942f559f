"""``hub evidence export`` and ``hub evidence verify``: a case's evidence package, and its
offline check (:mod:`contract.evidence`, which needs nothing but ``cryptography``)."""

from __future__ import annotations

import asyncio
import logging
import os
from pathlib import Path
from typing import Annotated

import typer

from contract import evidence
from contract.topology import ROUTER_PRINCIPAL
from hub.access.clients import AccessError, KafkaAccess, access_from
from hub.access.principals import CUSTODY_PRINCIPAL
from hub.cli._io import fail
from hub.core.evidence import EvidenceError
from hub.core.state.integrity import StateMac
from hub.keys.store import KeyStore
from hub.services.evidence import export_package
from hub.settings import HubSettings

app = typer.Typer(no_args_is_help=True, help="Evidence packages of cases, and their check.")


def custody_access(settings: HubSettings) -> KafkaAccess:
    try:
        return access_from(settings, principal=CUSTODY_PRINCIPAL)
    except AccessError as exc:
        raise typer.BadParameter(str(exc), param_hint="HUB_KAFKA_*") from None


def router_mac(store: KeyStore) -> StateMac | None:
    """The router's state MAC when its keys are on this host: custody records without it
    were not written by this hub's router. None elsewhere (an auditor's own machine)."""
    signers = store.signers(ROUTER_PRINCIPAL)
    return StateMac(signers) if signers else None


@app.command("export")
def export_command(
    case_ids: Annotated[list[str], typer.Argument(help="CCA case ids (CCA-XXXX-…)")],
    out: Annotated[Path, typer.Option("--out", help="the package file to write (zip)")],
    wait: Annotated[
        float,
        typer.Option(
            min=0.0, max=3600.0, help="seconds to wait for the case's entries to be signed"
        ),
    ] = 0.0,
) -> None:
    """Write the evidence package of one or more cases: canonical events, native originals
    where retained, keys, custody entries, inclusion and consistency proofs.

    Exit status: 0 written, 1 it cannot be built (the reason is printed), 2 bad usage.
    """
    settings = HubSettings()
    access = custody_access(settings)
    store = KeyStore(settings.state_dir)
    logging.getLogger("aiokafka").setLevel(logging.CRITICAL)
    try:
        registry = store.registry()
        raw = asyncio.run(export_package(access, case_ids, registry, router_mac(store), wait))
    except EvidenceError as exc:
        fail(f"cannot export {', '.join(case_ids)}: {exc}")
    except (OSError, ValueError) as exc:
        fail(str(exc))
    tmp = out.with_name(f".{out.name}.tmp")
    try:
        tmp.write_bytes(raw)
        os.replace(tmp, out)
    except OSError as exc:
        fail(f"cannot write {out}: {exc.strerror}")
    typer.echo(f"wrote {out} ({len(raw)} bytes); check it with: hub evidence verify {out}")


@app.command("verify")
def verify_command(
    package: Annotated[Path, typer.Argument(help="the package file", show_default=False)],
) -> None:
    """Check a package offline (no broker, no hub state): every signature, digest, proof
    and key validity, each printed with its result.

    Exit status: 0 all hold, 1 a link is broken (named), 2 the file is not a package.
    """
    code = evidence.main([str(package)])
    raise typer.Exit(code)
