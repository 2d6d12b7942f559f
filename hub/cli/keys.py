"""`hub keys`: create, list, rotate, revoke and export the networks' signing keys; sign the
registry with the operator key; encrypt key files written before encryption.

Only public material is ever printed; private keys stay in ``<state>/keys/private/``
(encrypted, owner-only). The key passphrase is never an option: it comes from
``HUB_KEY_PASSPHRASE_FILE`` or ``HUB_KEY_PASSPHRASE`` (:mod:`hub.keys.passphrase`).
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer

from contract.keys import KeyRecord, KeyRegistry
from contract.keys.signature import signature_path
from hub.cli._io import fail as _fail
from hub.cli._io import run_or_fail as _run
from hub.keys import KeyStore
from hub.keys.paths import DEFAULT_STATE_DIR, STATE_DIR_ENV

__all__ = ["app"]

app = typer.Typer(
    help="Manage the networks' Ed25519 signing keys and the public key registry.",
    no_args_is_help=True,
    add_completion=False,
)

StateDir = Annotated[
    Path,
    typer.Option(
        "--state-dir",
        envvar=STATE_DIR_ENV,
        file_okay=False,
        help="Hub state directory (keys live under <state>/keys).",
    ),
]
Network = Annotated[str, typer.Argument(help="Network slug, e.g. refco.", show_default=False)]
ValidDays = Annotated[int, typer.Option(min=1, max=3650, help="Days the new key is valid.")]


def _time(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _describe(record: KeyRecord, store: KeyStore) -> None:
    typer.echo(f"key id      {record.key_id}")
    typer.echo(f"network     {record.network}")
    typer.echo(f"valid       {_time(record.not_before)} .. {_time(record.not_after)}")
    typer.echo(f"public key  {record.public_key}")
    path = store.private_key_path(record.network, record.key_id)
    typer.echo(f"private key stored in {path} (encrypted, mode 0600)")


@app.command()
def create(
    network: Network,
    valid_days: ValidDays = 365,
    state_dir: StateDir = DEFAULT_STATE_DIR,
) -> None:
    """Create a network's first (or an extra) key pair and register its public key."""
    store = KeyStore(state_dir)
    record, _ = _run(lambda: store.create(network, valid_days=valid_days))
    _describe(record, store)


@app.command()
def rotate(
    network: Network,
    overlap_days: Annotated[
        int,
        typer.Option(min=0, max=3650, help="Days the current keys stay valid after rotation."),
    ] = 7,
    valid_days: ValidDays = 365,
    state_dir: StateDir = DEFAULT_STATE_DIR,
) -> None:
    """Replace a network's key: the new one signs now; old ones expire after the overlap."""
    store = KeyStore(state_dir)
    record, _ = _run(
        lambda: store.rotate(network, overlap_days=overlap_days, valid_days=valid_days)
    )
    _describe(record, store)


@app.command()
def revoke(
    key_id: Annotated[str, typer.Argument(help="Key id to revoke.", show_default=False)],
    reason: Annotated[
        str, typer.Option("--reason", help="Why (kept in the registry).", show_default=False)
    ],
    at: Annotated[
        str | None,
        typer.Option(help="RFC 3339 time the revocation takes effect (default: now)."),
    ] = None,
    state_dir: StateDir = DEFAULT_STATE_DIR,
) -> None:
    """Revoke a key: every event checked from then on that it signed is refused."""
    when = _parse_time(at) if at is not None else None
    record = _run(lambda: KeyStore(state_dir).revoke(key_id, reason, at=when))
    revoked_at = record.revoked_at or datetime.now(UTC)
    typer.echo(f"revoked {record.key_id} ({record.network}) from {_time(revoked_at)}")


def _parse_time(text: str) -> datetime:
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        _fail(f"--at {text!r} is not an RFC 3339 time")
    if value.tzinfo is None:
        _fail("--at needs a time zone, e.g. 2026-05-09T10:00:00Z")
    return value


@app.command("list")
def list_keys(
    network: Annotated[
        str | None, typer.Option(help="Only this network's keys.", show_default=False)
    ] = None,
    state_dir: StateDir = DEFAULT_STATE_DIR,
) -> None:
    """List registered keys with their status now."""
    registry = _run(lambda: KeyStore(state_dir).registry())
    records = registry.records(network)
    if not records:
        typer.echo("no keys registered", err=True)
        return
    now = datetime.now(UTC)
    rows = [("KEY ID", "NETWORK", "STATUS", "NOT BEFORE", "NOT AFTER", "REVOCATION")]
    for record in records:
        status = record.status(now)
        note = ""
        if record.revoked_at is not None:
            note = f"{_time(record.revoked_at)} {record.revocation_reason}"
        rows.append(
            (
                record.key_id,
                record.network,
                status.value,
                _time(record.not_before),
                _time(record.not_after),
                note,
            )
        )
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]) - 1)]
    for row in rows:
        cells = [cell.ljust(width) for cell, width in zip(row, widths, strict=False)]
        typer.echo("  ".join([*cells, row[-1]]).rstrip())


@app.command()
def export(
    network: Network,
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", dir_okay=False, help="Write here instead of stdout."),
    ] = None,
    state_dir: StateDir = DEFAULT_STATE_DIR,
) -> None:
    """Print a network's public registry entries, in the registry file format."""
    registry = _run(lambda: KeyStore(state_dir).registry())
    records = registry.records(network)
    if not records:
        _fail(f"network {network} has no registered keys")
    document = KeyRegistry(records).to_json()
    if output is None:
        typer.echo(document.decode(), nl=False)
    else:
        _run(lambda: output.write_bytes(document))
        typer.echo(f"wrote {len(records)} keys of {network} to {output}", err=True)


@app.command()
def encrypt(state_dir: StateDir = DEFAULT_STATE_DIR) -> None:
    """Encrypt, in place, private key files written before keys were encrypted."""
    done = _run(lambda: KeyStore(state_dir).encrypt_legacy_keys())
    for path in done:
        typer.echo(f"encrypted {path}")
    if not done:
        typer.echo("every private key file is encrypted already", err=True)


operator_app = typer.Typer(
    help="The operator key, which signs the key registry (services trust only its signature).",
    no_args_is_help=True,
    add_completion=False,
)
app.add_typer(operator_app, name="operator")


@operator_app.command("init")
def operator_init(state_dir: StateDir = DEFAULT_STATE_DIR) -> None:
    """Create the operator key and pin its public key (does nothing if it exists)."""
    store = KeyStore(state_dir)
    operator = _run(store.init_operator)
    verb = "created" if operator.created else "exists:"
    typer.echo(f"operator key {verb} {operator.fingerprint}")
    typer.echo(f"private key  {store.operator_private_path} (encrypted, mode 0600)")
    typer.echo(f"pinned at    {store.operator_pin_path}")
    if store.registry_path.exists() and not signature_path(store.registry_path).exists():
        typer.echo(
            f"{store.registry_path} is not signed: review it, then `hub keys operator sign`",
            err=True,
        )


@operator_app.command("sign")
def operator_sign(state_dir: StateDir = DEFAULT_STATE_DIR) -> None:
    """Sign the registry file as it is now (one written before signing, or restored from a
    backup) as a new revision. It trusts the file's content: review it first."""
    store = KeyStore(state_dir)
    count, signature = _run(store.sign_registry)
    typer.echo(
        f"signed {store.registry_path} ({count} keys) as revision {signature.serial} "
        f"with operator key {signature.operator_key}"
    )
