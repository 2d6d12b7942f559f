"""Principal names, subjects and subject alternative names."""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Sequence
from typing import Final, Literal, TypeGuard

from cryptography import x509
from cryptography.x509.oid import NameOID

__all__ = [
    "BROKER_DEFAULT_HOSTS",
    "KINDS",
    "ORGANIZATION",
    "Kind",
    "alternative_names",
    "check_ca_name",
    "check_kind",
    "check_principal",
    "subject",
]

Kind = Literal["client", "broker"]
KINDS: Final[tuple[Kind, ...]] = ("client", "broker")
ORGANIZATION: Final = "CCA federation"
BROKER_DEFAULT_HOSTS: Final = ("localhost", "127.0.0.1")

_PRINCIPAL: Final = re.compile(r"[a-z0-9][a-z0-9._-]{0,63}")
_DNS_LABEL: Final = re.compile(r"(?!-)[a-z0-9-]{1,63}(?<!-)")


def check_principal(principal: str) -> str:
    """``principal`` if it matches ``[a-z0-9][a-z0-9._-]{0,63}``, else ValueError."""
    if not _PRINCIPAL.fullmatch(principal):
        raise ValueError(
            f"bad principal {principal!r}: use 1 to 64 of a-z 0-9 . _ -, "
            "starting with a letter or digit"
        )
    return principal


def check_ca_name(name: str) -> str:
    """``name`` if it is 1 to 64 printable characters, else ValueError."""
    if not 1 <= len(name) <= 64 or not name.isprintable() or name != name.strip():
        raise ValueError(f"bad CA name {name!r}: use 1 to 64 printable characters")
    return name


def _is_kind(kind: str) -> TypeGuard[Kind]:
    return kind in KINDS


def check_kind(kind: str) -> Kind:
    if not _is_kind(kind):
        raise ValueError(f"bad kind {kind!r}: use client or broker")
    return kind


def subject(common_name: str) -> x509.Name:
    """``CN=<common_name>,O=CCA federation`` in RFC 4514 form (DER order: O, then CN)."""
    return x509.Name(
        [
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, ORGANIZATION),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
        ]
    )


def _general_name(host: str) -> x509.GeneralName:
    try:
        return x509.IPAddress(ipaddress.ip_address(host))
    except ValueError:
        pass
    name = host.lower()
    labels = name.split(".")
    if len(name) > 253 or not all(_DNS_LABEL.fullmatch(label) for label in labels):
        raise ValueError(f"bad host {host!r}: neither an IP address nor a DNS name")
    return x509.DNSName(name)


def alternative_names(hosts: Sequence[str]) -> x509.SubjectAlternativeName:
    """IP addresses as IPAddress, everything else as DNSName; ValueError for a bad name."""
    if isinstance(hosts, str):
        raise TypeError("hosts must be a sequence of names, not one string")
    names: list[x509.GeneralName] = []
    for host in hosts:
        general = _general_name(host)
        if general not in names:
            names.append(general)
    return x509.SubjectAlternativeName(names)
