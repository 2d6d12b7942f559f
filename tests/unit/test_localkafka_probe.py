"""The readiness probe speaks enough of the Kafka protocol, and distrusts what it reads."""

from __future__ import annotations

import socket
import struct
import threading
from collections.abc import Iterator

import pytest

from hub.localkafka.ports import free_ports, port_accepts, port_is_free, wait_port_closed
from hub.localkafka.probe import (
    API_METADATA,
    API_VERSIONS,
    BrokerNode,
    ProbeError,
    VersionRange,
    decode_api_versions,
    decode_metadata,
    encode_metadata_body,
    encode_request,
    probe,
)


def _string(text: str | None) -> bytes:
    if text is None:
        return struct.pack(">h", -1)
    raw = text.encode()
    return struct.pack(">h", len(raw)) + raw


def api_versions_response(correlation_id: int, versions: dict[int, tuple[int, int]]) -> bytes:
    body = struct.pack(">ihi", correlation_id, 0, len(versions))
    for key, (low, high) in versions.items():
        body += struct.pack(">hhh", key, low, high)
    return body + struct.pack(">i", 0)  # throttle_time_ms


def metadata_response(correlation_id: int, brokers: list[BrokerNode], cluster: str) -> bytes:
    body = struct.pack(">iii", correlation_id, 0, len(brokers))
    for broker in brokers:
        body += struct.pack(">i", broker.node_id) + _string(broker.host)
        body += struct.pack(">i", broker.port) + _string(None)
    return body + _string(cluster) + struct.pack(">ii", broker.node_id, 0)


def test_a_request_carries_its_size_header_and_client_id() -> None:
    frame = encode_request(API_VERSIONS, 2, 7, b"")
    size, key, version, correlation, client_len = struct.unpack_from(">ihhih", frame)
    assert (key, version, correlation) == (API_VERSIONS, 2, 7)
    assert size == len(frame) - 4
    assert frame[14 : 14 + client_len] == b"cca-hub-probe"


def test_metadata_asks_for_no_topics_and_no_auto_creation() -> None:
    assert encode_metadata_body(4) == struct.pack(">ib", 0, 0)
    assert encode_metadata_body(8) == struct.pack(">ibbb", 0, 0, 0, 0)


def test_api_versions_decode_into_ranges() -> None:
    payload = api_versions_response(1, {0: (0, 13), 3: (0, 13), 18: (0, 4)})
    assert decode_api_versions(payload, 1) == {
        0: VersionRange(0, 13),
        3: VersionRange(0, 13),
        18: VersionRange(0, 4),
    }


def test_metadata_decodes_brokers_and_cluster_id() -> None:
    brokers = [BrokerNode(1, "127.0.0.1", 9092)]
    assert decode_metadata(metadata_response(2, brokers, "abc"), 2) == (brokers, "abc")


@pytest.mark.parametrize(
    "payload",
    [
        api_versions_response(1, {0: (0, 13)})[:-9],  # truncated
        api_versions_response(9, {0: (0, 13)}),  # another request's answer
        struct.pack(">ihi", 1, 35, 0),  # an error code
        struct.pack(">ihi", 1, 0, 2**30),  # an array longer than the message
    ],
)
def test_unreadable_or_failed_answers_are_probe_errors(payload: bytes) -> None:
    with pytest.raises(ProbeError):
        decode_api_versions(payload, 1)


class FakeBroker:
    """Answers one connection's ApiVersions and Metadata requests with canned bytes."""

    def __init__(self, metadata_versions: tuple[int, int], brokers: list[BrokerNode]) -> None:
        self.server = socket.create_server(("127.0.0.1", 0))
        self.port: int = self.server.getsockname()[1]
        self.metadata_versions = metadata_versions
        self.brokers = brokers
        self.requests: list[tuple[int, int]] = []
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        connection, _ = self.server.accept()
        with connection:
            connection.settimeout(5)
            for _ in range(2):
                size = struct.unpack(">i", connection.recv(4, socket.MSG_WAITALL))[0]
                frame = connection.recv(size, socket.MSG_WAITALL)
                key, version, correlation = struct.unpack_from(">hhi", frame)
                self.requests.append((key, version))
                if key == API_VERSIONS:
                    answer = api_versions_response(correlation, {3: self.metadata_versions})
                else:
                    answer = metadata_response(correlation, self.brokers, "cluster")
                connection.sendall(struct.pack(">i", len(answer)) + answer)

    def close(self) -> None:
        self.server.close()
        self.thread.join(timeout=5)


@pytest.fixture
def fake_broker() -> Iterator[FakeBroker]:
    broker = FakeBroker((0, 13), [BrokerNode(1, "127.0.0.1", 9092)])
    yield broker
    broker.close()


def test_probe_asks_api_versions_then_the_lowest_readable_metadata_version(
    fake_broker: FakeBroker,
) -> None:
    result = probe("127.0.0.1", fake_broker.port)
    assert fake_broker.requests == [(API_VERSIONS, 2), (API_METADATA, 4)]
    assert result.brokers == [BrokerNode(1, "127.0.0.1", 9092)]
    assert result.cluster_id == "cluster"


def test_probe_of_a_closed_port_is_a_probe_error() -> None:
    (port,) = free_ports(1)
    with pytest.raises(ProbeError, match=str(port)):
        probe("127.0.0.1", port, timeout=1.0)


def test_port_checks_see_a_listener_come_and_go() -> None:
    listener = socket.create_server(("127.0.0.1", 0))
    port = listener.getsockname()[1]
    assert port_accepts("127.0.0.1", port)
    assert not port_is_free("127.0.0.1", port)
    listener.close()
    assert wait_port_closed("127.0.0.1", port, timeout=5)
    assert port_is_free("127.0.0.1", port)


def test_free_ports_are_distinct() -> None:
    ports = free_ports(5)
    assert len(set(ports)) == 5
