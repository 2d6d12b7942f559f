"""The one error a certificate check raises."""

from __future__ import annotations

__all__ = ["CertificateProblem"]


class CertificateProblem(ValueError):
    """A certificate, key, CRL or index file is unusable: the message names the file and why."""
