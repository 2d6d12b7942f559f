"""Pick up registry changes (a revocation, a rotation) in long-running services.

Only a registry signed by the pinned operator key is ever taken up. The pin is read once,
when the reloader starts: changing the file later changes nothing until a restart. A new
version that is unsigned, signed by another key, older than the one in use (a lower
serial: a revocation rolled back) or invalid is refused: the last good registry stays in
force, the reason is logged (``key registry <path> not reloaded: <reason>``) and counted
in ``hub_key_registry_rejected_total{reason}``.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from contract.keys.registry import KeyRegistry
from contract.keys.signature import RegistrySignatureError, load_operator_public_key
from hub.keys.metrics import RegistryMetrics, registry_metrics
from hub.keys.paths import operator_pin_path
from hub.reloading import Reloading

__all__ = ["RegistryReloader"]

T = TypeVar("T")


class RegistryReloader(Reloading[KeyRegistry]):
    """Holds the current :class:`KeyRegistry` of a file and reloads it when the file changes.

    ``operator_key`` is the pinned key, or the path of its file; default
    ``$HUB_OPERATOR_KEY``, else ``operator.pub`` beside the registry.
    """

    def __init__(
        self,
        path: Path | str,
        *,
        operator_key: Ed25519PublicKey | Path | str | None = None,
        interval: float = 5.0,
        clock: Callable[[], float] = time.monotonic,
        on_reload: Callable[[str, bool], None] | None = None,
        metrics: RegistryMetrics | None = None,
    ) -> None:
        self._metrics = metrics or registry_metrics()
        if isinstance(operator_key, Ed25519PublicKey):
            self._operator_key = operator_key
        else:
            pin = Path(operator_key) if operator_key is not None else operator_pin_path(Path(path))
            self._operator_key = self._counted(lambda: load_operator_public_key(pin))
        self._serial = 0
        super().__init__(
            path,
            self._load,
            what="key registry",
            interval=interval,
            clock=clock,
            on_reload=on_reload,
        )

    @property
    def operator_key(self) -> Ed25519PublicKey:
        return self._operator_key

    def _load(self, path: Path) -> KeyRegistry:
        registry = self._counted(lambda: KeyRegistry.load(path, self._operator_key))
        signature = registry.signature
        serial = signature.serial if signature is not None else 0
        if serial < self._serial:
            self._metrics.rejected.labels("rollback").inc()
            raise RegistrySignatureError(
                "rollback",
                f"{path}: refused: revision {serial} is older than revision {self._serial} "
                "in use (an older registry put back?)",
            )
        self._serial = serial
        self._metrics.accepted(signature)
        return registry

    def _counted(self, load: Callable[[], T]) -> T:
        try:
            return load()
        except RegistrySignatureError as error:
            self._metrics.rejected.labels(error.reason).inc()
            raise
        except ValueError:
            self._metrics.rejected.labels("invalid").inc()
            raise
        except OSError:
            self._metrics.rejected.labels("unreadable").inc()
            raise
