"""A minimal Kafka wire-protocol client: ApiVersions and Metadata over one socket.

Readiness means "answers a metadata request with at least one live broker", which
a log line or an open port does not prove. Speaking the protocol directly keeps the
probe synchronous, dependency-free and independent of any client library's version
negotiation, and it reports the broker's supported API versions as they are.
"""

from __future__ import annotations

import socket
import ssl
import struct
from dataclasses import dataclass

API_PRODUCE = 0
API_METADATA = 3
API_VERSIONS = 18

_API_VERSIONS_VERSION = 2  # the last version before flexible (tagged-field) encoding
_METADATA_VERSIONS = range(4, 9)  # non-flexible versions whose layout this module reads
_MAX_RESPONSE_BYTES = 1024 * 1024
_CLIENT_ID = b"cca-hub-probe"


class ProbeError(OSError):
    """The broker did not answer, or answered something this probe cannot read."""


@dataclass(frozen=True)
class VersionRange:
    min: int
    max: int


@dataclass(frozen=True)
class BrokerNode:
    node_id: int
    host: str
    port: int


@dataclass(frozen=True)
class ProbeResult:
    api_versions: dict[int, VersionRange]
    brokers: list[BrokerNode]
    cluster_id: str | None


class _Reader:
    def __init__(self, data: bytes) -> None:
        self._data = data
        self._pos = 0

    def _take(self, fmt: str) -> int:
        try:
            (value,) = struct.unpack_from(fmt, self._data, self._pos)
        except struct.error as exc:
            raise ProbeError("truncated Kafka response") from exc
        self._pos += struct.calcsize(fmt)
        return int(value)

    def int8(self) -> int:
        return self._take(">b")

    def int16(self) -> int:
        return self._take(">h")

    def int32(self) -> int:
        return self._take(">i")

    def string(self) -> str | None:
        length = self.int16()
        if length < 0:
            return None
        raw = self._data[self._pos : self._pos + length]
        if len(raw) != length:
            raise ProbeError("truncated Kafka response")
        self._pos += length
        return raw.decode("utf-8", errors="replace")

    def array_length(self) -> int:
        count = self.int32()
        if count > len(self._data):  # each element takes at least a byte
            raise ProbeError("implausible array length in Kafka response")
        return max(count, 0)


def encode_request(api_key: int, api_version: int, correlation_id: int, body: bytes) -> bytes:
    """Request header v1 (no tagged fields) and body, prefixed with the size."""
    header = struct.pack(">hhih", api_key, api_version, correlation_id, len(_CLIENT_ID))
    message = header + _CLIENT_ID + body
    return struct.pack(">i", len(message)) + message


def decode_api_versions(payload: bytes, correlation_id: int) -> dict[int, VersionRange]:
    reader = _Reader(payload)
    _check_correlation(reader, correlation_id)
    error = reader.int16()
    if error != 0:
        raise ProbeError(f"ApiVersions failed with error code {error}")
    versions: dict[int, VersionRange] = {}
    for _ in range(reader.array_length()):
        key = reader.int16()
        versions[key] = VersionRange(min=reader.int16(), max=reader.int16())
    return versions


def encode_metadata_body(version: int) -> bytes:
    """No topics (an empty, not null, array) and no topic auto-creation."""
    body = struct.pack(">ib", 0, 0)
    if version >= 8:
        body += struct.pack(">bb", 0, 0)
    return body


def decode_metadata(payload: bytes, correlation_id: int) -> tuple[list[BrokerNode], str | None]:
    """The brokers and cluster id of a v4–v8 Metadata response; the topics are not read."""
    reader = _Reader(payload)
    _check_correlation(reader, correlation_id)
    reader.int32()  # throttle_time_ms
    brokers = []
    for _ in range(reader.array_length()):
        node_id = reader.int32()
        host = reader.string() or ""
        port = reader.int32()
        reader.string()  # rack
        brokers.append(BrokerNode(node_id=node_id, host=host, port=port))
    return brokers, reader.string()


def probe(
    host: str, port: int, timeout: float = 2.0, tls: ssl.SSLContext | None = None
) -> ProbeResult:
    """Ask the broker for its API versions, then for its metadata, on one connection
    (over TLS with ``tls``'s certificate on a TLS listener)."""
    with _connect(host, port, timeout, tls) as sock:
        versions = decode_api_versions(
            _exchange(sock, API_VERSIONS, _API_VERSIONS_VERSION, 1, b""), 1
        )
        metadata_version = _pick_metadata_version(versions)
        body = encode_metadata_body(metadata_version)
        brokers, cluster_id = decode_metadata(
            _exchange(sock, API_METADATA, metadata_version, 2, body), 2
        )
    return ProbeResult(api_versions=versions, brokers=brokers, cluster_id=cluster_id)


def request(
    host: str,
    port: int,
    api_key: int,
    api_version: int,
    body: bytes,
    timeout: float = 2.0,
    tls: ssl.SSLContext | None = None,
) -> bytes:
    """Send one raw request on a fresh connection; the response after its correlation id.

    A broker that refuses the request version closes the connection: ProbeError.
    """
    with _connect(host, port, timeout, tls) as sock:
        payload = _exchange(sock, api_key, api_version, 1, body)
    _check_correlation(_Reader(payload), 1)
    return payload[4:]


def _connect(host: str, port: int, timeout: float, tls: ssl.SSLContext | None) -> socket.socket:
    try:
        sock = socket.create_connection((host, port), timeout=timeout)
    except OSError as exc:
        raise ProbeError(f"no Kafka answer on {host}:{port}: {exc}") from exc
    if tls is None:
        return sock
    try:
        return tls.wrap_socket(sock, server_hostname=host)
    except OSError as exc:  # ssl.SSLError is an OSError
        sock.close()
        raise ProbeError(f"no TLS session with {host}:{port}: {exc}") from exc


def _exchange(
    sock: socket.socket, api_key: int, api_version: int, correlation_id: int, body: bytes
) -> bytes:
    try:
        sock.sendall(encode_request(api_key, api_version, correlation_id, body))
        return _receive(sock)
    except ProbeError:
        raise
    except OSError as exc:
        raise ProbeError(f"Kafka request failed: {exc}") from exc


def _check_correlation(reader: _Reader, expected: int) -> None:
    if reader.int32() != expected:
        raise ProbeError("Kafka response does not match the request")


def _pick_metadata_version(versions: dict[int, VersionRange]) -> int:
    supported = versions.get(API_METADATA)
    if supported is not None:
        for version in _METADATA_VERSIONS:
            if supported.min <= version <= supported.max:
                return version
    raise ProbeError("broker supports none of Metadata v4–v8, the versions this probe reads")


def _receive(sock: socket.socket) -> bytes:
    size = struct.unpack(">i", _receive_exactly(sock, 4))[0]
    if not 0 < size <= _MAX_RESPONSE_BYTES:
        raise ProbeError(f"Kafka response size {size} out of bounds")
    return _receive_exactly(sock, size)


def _receive_exactly(sock: socket.socket, size: int) -> bytes:
    chunks = bytearray()
    while len(chunks) < size:
        chunk = sock.recv(size - len(chunks))
        if not chunk:
            raise ProbeError("connection closed by the broker")
        chunks += chunk
    return bytes(chunks)
