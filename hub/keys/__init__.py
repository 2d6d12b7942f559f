"""The hub's side of the keys: the private key store, where keys live on disk, and the registry
reloader. The public registry and key ids are part of the contract (:mod:`contract.keys`).
"""

from hub.keys.paths import STATE_DIR_ENV, default_registry_path, default_state_dir, registry_path
from hub.keys.reload import RegistryReloader
from hub.keys.store import InsecureKeyFileError, KeyStore, NoSigningKeyError

__all__ = [
    "STATE_DIR_ENV",
    "InsecureKeyFileError",
    "KeyStore",
    "NoSigningKeyError",
    "RegistryReloader",
    "default_registry_path",
    "default_state_dir",
    "registry_path",
]
