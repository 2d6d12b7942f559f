"""Pick up registry changes (a revocation, a rotation) in long-running services."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

from contract.keys.registry import KeyRegistry
from hub.reloading import Reloading

__all__ = ["RegistryReloader"]


class RegistryReloader(Reloading[KeyRegistry]):
    """Holds the current :class:`KeyRegistry` of a file and reloads it when the file changes."""

    def __init__(
        self,
        path: Path | str,
        *,
        interval: float = 5.0,
        clock: Callable[[], float] = time.monotonic,
        on_reload: Callable[[str, bool], None] | None = None,
    ) -> None:
        super().__init__(
            path,
            KeyRegistry.load,
            what="key registry",
            interval=interval,
            clock=clock,
            on_reload=on_reload,
        )
