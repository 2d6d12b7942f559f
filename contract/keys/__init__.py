"""Key ids and the public key registry: which Ed25519 key signs for which network, and when.

The registry file format (and the operator's signature that makes it trusted) is described
in :mod:`contract.keys.fileformat`, the time rules of verification in
:mod:`contract.keys.registry`. Private keys are the hub's business (:mod:`hub.keys`).
"""

from contract.keys.fileformat import FORMAT_NAME, FORMAT_VERSION
from contract.keys.ids import is_key_id, key_id_for, network_from_source, validate_network
from contract.keys.record import KeyRecord, KeyStatus
from contract.keys.registry import KeyRegistry, event_time
from contract.keys.signature import (
    RegistrySignature,
    RegistrySignatureError,
    load_operator_public_key,
    operator_fingerprint,
)

__all__ = [
    "FORMAT_NAME",
    "FORMAT_VERSION",
    "KeyRecord",
    "KeyRegistry",
    "KeyStatus",
    "RegistrySignature",
    "RegistrySignatureError",
    "event_time",
    "is_key_id",
    "key_id_for",
    "load_operator_public_key",
    "network_from_source",
    "operator_fingerprint",
    "validate_network",
]
