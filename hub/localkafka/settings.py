"""Settings of the local broker: defaults for one developer machine, overridable
from the environment (`HUB_STATE_DIR`, `HUB_KAFKA_*`) or the `hub broker` options."""

from __future__ import annotations

import ipaddress
from pathlib import Path
from typing import Self

from pydantic import Field, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from hub.localkafka.paths import default_jar_cache_root, pom_kafka_version


class LocalKafkaSettings(BaseSettings):
    """One single-node KRaft broker on loopback."""

    model_config = SettingsConfigDict(
        env_prefix="HUB_KAFKA_", validate_by_name=True, frozen=True, extra="forbid"
    )

    state_dir: Path = Field(default=Path("var"), validation_alias="HUB_STATE_DIR")
    jars_dir: Path = Field(
        default_factory=default_jar_cache_root,
        description="Jar cache shared by all state folders (env HUB_KAFKA_JARS_DIR).",
    )
    version: str = Field(default_factory=pom_kafka_version, pattern=r"^\d+\.\d+\.\d+$")
    host: str = "127.0.0.1"
    port: int = Field(default=9092, ge=1, le=65535, description="mTLS listener")
    controller_port: int = Field(default=9093, ge=1, le=65535)
    scram_port: int = Field(default=9094, ge=1, le=65535, description="SASL_SSL (SCRAM) listener")
    insecure_local: bool = Field(
        default=False, description="also listen in plaintext on loopback, on local_port"
    )
    local_port: int = Field(default=9095, ge=1, le=65535, description="plaintext listener")
    #: principals beyond the node and the administrator that bypass the ACLs. Only the test
    #: suite's broker uses it (``ANONYMOUS``: its plaintext clients are the tests themselves).
    extra_super_users: tuple[str, ...] = ()
    node_id: int = Field(default=1, ge=0)
    heap_min_mb: int = Field(default=256, ge=64)
    heap_max_mb: int = Field(default=512, ge=64)
    start_timeout_s: float = Field(default=120.0, gt=0)
    stop_timeout_s: float = Field(default=30.0, gt=0)

    @field_validator("host")
    @classmethod
    def _loopback_only(cls, host: str) -> str:
        # Its CA and keys are this machine's, and --insecure-local is plaintext: loopback.
        if not ipaddress.ip_address(host).is_loopback:
            raise ValueError("the local broker listens on a loopback address only")
        return host

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        ports = [self.port, self.controller_port, self.scram_port]
        if self.insecure_local:
            ports.append(self.local_port)
        if len(set(ports)) != len(ports):
            raise ValueError("port, controller_port, scram_port and local_port must differ")
        if self.heap_min_mb > self.heap_max_mb:
            raise ValueError("heap_min_mb must not exceed heap_max_mb")
        return self

    @property
    def bootstrap(self) -> str:
        """The mTLS listener."""
        return f"{self.host}:{self.port}"

    @property
    def scram_bootstrap(self) -> str:
        return f"{self.host}:{self.scram_port}"

    @property
    def local_bootstrap(self) -> str | None:
        """The plaintext loopback listener, when ``insecure_local`` opens it."""
        return f"{self.host}:{self.local_port}" if self.insecure_local else None


def private_broker(state_dir: Path, *, anonymous_super_users: bool) -> LocalKafkaSettings:
    """A broker of a test run's or a benchmark run's own: a private state folder and four
    free loopback ports (the jar cache stays the shared one). With
    ``anonymous_super_users`` the plaintext loopback listener is open and its clients
    bypass the ACLs: the run's own tools, never a network or desk."""
    from hub.localkafka.ports import free_ports

    port, controller_port, scram_port, local_port = free_ports(4)
    return LocalKafkaSettings(
        state_dir=state_dir,
        port=port,
        controller_port=controller_port,
        scram_port=scram_port,
        local_port=local_port,
        insecure_local=anonymous_super_users,
        extra_super_users=("ANONYMOUS",) if anonymous_super_users else (),
    )
