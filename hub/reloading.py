"""Configuration files that long-running services pick up again when they change.

Files are replaced atomically on every change, so a change of inode, size or mtime is a
reliable, cheap signal; the check runs at most once per ``interval`` so the hot path pays
one clock read. A file that no longer loads is reported and the last good value is kept:
a broken edit must be seen, not fatal, and never loses a message.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import Generic, TypeVar

logger = logging.getLogger(__name__)

T = TypeVar("T")
_Stamp = tuple[int, int, int]


class Reloading(Generic[T]):
    def __init__(
        self,
        path: Path | str,
        load: Callable[[Path], T],
        *,
        what: str,
        interval: float = 5.0,
        clock: Callable[[], float] = time.monotonic,
        on_reload: Callable[[str, bool], None] | None = None,
    ) -> None:
        self._path = Path(path)
        self._load = load
        self._what = what
        self._interval = interval
        self._clock = clock
        self._on_reload = on_reload
        self._stamp = self._file_stamp()
        self._value = load(self._path)
        self._checked = clock()

    @property
    def path(self) -> Path:
        return self._path

    def current(self) -> T:
        """The value, loaded again first if the file changed since the last check."""
        now = self._clock()
        if now - self._checked >= self._interval:
            self._checked = now
            self._refresh()
        return self._value

    def _refresh(self) -> None:
        try:
            stamp = self._file_stamp()
            if stamp == self._stamp:
                return
            value = self._load(self._path)
        except (OSError, ValueError) as error:
            logger.error("%s %s not reloaded: %s", self._what, self._path, error)
            if self._on_reload is not None:
                self._on_reload(self._what, False)
            return
        self._stamp, self._value = stamp, value
        logger.info("%s %s reloaded", self._what, self._path)
        if self._on_reload is not None:
            self._on_reload(self._what, True)

    def _file_stamp(self) -> _Stamp:
        info = os.stat(self._path)
        return (info.st_ino, info.st_size, info.st_mtime_ns)
