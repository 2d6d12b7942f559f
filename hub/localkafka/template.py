"""Rendering `deploy/kafka/server.properties.template` and reading the result back."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from string import Template

from hub.localkafka.paths import SERVER_TEMPLATE


def render_server_properties(
    *,
    node_id: int,
    host: str,
    broker_port: int,
    scram_port: int,
    controller_port: int,
    log_dirs: Path,
    keystore: Path,
    truststore: Path,
    super_users: Sequence[str],
    local_port: int | None = None,
    template: str | None = None,
) -> str:
    """Fill in the template; a placeholder without a value is an error, not an empty string.

    ``local_port`` adds the plaintext loopback listener (``--insecure-local``); without it
    the node has none. ``super_users`` are principal names (``broker.local``)."""
    text = SERVER_TEMPLATE.read_text(encoding="utf-8") if template is None else template
    local = f"LOCAL://{host}:{local_port}" if local_port is not None else ""
    values = {
        "node_id": str(node_id),
        "host": host,
        "broker_port": str(broker_port),
        "scram_port": str(scram_port),
        "controller_port": str(controller_port),
        "log_dirs": str(log_dirs),
        "keystore": str(keystore),
        "truststore": str(truststore),
        "super_users": ";".join(f"User:{name}" for name in super_users),
        "local_listener": f",{local}" if local else "",
        "local_advertised": f",{local}" if local else "",
    }
    try:
        return Template(text).substitute(values)
    except KeyError as missing:
        raise ValueError(f"server.properties template needs a value for {missing}") from None


def parse_properties(text: str) -> dict[str, str]:
    """Read `key=value` lines the way the rendered file is written (no continuations)."""
    result: dict[str, str] = {}
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith(("#", "!")) or "=" not in line:
            continue
        key, _, value = line.partition("=")
        result[key.strip()] = value.strip()
    return result


def listener_address(properties: dict[str, str], name: str | None = None) -> tuple[str, int] | None:
    """The host and port clients bootstrap from, from `advertised.listeners`: the listener
    called ``name`` (``MTLS``, ``SCRAM``, ``LOCAL``), or the first one."""
    advertised = properties.get("advertised.listeners", "")
    for listener in advertised.split(","):
        label, sep, address = listener.partition("://")
        host, colon, port = address.rpartition(":")
        if sep and colon and port.isdigit() and name in (None, label.strip()):
            return host, int(port)
    return None
