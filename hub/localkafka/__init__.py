"""A real single-node Apache Kafka (KRaft) for the embedded run and the tests.

The broker comes from Maven Central jars run on the machine's Java; see
`deploy/kafka/` for its configuration.
"""

from hub.localkafka.broker import BrokerStatus, LocalKafka
from hub.localkafka.errors import (
    BrokerExitedError,
    BrokerStartTimeoutError,
    BrokerStopError,
    JarFetchError,
    LocalKafkaError,
    PortInUseError,
    StorageFormatError,
    ToolMissingError,
)
from hub.localkafka.settings import LocalKafkaSettings

__all__ = [
    "BrokerExitedError",
    "BrokerStartTimeoutError",
    "BrokerStatus",
    "BrokerStopError",
    "JarFetchError",
    "LocalKafka",
    "LocalKafkaError",
    "LocalKafkaSettings",
    "PortInUseError",
    "StorageFormatError",
    "ToolMissingError",
]
