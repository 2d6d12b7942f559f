"""``/metrics`` and ``/health`` over plain HTTP, served from the service's event loop."""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Callable

from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, CollectorRegistry, generate_latest

logger = logging.getLogger(__name__)
MAX_REQUEST_LINE = 8192


class HealthServer:
    """A deliberately small HTTP/1.0 server: two read-only endpoints, bounded requests."""

    def __init__(
        self,
        host: str,
        port: int,
        ready: Callable[[], dict[str, bool]],
        registry: CollectorRegistry = REGISTRY,
        reasons: Callable[[], dict[str, str]] = dict,
    ) -> None:
        self.host = host
        self.port = port
        self.ready = ready
        #: why a check fails, when there is more to say than false
        self.reasons = reasons
        self.registry = registry
        self._server: asyncio.Server | None = None

    async def start(self) -> int:
        self._server = await asyncio.start_server(self._serve, self.host, self.port)
        sock = self._server.sockets[0]
        self.port = int(sock.getsockname()[1])
        return self.port

    async def stop(self) -> None:
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            line = await asyncio.wait_for(reader.readline(), timeout=5)
            while (await asyncio.wait_for(reader.readline(), timeout=5)) not in (
                b"\r\n",
                b"\n",
                b"",
            ):
                pass
            parts = line[:MAX_REQUEST_LINE].decode("latin-1").split()
            method, path = (parts[0], parts[1]) if len(parts) >= 2 else ("", "")
            if method != "GET":
                status, ctype, body = "405 Method Not Allowed", "text/plain", b"GET only\n"
            elif path.split("?")[0] == "/metrics":
                status, ctype, body = "200 OK", CONTENT_TYPE_LATEST, generate_latest(self.registry)
            elif path.split("?")[0] in ("/health", "/healthz", "/ready"):
                checks = self.ready()
                ok = bool(checks) and all(checks.values())
                status = "200 OK" if ok else "503 Service Unavailable"
                ctype = "application/json"
                document: dict[str, object] = {"ready": ok, "checks": checks}
                reasons = self.reasons()
                if reasons:
                    document["reasons"] = reasons
                body = json.dumps(document).encode() + b"\n"
            else:
                status, ctype, body = "404 Not Found", "text/plain", b"not found\n"
            writer.write(
                f"HTTP/1.0 {status}\r\nContent-Type: {ctype}\r\n"
                f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n".encode()
                + body
            )
            await writer.drain()
        except (TimeoutError, ConnectionError, asyncio.IncompleteReadError):
            pass
        finally:
            writer.close()
