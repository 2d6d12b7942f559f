"""Strict reading of an untrusted JSON message: every wrong shape becomes a ``Reject`` that
names the key (``imputados[0].nombres``), so an operator knows what to fix.

Duplicate keys are refused (two parsers could read two different messages from the same
bytes), and so are NaN/Infinity, which JSON does not have.
"""

from __future__ import annotations

import json
from typing import Any

from adapters.sdk.contract import Reject

#: the longest quoted value a rejection reason repeats
_QUOTE_LIMIT = 80


def quote(value: object) -> str:
    """A value for a rejection reason, shortened so a hostile value cannot flood the DLQ."""
    text = str(value)
    return text if len(text) <= _QUOTE_LIMIT else text[: _QUOTE_LIMIT - 1] + "…"


def describe(value: object) -> str:
    """What a JSON value is, in words: 'a list', 'a number'…"""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "a list"
    return "an object"


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise Reject(f"key '{quote(key)}' appears twice in one JSON object")
        out[key] = value
    return out


def _no_constant(name: str) -> Any:
    raise Reject(f"'{name}' is not a JSON number")


def load_json(native: bytes, network: str) -> object:
    """The JSON value of a UTF-8 message (a UTF-8 byte-order mark is tolerated)."""
    try:
        text = native.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise Reject(f"message is not UTF-8 text: invalid byte at offset {exc.start}") from None
    text = text.removeprefix("\ufeff")
    if not text.strip():
        raise Reject(f"message is empty: a {network} message is one JSON object")
    try:
        return json.loads(text, object_pairs_hook=_no_duplicates, parse_constant=_no_constant)
    except RecursionError:
        raise Reject("message is not usable JSON: nested too deeply") from None
    except ValueError as exc:  # JSONDecodeError, and integers over the digit limit
        raise Reject(f"message is not valid JSON: {quote(exc)}") from None


def join(path: str, key: str | int) -> str:
    """The path of a key or list index below ``path``."""
    if isinstance(key, int):
        return f"{path}[{key}]"
    return f"{path}.{key}" if path else key


class Obj:
    """A JSON object at a known path, with typed getters that refuse wrong shapes.

    ``text``/``integer``/… require the key; the ``maybe_`` variants treat an absent key
    and ``null`` alike as "not given".
    """

    def __init__(self, value: object, path: str) -> None:
        if not isinstance(value, dict):
            where = f"'{path}'" if path else "the message"
            raise Reject(f"{where} must be a JSON object, not {describe(value)}")
        self.data: dict[str, Any] = value
        self.path = path

    def at(self, key: str) -> str:
        return join(self.path, key)

    def given(self, key: str) -> bool:
        return self.data.get(key) is not None

    def _required(self, key: str) -> object:
        value = self.data.get(key)
        if value is None:
            state = "null" if key in self.data else "missing"
            raise Reject(f"'{self.at(key)}' is {state}")
        return value

    def text(self, key: str) -> str:
        """A required, non-blank string, stripped."""
        found = self.maybe_text(key)
        if found is None:
            self._required(key)
            raise Reject(f"'{self.at(key)}' is blank")
        return found

    def maybe_text(self, key: str) -> str | None:
        value = self.data.get(key)
        if value is None:
            return None
        return as_text(value, self.at(key))

    def integer(self, key: str) -> int:
        return as_integer(self._required(key), self.at(key))

    def maybe_integer(self, key: str) -> int | None:
        value = self.data.get(key)
        return None if value is None else as_integer(value, self.at(key))

    def boolean(self, key: str) -> bool:
        value = self._required(key)
        if not isinstance(value, bool):
            raise Reject(f"'{self.at(key)}' must be true or false, not {describe(value)}")
        return value

    def obj(self, key: str) -> Obj:
        return Obj(self._required(key), self.at(key))

    def maybe_obj(self, key: str) -> Obj | None:
        value = self.data.get(key)
        return None if value is None else Obj(value, self.at(key))

    def items(self, key: str) -> list[tuple[str, object]]:
        """A required list, as (path, item) pairs."""
        return _as_list(self._required(key), self.at(key))

    def maybe_items(self, key: str) -> list[tuple[str, object]]:
        value = self.data.get(key)
        return [] if value is None else _as_list(value, self.at(key))

    def texts(self, key: str) -> list[tuple[str, str]]:
        """A required list of strings; blank entries are dropped."""
        return _texts(self.items(key))

    def maybe_texts(self, key: str) -> list[tuple[str, str]]:
        return _texts(self.maybe_items(key))


def as_text(value: object, path: str) -> str | None:
    """A string, stripped; None when blank."""
    if not isinstance(value, str):
        raise Reject(f"'{path}' must be a string, not {describe(value)}")
    return value.strip() or None


def as_integer(value: object, path: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise Reject(f"'{path}' must be a whole number, not {describe(value)}")
    return value


def _as_list(value: object, path: str) -> list[tuple[str, object]]:
    if not isinstance(value, list):
        raise Reject(f"'{path}' must be a list, not {describe(value)}")
    return [(join(path, i), item) for i, item in enumerate(value)]


def _texts(items: list[tuple[str, object]]) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    for path, item in items:
        found = as_text(item, path)
        if found is not None:
            out.append((path, found))
    return out
