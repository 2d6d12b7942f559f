"""The key registry: which Ed25519 key signs for which network, and the private keys.

Public API re-exported here; the registry file format is described in
:mod:`hub.keys.fileformat` and the time rules of verification in
:mod:`hub.keys.registry`.
"""

from hub.keys.fileformat import FORMAT_NAME, FORMAT_VERSION
from hub.keys.ids import is_key_id, key_id_for, network_from_source, validate_network
from hub.keys.paths import STATE_DIR_ENV, default_registry_path, default_state_dir, registry_path
from hub.keys.record import KeyRecord, KeyStatus
from hub.keys.registry import KeyRegistry, event_time
from hub.keys.reload import RegistryReloader
from hub.keys.store import InsecureKeyFileError, KeyStore, NoSigningKeyError

__all__ = [
    "FORMAT_NAME",
    "FORMAT_VERSION",
    "STATE_DIR_ENV",
    "InsecureKeyFileError",
    "KeyRecord",
    "KeyRegistry",
    "KeyStatus",
    "KeyStore",
    "NoSigningKeyError",
    "RegistryReloader",
    "default_registry_path",
    "default_state_dir",
    "event_time",
    "is_key_id",
    "key_id_for",
    "network_from_source",
    "registry_path",
    "validate_network",
]
