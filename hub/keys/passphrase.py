"""The passphrase that encrypts private keys at rest, and where it comes from.

In this order of precedence, and never from the command line (it would show in ``ps`` and
shell history):

* ``$HUB_KEY_PASSPHRASE_FILE``: a file holding it (a Docker or Kubernetes secret); one
  trailing newline is ignored;
* ``$HUB_KEY_PASSPHRASE``: the passphrase itself;
* neither: ``<state>/keys/passphrase`` (0600), made of 32 random bytes the first time a
  key is created there. It keeps a fresh state folder working with no set-up step (the
  demo, the tests); since it lies next to the keys it protects them only from copies of
  the key files alone, so production sets one of the two variables.

Setting both variables is refused, rather than guessing which one is meant. The value is
held by :class:`Passphrase`, whose ``repr`` and ``str`` never show it, and no error
message here or in :mod:`hub.keys.private` contains it.
"""

from __future__ import annotations

import os
import secrets
import stat
from pathlib import Path
from typing import Final

from contract.keys._files import ensure_dir, write_atomic
from hub.keys.paths import default_passphrase_path, keys_dir

__all__ = [
    "ALLOW_UNENCRYPTED_ENV",
    "PASSPHRASE_ENV",
    "PASSPHRASE_FILE_ENV",
    "Passphrase",
    "PassphraseError",
    "allow_unencrypted",
    "resolve_passphrase",
]

PASSPHRASE_FILE_ENV: Final = "HUB_KEY_PASSPHRASE_FILE"
PASSPHRASE_ENV: Final = "HUB_KEY_PASSPHRASE"
ALLOW_UNENCRYPTED_ENV: Final = "HUB_KEY_ALLOW_UNENCRYPTED"
_MAX_PASSPHRASE_BYTES: Final = 1024


class PassphraseError(ValueError):
    """No usable key passphrase; the message names where it was looked for, never the value."""


class Passphrase:
    """The key passphrase. Shown as ``Passphrase(***)`` everywhere: only :meth:`secret`
    gives the bytes, for the key encryption itself."""

    __slots__ = ("_value",)

    def __init__(self, value: bytes) -> None:
        if not value:
            raise PassphraseError("the key passphrase is empty")
        if len(value) > _MAX_PASSPHRASE_BYTES:
            raise PassphraseError(
                f"the key passphrase is longer than {_MAX_PASSPHRASE_BYTES} bytes"
            )
        self._value = value

    def secret(self) -> bytes:
        return self._value

    def __repr__(self) -> str:
        return "Passphrase(***)"

    __str__ = __repr__


def allow_unencrypted() -> bool:
    """``HUB_KEY_ALLOW_UNENCRYPTED=1``: read private keys written before encryption (warned)."""
    return os.environ.get(ALLOW_UNENCRYPTED_ENV, "").strip().lower() in ("1", "true", "yes")


def resolve_passphrase(state_dir: Path, *, create: bool = False) -> Passphrase:
    """The passphrase for ``state_dir``'s keys (see the module doc for the order).

    ``create`` makes the default file when no variable is set and it does not exist yet;
    only key creation asks for that, under the key store's lock.
    """
    from_file = os.environ.get(PASSPHRASE_FILE_ENV)
    from_env = os.environ.get(PASSPHRASE_ENV)
    if from_file and from_env:
        raise PassphraseError(f"set {PASSPHRASE_FILE_ENV} or {PASSPHRASE_ENV}, not both")
    if from_file:
        return _read(Path(from_file), PASSPHRASE_FILE_ENV, owner_only=False)
    if from_env:
        return Passphrase(from_env.encode("utf-8"))
    path = default_passphrase_path(state_dir)
    if create and not path.exists():
        ensure_dir(keys_dir(state_dir), 0o755)
        write_atomic(path, secrets.token_urlsafe(32).encode("ascii") + b"\n", 0o600)
    return _read(path, "the default passphrase file", owner_only=True)


def _read(path: Path, what: str, *, owner_only: bool) -> Passphrase:
    try:
        # secrets mounted by an orchestrator are often symlinks: follow them for the
        # operator's own file, never for the default one in the state folder
        flags = os.O_RDONLY | (os.O_NOFOLLOW if owner_only else 0)
        fd = os.open(path, flags)
    except FileNotFoundError:
        raise PassphraseError(
            f"no key passphrase: {what} {path} does not exist "
            f"(set {PASSPHRASE_FILE_ENV} or {PASSPHRASE_ENV})"
        ) from None
    except OSError as error:
        raise PassphraseError(f"cannot read {what} {path}: {error.strerror}") from None
    with os.fdopen(fd, "rb") as handle:
        info = os.fstat(handle.fileno())
        if not stat.S_ISREG(info.st_mode):
            raise PassphraseError(f"{what} {path} is not a regular file")
        if owner_only and info.st_mode & 0o077:
            raise PassphraseError(f"{what} {path} must have mode 0600")
        data = handle.read(_MAX_PASSPHRASE_BYTES + 2)
    value = data[:-1] if data.endswith(b"\n") else data
    value = value[:-1] if value.endswith(b"\r") else value
    if not value:
        raise PassphraseError(f"{what} {path} is empty")
    if len(value) > _MAX_PASSPHRASE_BYTES:
        raise PassphraseError(f"{what} {path} is longer than {_MAX_PASSPHRASE_BYTES} bytes")
    return Passphrase(value)
