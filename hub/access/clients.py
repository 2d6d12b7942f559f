"""The one builder of the hub's Kafka clients: every producer, consumer, admin client and
FastStream broker the hub makes gets its TLS and SASL settings here, from a
:class:`KafkaAccess`. A test reads the tree and fails on a client made anywhere else.

Secrets never leave this module as text: the SCRAM password is read from its file when a
client is built and is not part of any ``repr``.
"""

from __future__ import annotations

import ipaddress
import ssl
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from aiokafka.admin import AIOKafkaAdminClient
from faststream.kafka import KafkaBroker
from faststream.security import BaseSecurity, SASLScram512

from hub.pki import CertificateProblem, check_certificate, pki_dir

if TYPE_CHECKING:
    from hub.settings import HubSettings

Security = Literal["mtls", "scram", "plaintext"]
SCRAM_MECHANISM = "SCRAM-SHA-512"
_PROTOCOLS: dict[Security, str] = {"mtls": "SSL", "scram": "SASL_SSL", "plaintext": "PLAINTEXT"}


class AccessError(ValueError):
    """The settings cannot make a client: what is missing or wrong, and where."""


@dataclass(frozen=True)
class KafkaAccess:
    """Where the broker is and how this process proves who it is."""

    bootstrap: str
    security: Security = "mtls"
    ca: Path | None = None
    cert: Path | None = None
    key: Path | None = None
    crl: Path | None = None
    username: str | None = None
    password_file: Path | None = None

    def __post_init__(self) -> None:
        if self.security == "plaintext":
            off = [h for h in self.hosts() if not _is_loopback(h)]
            if off:
                raise AccessError(
                    f"plaintext Kafka is allowed on loopback only, not {', '.join(off)}"
                )
        elif self.ca is None:
            raise AccessError(f"{self.security} needs the CA certificate (HUB_KAFKA_CA_FILE)")
        if self.security == "mtls" and (self.cert is None or self.key is None):
            raise AccessError("mtls needs a certificate and its key (HUB_KAFKA_PRINCIPAL)")
        if self.security == "scram" and (not self.username or self.password_file is None):
            raise AccessError(
                "scram needs a user name and a password file "
                "(HUB_KAFKA_SCRAM_USERNAME, HUB_KAFKA_SCRAM_PASSWORD_FILE)"
            )

    @classmethod
    def plaintext(cls, bootstrap: str) -> KafkaAccess:
        return cls(bootstrap=bootstrap, security="plaintext")

    @classmethod
    def mtls(cls, bootstrap: str, state_dir: Path, principal: str) -> KafkaAccess:
        """``principal``'s certificate from the federation's CA under ``<state>/pki``."""
        root = pki_dir(state_dir)
        return cls(
            bootstrap=bootstrap,
            security="mtls",
            ca=root / "ca.pem",
            cert=root / "issued" / f"{principal}.pem",
            key=root / "issued" / f"{principal}.key",
            crl=root / "crl.pem",
        )

    def hosts(self) -> list[str]:
        return [_host_of(part) for part in self.servers()]

    def servers(self) -> list[str]:
        return [part.strip() for part in self.bootstrap.split(",") if part.strip()]

    def check(self) -> None:
        """The hub's own check of its certificate before it connects: from the CA, in its
        validity window, not revoked (the CA's revocation list, when there is one)."""
        if self.security != "mtls" or self.ca is None or self.cert is None:
            return
        crl = self.crl if self.crl is not None and self.crl.is_file() else None
        check_certificate(self.ca, self.cert, crl)

    def ssl_context(self) -> ssl.SSLContext | None:
        if self.security == "plaintext":
            return None
        assert self.ca is not None
        try:
            context = ssl.create_default_context(cafile=str(self.ca))
            if self.security == "mtls":
                assert self.cert is not None
                assert self.key is not None
                context.load_cert_chain(str(self.cert), str(self.key))
        except (OSError, ssl.SSLError) as error:
            raise AccessError(f"cannot load the TLS files: {error}") from None
        context.minimum_version = ssl.TLSVersion.TLSv1_2
        return context

    def options(self) -> dict[str, Any]:
        """The keyword arguments of an aiokafka client."""
        out: dict[str, Any] = {
            "bootstrap_servers": self.servers(),
            "security_protocol": _PROTOCOLS[self.security],
        }
        if self.security != "plaintext":
            self.check()
            out["ssl_context"] = self.ssl_context()
        if self.security == "scram":
            out["sasl_mechanism"] = SCRAM_MECHANISM
            out["sasl_plain_username"] = self.username
            out["sasl_plain_password"] = self._password()
        return out

    def faststream_security(self) -> BaseSecurity | None:
        if self.security == "plaintext":
            return None
        self.check()
        context = self.ssl_context()
        if self.security == "scram":
            assert self.username is not None
            return SASLScram512(self.username, self._password(), ssl_context=context)
        return BaseSecurity(ssl_context=context, use_ssl=True)

    def _password(self) -> str:
        assert self.password_file is not None
        try:
            text = self.password_file.read_text(encoding="utf-8").strip()
        except OSError as error:
            raise AccessError(f"cannot read the SCRAM password file: {error.strerror}") from None
        if not text:
            raise AccessError(f"the SCRAM password file {self.password_file} is empty")
        return text


def producer(access: KafkaAccess, **config: Any) -> AIOKafkaProducer:
    """``config`` is the client's own settings; it overrides the access's where both say."""
    return AIOKafkaProducer(**{**access.options(), **config})


def consumer(access: KafkaAccess, *topics: str, **config: Any) -> AIOKafkaConsumer:
    return AIOKafkaConsumer(*topics, **{**access.options(), **config})


def admin(access: KafkaAccess, **config: Any) -> AIOKafkaAdminClient:
    return AIOKafkaAdminClient(**{**access.options(), **config})


def faststream_broker(access: KafkaAccess, **config: Any) -> KafkaBroker:
    return KafkaBroker(access.servers(), security=access.faststream_security(), **config)


def _host_of(server: str) -> str:
    host = server.rsplit(":", 1)[0] if ":" in server else server
    return host.strip("[]")


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


__all__ = [
    "AccessError",
    "CertificateProblem",
    "KafkaAccess",
    "access_from",
    "admin",
    "consumer",
    "faststream_broker",
    "producer",
]


def access_from(settings: HubSettings, principal: str | None = None) -> KafkaAccess:
    """The access ``settings`` describe; ``principal`` is the certificate to use when the
    settings name none (a service's own, e.g. ``svc.router``)."""
    root = pki_dir(settings.state_dir)
    ca = settings.kafka_ca_file or root / "ca.pem"
    if settings.kafka_security == "plaintext":
        return KafkaAccess.plaintext(settings.kafka_bootstrap)
    if settings.kafka_security == "scram":
        return KafkaAccess(
            bootstrap=settings.kafka_bootstrap,
            security="scram",
            ca=ca,
            username=settings.kafka_scram_username,
            password_file=settings.kafka_scram_password_file,
        )
    name = settings.kafka_principal or principal
    cert = settings.kafka_cert_file or (root / "issued" / f"{name}.pem" if name else None)
    key = settings.kafka_key_file or (root / "issued" / f"{name}.key" if name else None)
    return KafkaAccess(
        bootstrap=settings.kafka_bootstrap,
        security="mtls",
        ca=ca,
        cert=cert,
        key=key,
        crl=root / "crl.pem",
    )
