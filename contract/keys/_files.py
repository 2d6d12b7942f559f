"""Atomic, permission-aware file writes: a crash never leaves half a key or half a registry."""

from __future__ import annotations

import contextlib
import fcntl
import os
import secrets
from collections.abc import Iterator
from pathlib import Path

__all__ = ["ensure_dir", "exclusive_lock", "read_bounded", "shared_lock", "write_atomic"]


def ensure_dir(path: Path, mode: int, *, enforce: bool = False) -> None:
    """Create ``path`` (and parents) with ``mode`` whatever the umask.

    ``enforce`` also resets an existing directory to ``mode``: private key
    directories are always tightened, public ones are left as the operator set them.
    """
    existed = path.is_dir()
    path.mkdir(parents=True, exist_ok=True, mode=mode)
    if enforce or not existed:
        os.chmod(path, mode)


def write_atomic(path: Path, data: bytes, mode: int) -> None:
    """Write via a same-directory temporary file created with ``mode``, fsync, then rename.

    The temporary file is created with its final permissions, so secret bytes
    are never readable by anyone else, not even for an instant.
    """
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(8)}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, mode)
    try:
        os.fchmod(fd, mode)
        view = memoryview(data)
        while view:
            written = os.write(fd, view)
            view = view[written:]
        os.fsync(fd)
    except BaseException:
        os.close(fd)
        tmp.unlink(missing_ok=True)
        raise
    os.close(fd)
    try:
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    _fsync_dir(path.parent)


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def read_bounded(path: Path, limit: int) -> bytes:
    """Read a whole file, refusing anything larger than ``limit`` bytes."""
    with open(path, "rb") as handle:
        data = handle.read(limit + 1)
    if len(data) > limit:
        raise ValueError(f"{path} is larger than {limit} bytes")
    return data


@contextlib.contextmanager
def exclusive_lock(path: Path) -> Iterator[None]:
    """Serialise read-modify-write of the registry between processes (advisory flock)."""
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)


@contextlib.contextmanager
def shared_lock(path: Path) -> Iterator[None]:
    """Read the registry and its signature as one: waits out a writer holding the lock.

    Readers may sit on a read-only mount, so the lock file is opened read-only and a
    missing one (nobody ever wrote here) means there is no writer to wait for.
    """
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW)
    except FileNotFoundError:
        yield
        return
    try:
        fcntl.flock(fd, fcntl.LOCK_SH)
        yield
    finally:
        os.close(fd)
