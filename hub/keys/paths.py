"""Where key material lives under the hub's state directory."""

from __future__ import annotations

import os
from pathlib import Path

__all__ = [
    "DEFAULT_STATE_DIR",
    "OPERATOR_KEY_ENV",
    "STATE_DIR_ENV",
    "default_passphrase_path",
    "default_registry_path",
    "default_state_dir",
    "keys_dir",
    "operator_pin_path",
    "operator_private_path",
    "private_dir",
    "registry_path",
]

STATE_DIR_ENV = "HUB_STATE_DIR"
OPERATOR_KEY_ENV = "HUB_OPERATOR_KEY"
DEFAULT_STATE_DIR = Path("var")


def default_state_dir() -> Path:
    """``$HUB_STATE_DIR``, or ``./var``."""
    value = os.environ.get(STATE_DIR_ENV)
    return Path(value) if value else DEFAULT_STATE_DIR


def keys_dir(state_dir: Path) -> Path:
    return state_dir / "keys"


def registry_path(state_dir: Path) -> Path:
    return keys_dir(state_dir) / "registry.json"


def private_dir(state_dir: Path) -> Path:
    """Private keys: ``<state>/keys/private/<network>/<key_id>.pem``, directories 0700."""
    return keys_dir(state_dir) / "private"


def default_registry_path() -> Path:
    return registry_path(default_state_dir())


def operator_private_path(state_dir: Path) -> Path:
    """The operator's private key, which signs the registry: ``<state>/keys/operator/``."""
    return keys_dir(state_dir) / "operator" / "operator-key.pem"


def operator_pin_path(registry: Path) -> Path:
    """The pinned operator public key: ``$HUB_OPERATOR_KEY``, else ``operator.pub`` beside
    the registry (``<state>/keys/operator.pub``)."""
    value = os.environ.get(OPERATOR_KEY_ENV)
    return Path(value) if value else registry.parent / "operator.pub"


def default_passphrase_path(state_dir: Path) -> Path:
    """Where the passphrase lives when neither passphrase variable is set (0600)."""
    return keys_dir(state_dir) / "passphrase"
