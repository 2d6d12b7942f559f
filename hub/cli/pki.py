"""`hub pki`: the federation's certificate authority for Kafka identities (mutual TLS).

Files live under ``<state>/pki``. Only public facts are printed; private keys stay in
their 0600 files and only their paths are shown.
"""

from __future__ import annotations

import os
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from hub.cli._io import fail as _fail
from hub.cli._io import run_or_fail as _run
from hub.keys.paths import DEFAULT_STATE_DIR, STATE_DIR_ENV
from hub.pki import Authority, Issued, pki_dir
from hub.pki.authority import DEFAULT_CA_NAME
from hub.pki.names import check_kind

__all__ = ["app"]

app = typer.Typer(
    help="The federation's certificate authority: TLS certificates for Kafka identities.",
    no_args_is_help=True,
    add_completion=False,
)

StateDir = Annotated[
    Path,
    typer.Option(
        "--state-dir",
        envvar=STATE_DIR_ENV,
        file_okay=False,
        help="Hub state directory (the CA lives under <state>/pki).",
    ),
]
Principal = Annotated[
    str, typer.Argument(help="Principal, e.g. net.refco or broker-1.", show_default=False)
]


class KindOption(StrEnum):
    client = "client"
    broker = "broker"


def _authority(state_dir: Path) -> Authority:
    authority = Authority(pki_dir(state_dir))
    if not authority.exists():
        _fail(f"no CA in {authority.root}: run hub pki init first")
    return authority


def _time(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _status(issued: Issued, now: datetime) -> str:
    if issued.revoked:
        return "revoked"
    if now > issued.not_after:
        return "expired"
    if now < issued.not_before:
        return "not yet valid"
    return "valid"


def _describe(issued: Issued) -> None:
    typer.echo(f"principal    {issued.principal}")
    typer.echo(f"kind         {issued.kind}")
    typer.echo(f"serial       {issued.serial:x}")
    typer.echo(f"valid        {_time(issued.not_before)} .. {_time(issued.not_after)}")
    typer.echo(f"status       {_status(issued, datetime.now(UTC))}")
    if issued.revoked_at is not None:
        typer.echo(f"revoked at   {_time(issued.revoked_at)}")
    typer.echo(f"fingerprint  sha256 {issued.fingerprint}")
    typer.echo(f"certificate  {issued.files.cert}")
    typer.echo(f"private key  {issued.files.key} (mode 0600)")
    typer.echo(f"CA           {issued.files.ca}")


@app.command()
def init(
    name: Annotated[str, typer.Option(help="The CA's common name.")] = DEFAULT_CA_NAME,
    days: Annotated[int, typer.Option(min=1, max=36500, help="Days the CA is valid.")] = 3650,
    state_dir: StateDir = DEFAULT_STATE_DIR,
) -> None:
    """Create the CA (does nothing if one exists)."""
    root = pki_dir(state_dir)
    if Authority(root).exists():
        typer.echo(f"CA already exists at {Authority(root).ca_cert_path}")
        return
    authority = _run(lambda: Authority.create(root, name=name, days=days))
    typer.echo(f"created CA {name}")
    typer.echo(f"certificate  {authority.ca_cert_path}")
    typer.echo(f"private key  {authority.ca_key_path} (mode 0600)")
    typer.echo(f"CRL          {authority.crl_path}")


@app.command()
def issue(
    principal: Principal,
    kind: Annotated[
        KindOption, typer.Option(help="client: clientAuth; broker: serverAuth and clientAuth.")
    ] = KindOption.client,
    days: Annotated[
        int, typer.Option(min=1, max=3650, help="Days the certificate is valid.")
    ] = 365,
    host: Annotated[
        list[str] | None,
        typer.Option(
            "--host",
            help="A broker's DNS name or IP address (repeatable; default localhost, 127.0.0.1).",
            show_default=False,
        ),
    ] = None,
    state_dir: StateDir = DEFAULT_STATE_DIR,
) -> None:
    """Issue a key and certificate to a principal, replacing its current files."""
    authority = _authority(state_dir)
    hosts = tuple(host or ())
    issued = _run(
        lambda: authority.issue(principal, kind=check_kind(kind.value), days=days, hosts=hosts)
    )
    _describe(issued)


@app.command("list")
def list_certificates(state_dir: StateDir = DEFAULT_STATE_DIR) -> None:
    """List every certificate issued, with its status now."""
    authority = _authority(state_dir)
    entries = _run(authority.list)
    if not entries:
        typer.echo("no certificates issued", err=True)
        return
    now = datetime.now(UTC)
    rows = [("PRINCIPAL", "KIND", "SERIAL", "NOT AFTER", "STATUS")]
    for entry in entries:
        rows.append(
            (
                entry.principal,
                entry.kind,
                f"{entry.serial:x}",
                _time(entry.not_after),
                _status(entry, now),
            )
        )
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]) - 1)]
    for row in rows:
        cells = [cell.ljust(width) for cell, width in zip(row, widths, strict=False)]
        typer.echo("  ".join([*cells, row[-1]]).rstrip())


