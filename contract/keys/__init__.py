"""Key ids and the public key registry: which Ed25519 key signs for which network, and when.

The registry file format is described in :mod:`contract.keys.fileformat` and the time rules of
verification in :mod:`contract.keys.registry`. Private keys are the hub's business
(:mod:`hub.keys`).
"""

from contract.keys.fileformat import FORMAT_NAME, FORMAT_VERSION
from contract.keys.ids import is_key_id, key_id_for, network_from_source, validate_network
from contract.keys.record import KeyRecord, KeyStatus
from contract.keys.registry import KeyRegistry, event_time

__all__ = [
    "FORMAT_NAME",
    "FORMAT_VERSION",
    "KeyRecord",
    "KeyRegistry",
    "KeyStatus",
    "event_time",
    "is_key_id",
    "key_id_for",
    "network_from_source",
    "validate_network",
]
