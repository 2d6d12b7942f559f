"""Failures of the local broker, worded for the operator who has to act on them."""

from __future__ import annotations


class LocalKafkaError(Exception):
    """Base class: the message says what went wrong and what to do about it."""


class ToolMissingError(LocalKafkaError):
    """Java or Maven is not installed or not on PATH."""


class JarFetchError(LocalKafkaError):
    """Maven could not gather the broker's classpath."""


class StorageFormatError(LocalKafkaError):
    """Kafka's storage tool refused to format the data folder."""


class PortInUseError(LocalKafkaError):
    """Another process already listens on a port the broker needs."""


class BrokerExitedError(LocalKafkaError):
    """The broker process ended before it answered a metadata request."""


class BrokerStartTimeoutError(LocalKafkaError):
    """The broker kept running but did not answer in time."""


class BrokerStopError(LocalKafkaError):
    """The broker's process or port outlived the stop sequence."""
