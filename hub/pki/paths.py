"""Where the certificate authority keeps its files under the hub's state directory."""

from __future__ import annotations

from pathlib import Path
from typing import Final

__all__ = [
    "CA_CERT_NAME",
    "CA_KEY_NAME",
    "CRL_NAME",
    "INDEX_NAME",
    "ISSUED_DIR_NAME",
    "LOCK_NAME",
    "PKI_DIR_NAME",
    "pki_dir",
]

PKI_DIR_NAME: Final = "pki"
CA_CERT_NAME: Final = "ca.pem"
CA_KEY_NAME: Final = "ca.key"
CRL_NAME: Final = "crl.pem"
INDEX_NAME: Final = "index.json"
ISSUED_DIR_NAME: Final = "issued"
LOCK_NAME: Final = ".lock"


def pki_dir(state_dir: Path) -> Path:
    """``<state>/pki``."""
    return state_dir / PKI_DIR_NAME
