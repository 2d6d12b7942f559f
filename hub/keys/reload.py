"""Pick up registry changes (a revocation, a rotation) in long-running services.

The registry file is replaced atomically on every change, so a change of its
inode, size or mtime is a reliable, cheap signal; the check runs at most once
per ``interval`` so the hot path pays one clock read.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable
from pathlib import Path

from hub.keys.registry import KeyRegistry

__all__ = ["RegistryReloader"]

logger = logging.getLogger(__name__)

_Signature = tuple[int, int, int]


class RegistryReloader:
    """Holds the current :class:`KeyRegistry` of a file and reloads it when the file changes."""

    def __init__(
        self,
        path: Path | str,
        *,
        interval: float = 5.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._path = Path(path)
        self._interval = interval
        self._clock = clock
        self._stamp = self._file_stamp()
        self._registry = KeyRegistry.load(self._path)
        self._checked = clock()

    @property
    def path(self) -> Path:
        return self._path

    def current(self) -> KeyRegistry:
        """The registry, reloaded first if the file changed since the last check."""
        now = self._clock()
        if now - self._checked >= self._interval:
            self._checked = now
            self._refresh()
        return self._registry

    def _refresh(self) -> None:
        try:
            stamp = self._file_stamp()
            if stamp == self._stamp:
                return
            registry = KeyRegistry.load(self._path)
        except (OSError, ValueError) as error:
            # Keep verifying with the last good registry; a broken file must be seen, not fatal.
            logger.error("key registry %s not reloaded: %s", self._path, error)
            return
        self._stamp, self._registry = stamp, registry
        logger.info("key registry %s reloaded: %d keys", self._path, len(registry))

    def _file_stamp(self) -> _Signature:
        info = os.stat(self._path)
        return (info.st_ino, info.st_size, info.st_mtime_ns)
