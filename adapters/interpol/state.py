"""What the poller has published: one content hash per notice, kept in a JSON file.

The file is replaced atomically (write a temporary file beside it, fsync, rename, fsync
the directory), so a crash leaves either the old state or the new one, never a torn one;
a restarted poller therefore publishes nothing it had recorded. A file that cannot be read
stops the poller with StateError rather than being silently reset.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
from pathlib import Path
from typing import Any, Final, get_args

from adapters.interpol.errors import StateError
from adapters.interpol.kinds import NoticeKind

VERSION: Final = 1
MAX_STATE_BYTES: Final = 256 * 1024 * 1024
_KINDS: Final[tuple[NoticeKind, ...]] = get_args(NoticeKind)
_HASH = re.compile(r"[0-9a-f]{64}")


class NoticeState:
    """Content hash (SHA-256 hex) of the last published version of each notice, by kind."""

    def __init__(self, path: Path, notices: dict[NoticeKind, dict[str, str]] | None = None):
        self.path = path
        self._notices: dict[NoticeKind, dict[str, str]] = {k: {} for k in _KINDS}
        for kind, entries in (notices or {}).items():
            self._notices[kind].update(entries)

    @classmethod
    def load(cls, path: Path) -> NoticeState:
        """The state saved at ``path``; empty when the file does not exist yet."""
        try:
            with path.open("rb") as handle:
                raw = handle.read(MAX_STATE_BYTES + 1)
        except FileNotFoundError:
            return cls(path)
        except OSError as exc:
            raise StateError(f"cannot read poller state {path}: {exc.strerror}") from None
        if len(raw) > MAX_STATE_BYTES:
            raise StateError(f"poller state {path} is over {MAX_STATE_BYTES} bytes")
        try:
            document = json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, ValueError, RecursionError) as exc:
            raise StateError(f"poller state {path} is not JSON: {exc}") from None
        return cls(path, _validated(document, path))

    def get(self, kind: NoticeKind, entity_id: str) -> str | None:
        return self._notices[kind].get(entity_id)

    def put(self, kind: NoticeKind, entity_id: str, digest: str) -> None:
        if not _HASH.fullmatch(digest):
            raise ValueError(f"'{digest[:80]}' is not a SHA-256 hex digest")
        self._notices[kind][entity_id] = digest

    def drop(self, kind: NoticeKind, entity_id: str) -> None:
        self._notices[kind].pop(entity_id, None)

    def ids(self, kind: NoticeKind) -> set[str]:
        return set(self._notices[kind])

    def to_json(self) -> dict[str, Any]:
        return {
            "version": VERSION,
            "notices": {kind: dict(sorted(self._notices[kind].items())) for kind in _KINDS},
        }

    def save(self) -> None:
        """Write the state atomically."""
        data = json.dumps(self.to_json(), ensure_ascii=False, indent=1).encode("utf-8")
        directory = self.path.parent
        directory.mkdir(parents=True, exist_ok=True)
        fd, temporary = tempfile.mkstemp(dir=directory, prefix=f".{self.path.name}.", suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(temporary, self.path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
        _fsync_directory(directory)


def _fsync_directory(directory: Path) -> None:
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:  # some platforms cannot open directories; the rename is still atomic
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _validated(document: Any, path: Path) -> dict[NoticeKind, dict[str, str]]:
    if not isinstance(document, dict) or document.get("version") != VERSION:
        raise StateError(f"poller state {path}: not a version-{VERSION} state file")
    notices = document.get("notices")
    if not isinstance(notices, dict):
        raise StateError(f"poller state {path}: 'notices' is not an object")
    found: dict[NoticeKind, dict[str, str]] = {}
    for kind in _KINDS:
        entries = notices.get(kind, {})
        if not isinstance(entries, dict) or not all(
            isinstance(k, str) and isinstance(v, str) and _HASH.fullmatch(v)
            for k, v in entries.items()
        ):
            raise StateError(f"poller state {path}: entries of {kind} are not id → SHA-256")
        found[kind] = dict(entries)
    return found
