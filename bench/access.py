"""How the benchmark's own clients connect: in plaintext to the run's broker's loopback
listener, or over mTLS as the federation's administrator (``--security mtls``). The mode is
in the environment, so the baselines' child processes connect the same way."""

from __future__ import annotations

import os
from pathlib import Path

from hub.access.clients import KafkaAccess
from hub.access.principals import ADMIN_PRINCIPAL

SECURITY_ENV = "CCA_BENCH_SECURITY"
PKI_STATE_ENV = "CCA_BENCH_PKI_STATE"
SECURITIES = ("plaintext", "mtls")


def bench_access(bootstrap: str) -> KafkaAccess:
    if os.environ.get(SECURITY_ENV, "plaintext") == "mtls":
        return KafkaAccess.mtls(bootstrap, Path(os.environ[PKI_STATE_ENV]), ADMIN_PRINCIPAL)
    return KafkaAccess.plaintext(bootstrap)


def use(security: str, pki_state: Path) -> None:
    """Every client made from now on (here and in child processes) connects so."""
    os.environ[SECURITY_ENV] = security
    os.environ[PKI_STATE_ENV] = str(pki_state)