@app.command()
def show(principal: Principal, state_dir: StateDir = DEFAULT_STATE_DIR) -> None:
    """Show a principal's current certificate."""
    authority = _authority(state_dir)
    _describe(_run(lambda: authority.show(principal)))


def _parse_serial(text: str) -> int:
    digits = text.lower().removeprefix("0x").replace(":", "")
    try:
        return int(digits, 16)
    except ValueError:
        _fail(f"--serial {text!r} is not a hexadecimal serial number")


@app.command()
def revoke(
    principal: Principal,
    serial: Annotated[
        str | None,
        typer.Option(
            "--serial",
            help="Only this certificate (hex, as `hub pki list` shows); default: all of them.",
            show_default=False,
        ),
    ] = None,
    state_dir: StateDir = DEFAULT_STATE_DIR,
) -> None:
    """Revoke a principal's certificates and rewrite the CRL."""
    number = _parse_serial(serial) if serial is not None else None
    authority = _authority(state_dir)
    done = _run(lambda: authority.revoke(principal, serial=number))
    for issued in done:
        typer.echo(f"revoked {issued.principal} serial {issued.serial:x}")
    if not done:
        typer.echo(f"nothing to revoke: {principal}'s certificates are revoked already")
        return
    noun = "certificate" if len(done) == 1 else "certificates"
    typer.echo(f"revoked {len(done)} {noun} of {principal}; CRL rewritten: {authority.crl_path}")


@app.command()
def bootstrap(
    broker: Annotated[
        list[str] | None,
        typer.Option(
            "--broker", help="A broker node's host name: its certificate and keystore file."
        ),
    ] = None,
    participants: Annotated[
        Path | None,
        typer.Option("--participants", dir_okay=False, help="Also certify every mTLS participant."),
    ] = None,
    owner: Annotated[
        list[str] | None,
        typer.Option(
            "--owner",
            help="PRINCIPAL=UID: hand that principal's key file to this uid (run as root); "
            "the issued folder then lets other uids reach their own file by name",
        ),
    ] = None,
    state_dir: StateDir = DEFAULT_STATE_DIR,
) -> None:
    """Everything a deployment needs before its brokers start, idempotent: the CA, a
    certificate and PEM keystore (<principal>.keystore.pem: key, then certificate) for each
    broker, and with --participants a certificate for every participant connecting with one."""
    from hub.access.participants import ParticipantsError, load_participants
    from hub.access.principals import ADMIN_PRINCIPAL
    from hub.access.provision import issue_missing

    authority = Authority.ensure(pki_dir(state_dir))
    for host in broker or []:
        try:
            files = authority.files(host)
        except KeyError:
            files = _issue_broker(authority, host).files
        keystore = files.cert.with_suffix(".keystore.pem")
        _write_private(keystore, files.key.read_bytes() + files.cert.read_bytes())
        typer.echo(f"broker {host}: {files.cert}, keystore {keystore}")
    try:
        authority.files(ADMIN_PRINCIPAL)
    except KeyError:
        authority.issue(ADMIN_PRINCIPAL)
        typer.echo(f"issued a certificate to {ADMIN_PRINCIPAL}")
    if participants is not None:
        try:
            entries = load_participants(participants)
        except ParticipantsError as error:
            _fail(str(error))
        for principal in issue_missing(state_dir, entries):
            typer.echo(f"issued a certificate to {principal}")
    if owner:
        # other uids must reach their own key by name (never list the folders)
        authority.root.chmod(0o711)
        authority.issued_dir.chmod(0o711)
    for spec in owner or []:
        principal, _, uid = spec.partition("=")
        if not uid.isdigit():
            _fail(f"--owner {spec!r}: expected PRINCIPAL=UID")
        key = _run(lambda p=principal: authority.files(p)).key  # type: ignore[misc]
        for private in (key, key.with_suffix(".keystore.pem")):
            if private.exists():
                os.chown(private, int(uid), -1)
                typer.echo(f"{private} now belongs to uid {uid}")


def _issue_broker(authority: Authority, host: str) -> Issued:
    return _run(lambda: authority.issue(host, kind="broker", hosts=[host, "localhost"]))


def _write_private(path: Path, data: bytes) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as out:
        out.write(data)
    path.chmod(0o600)
