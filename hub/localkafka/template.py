"""Rendering `deploy/kafka/server.properties.template` and reading the result back."""

from __future__ import annotations

from pathlib import Path
from string import Template

from hub.localkafka.paths import SERVER_TEMPLATE


def render_server_properties(
    *,
    node_id: int,
    host: str,
    broker_port: int,
    controller_port: int,
    log_dirs: Path,
    template: str | None = None,
) -> str:
    """Fill in the template; a placeholder without a value is an error, not an empty string."""
    text = SERVER_TEMPLATE.read_text(encoding="utf-8") if template is None else template
    values = {
        "node_id": str(node_id),
        "host": host,
        "broker_port": str(broker_port),
        "controller_port": str(controller_port),
        "log_dirs": str(log_dirs),
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


def listener_address(properties: dict[str, str]) -> tuple[str, int] | None:
    """The host and port clients bootstrap from, from `advertised.listeners`."""
    advertised = properties.get("advertised.listeners", "")
    for listener in advertised.split(","):
        _, sep, address = listener.partition("://")
        host, colon, port = address.rpartition(":")
        if sep and colon and port.isdigit():
            return host, int(port)
    return None
