"""Settings of the running hub: one documented model, overridable from the environment.

Every field can be set as ``HUB_<NAME>`` (e.g. ``HUB_KAFKA_BOOTSTRAP``, ``HUB_PARTITIONS``).
A polled network (``adapters.sdk.polled``) has its own two, ``HUB_<NETWORK>_URL`` and
``HUB_<NETWORK>_INTERVAL_S`` (the slug upper-cased): :meth:`HubSettings.polled_source`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class HubSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="HUB_", frozen=True, extra="ignore")

    kafka_bootstrap: str = Field(default="127.0.0.1:9092", description="Kafka bootstrap servers")
    kafka_security: Literal["mtls", "scram", "plaintext"] = Field(
        default="mtls",
        description="how this process proves who it is: a certificate (mtls), a SCRAM-SHA-512 "
        "user over TLS (scram), or nothing (plaintext: loopback only)",
    )
    kafka_principal: str | None = Field(
        default=None,
        pattern=r"^[a-z0-9][a-z0-9._-]{0,63}$",
        description="whose certificate under <state_dir>/pki/issued (default: the service's own, "
        "e.g. svc.router)",
    )
    kafka_ca_file: Path | None = Field(default=None, description="CA certificate (PEM)")
    kafka_cert_file: Path | None = Field(default=None, description="client certificate (PEM)")
    kafka_key_file: Path | None = Field(default=None, description="its private key (PEM)")
    kafka_scram_username: str | None = Field(default=None, description="SCRAM user name")
    kafka_scram_password_file: Path | None = Field(
        default=None, description="file holding the SCRAM password (never the password itself)"
    )
    state_dir: Path = Field(default=Path("var"), description="keys, poller state, local broker")
    desks: Path | None = Field(default=None, description="desk configuration (TOML)")
    clearances: Path | None = Field(
        default=None, description="the desks' clearance registry; default deploy/clearances.toml"
    )
    custody_head_every: int = Field(
        default=1000, ge=1, le=1_000_000, description="sign a custody tree head every N entries"
    )
    custody_head_interval_s: float = Field(
        default=10.0,
        gt=0,
        le=3600,
        description="and when custody entries have waited this long without a signed head",
    )
    release_interval_s: float = Field(
        default=1.0,
        gt=0,
        le=3600,
        description="how often the router looks for withheld events a clearance now allows",
    )
    key_registry: Path | None = Field(
        default=None, description="public key registry; default <state_dir>/keys/registry.json"
    )
    partitions: int = Field(default=6, ge=1, le=1000, description="partitions of hub topics")
    replication: int = Field(default=1, ge=1, le=5, description="replication factor of topics")
    min_insync_replicas: int = Field(default=1, ge=1, le=5)
    instance: str = Field(
        default="0",
        pattern=r"^[A-Za-z0-9_.-]{1,40}$",
        description="this process's id in its group (transactional id suffix)",
    )
    batch_max_records: int = Field(default=500, ge=1, le=10_000)
    batch_timeout_ms: int = Field(default=50, ge=1, le=10_000)
    transaction_timeout_ms: int = Field(default=15_000, ge=1_000, le=900_000)
    dedup_ids_per_partition: int = Field(
        default=500_000, ge=1_000, description="event ids each partition remembers"
    )
    stuck_after_s: float = Field(
        default=30.0,
        gt=0,
        le=3600,
        description="a consumer whose batches fail this long is not ready (/health says why)",
    )
    offload_bytes: int = Field(
        default=256 * 1024,
        ge=0,
        description="native messages larger than this are translated in a worker process",
    )
    translate_memory_mb: int = Field(
        default=2048,
        ge=64,
        description="address-space bound of a translation worker; past it the message is "
        "refused with the reason",
    )
    metrics_host: str = Field(
        default="127.0.0.1", description="address of /metrics and /health (0.0.0.0 in a container)"
    )
    metrics_port: int | None = Field(
        default=None, ge=0, le=65535, description="port of /metrics and /health; none: off"
    )

    def polled_source(self, slug: str) -> PolledSourceSettings:
        """The settings of the polled network ``slug``, read from the environment."""
        return PolledSourceSettings(_env_prefix=polled_source_prefix(slug))

    @property
    def bootstrap_servers(self) -> list[str]:
        """The bootstrap list as separate addresses (``a:9092,b:9092`` → two)."""
        return [part.strip() for part in self.kafka_bootstrap.split(",") if part.strip()]

    @property
    def registry_path(self) -> Path:
        return self.key_registry or self.state_dir / "keys" / "registry.json"


class PolledSourceSettings(BaseSettings):
    """Where and how often the hub polls one polled network. The slug names them, so a
    new polled network needs no new field here."""

    model_config = SettingsConfigDict(frozen=True, extra="ignore")

    url: str | None = Field(
        default=None, description="base URL of the service to poll; unset or empty: not polled"
    )
    interval_s: float = Field(
        default=60.0, ge=0.1, le=86_400, description="seconds between two polls of the service"
    )


def polled_source_prefix(slug: str) -> str:
    """The environment prefix of a polled network's settings: ``HUB_<SLUG>_``."""
    return f"HUB_{slug.upper()}_"
