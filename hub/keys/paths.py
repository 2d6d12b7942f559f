"""Where key material lives under the hub's state directory."""

from __future__ import annotations

import os
from pathlib import Path

__all__ = [
    "DEFAULT_STATE_DIR",
    "STATE_DIR_ENV",
    "default_registry_path",
    "default_state_dir",
    "keys_dir",
    "private_dir",
    "registry_path",
]

STATE_DIR_ENV = "HUB_STATE_DIR"
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
