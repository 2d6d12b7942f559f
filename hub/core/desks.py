"""Desk configuration: data, validated, loaded from one TOML file."""

from __future__ import annotations

import os
import tomllib
from importlib.resources import files
from pathlib import Path
from typing import Self

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from contract.topology import desk_topic

DESK_NAME = r"^[a-z][a-z0-9-]{1,47}$"
ENV_DESKS = "HUB_DESKS"


class DeskConfigError(ValueError):
    pass


class Desk(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str = Field(pattern=DESK_NAME)
    title: str = ""
    prefixes: tuple[str, ...] = Field(min_length=1)

    @property
    def topic(self) -> str:
        return desk_topic(self.name)


class Desks(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    triage: str = Field(default="triage", pattern=DESK_NAME)
    qualifiers: frozenset[str] = frozenset()
    flags: dict[str, str] = Field(default_factory=dict)
    desk: tuple[Desk, ...]

    @model_validator(mode="after")
    def _coherent(self) -> Self:
        names = [d.name for d in self.desk]
        if len(set(names)) != len(names):
            raise ValueError("desk names must be unique")
        if self.triage in names:
            raise ValueError(f"'{self.triage}' is the triage desk and cannot have prefixes")
        for desk in self.desk:
            for prefix in desk.prefixes:
                if not prefix.isdigit() or len(prefix) not in (2, 4, 5, 6):
                    raise ValueError(f"desk '{desk.name}': '{prefix}' is not an ICCS prefix")
        for flag, name in self.flags.items():
            if name not in names:
                raise ValueError(f"flag '{flag}' names unknown desk '{name}'")
        return self

    @property
    def names(self) -> tuple[str, ...]:
        """Every desk, triage last."""
        return (*(d.name for d in self.desk), self.triage)

    @property
    def topics(self) -> tuple[str, ...]:
        return tuple(desk_topic(name) for name in self.names)


def load_desks(path: Path | None = None) -> Desks:
    """Desks from ``path``, else ``$HUB_DESKS``, else the packaged default."""
    if path is None and os.environ.get(ENV_DESKS):
        path = Path(os.environ[ENV_DESKS])
    try:
        if path is None:
            text = files("hub.data").joinpath("desks.toml").read_text(encoding="utf-8")
            where = "packaged desks.toml"
        else:
            text = path.read_text(encoding="utf-8")
            where = str(path)
        return Desks.model_validate(tomllib.loads(text))
    except OSError as exc:
        raise DeskConfigError(f"cannot read desk configuration {path}: {exc.strerror}") from None
    except tomllib.TOMLDecodeError as exc:
        raise DeskConfigError(f"{where}: not valid TOML: {exc}") from None
    except ValidationError as exc:
        first = exc.errors()[0]
        loc = ".".join(str(p) for p in first["loc"])
        raise DeskConfigError(f"{where}: {loc}: {first['msg']}") from None
