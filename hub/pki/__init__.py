"""A small certificate authority for the federation's Kafka identities (mutual TLS).

Files live under ``<state>/pki`` (:func:`pki_dir`): ``ca.pem`` and ``ca.key`` (0600) in a
0700 folder, ``issued/<principal>.pem`` and ``.key`` (0600), ``index.json`` of every
certificate issued, and ``crl.pem``, the CA-signed revocation list that :meth:`Authority.check`
and :func:`check_certificate` honour. Only public facts are ever reported.
"""

from __future__ import annotations

from hub.pki.authority import Authority
from hub.pki.check import check_certificate, principal_of
from hub.pki.names import Kind
from hub.pki.paths import PKI_DIR_NAME, pki_dir
from hub.pki.problems import CertificateProblem
from hub.pki.records import ClientFiles, Issued

__all__ = [
    "PKI_DIR_NAME",
    "Authority",
    "CertificateProblem",
    "ClientFiles",
    "Issued",
    "Kind",
    "check_certificate",
    "pki_dir",
    "principal_of",
]
