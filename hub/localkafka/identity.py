"""The local node's identity: its certificate and the administrator's, from the federation's
CA under ``<state>/pki`` (created on first use), and the files the broker reads them from."""

from __future__ import annotations

import os
import ssl
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from hub.access.principals import ADMIN_PRINCIPAL, NODE_PRINCIPAL
from hub.pki import Authority, ClientFiles, Kind, pki_dir

#: a certificate this close to its end is issued again when the broker starts
_RENEW_BEFORE = timedelta(days=30)


@dataclass(frozen=True)
class NodeIdentity:
    keystore: Path  # the node's private key then its certificate, PEM, owner-only
    truststore: Path  # the CA certificate
    admin: ClientFiles


def ensure_node_identity(state_dir: Path, kafka_root: Path, host: str) -> NodeIdentity:
    """The CA (created if missing), a current node and administrator certificate (issued
    when missing or near their end), and the node's keystore file, rewritten each start."""
    authority = Authority.ensure(pki_dir(state_dir))
    node = _current(authority, NODE_PRINCIPAL, kind="broker", hosts=(host, "localhost"))
    admin = _current(authority, ADMIN_PRINCIPAL, kind="client", hosts=())
    keystore = kafka_root / "node-keystore.pem"
    pem = node.key.read_bytes() + node.cert.read_bytes()
    fd = os.open(keystore, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as out:
        out.write(pem)
    keystore.chmod(0o600)
    return NodeIdentity(keystore=keystore, truststore=authority.ca_cert_path, admin=admin)


def client_context(files: ClientFiles) -> ssl.SSLContext:
    """A TLS client context that trusts the CA only and presents ``files``' certificate."""
    context = ssl.create_default_context(cafile=str(files.ca))
    context.load_cert_chain(str(files.cert), str(files.key))
    return context


def _current(
    authority: Authority, principal: str, *, kind: Kind, hosts: tuple[str, ...]
) -> ClientFiles:
    try:
        issued = authority.show(principal)
    except KeyError:
        return authority.issue(principal, kind=kind, hosts=hosts).files
    if issued.revoked or issued.not_after - datetime.now(UTC) <= _RENEW_BEFORE:
        return authority.issue(principal, kind=kind, hosts=hosts).files
    return issued.files
