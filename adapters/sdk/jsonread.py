"""Strict reading of an untrusted JSON message: every wrong shape becomes a ``Reject`` that
names the key (``imputados[0].nombres``), so an operator knows what to fix.

The hazards (duplicate keys, NaN, over-long integers, deep nesting, bytes that are not
UTF-8) are refused by the hub's one strict reader, :mod:`contract.strictjson`; every JSON
adapter loads its messages here, so all of them refuse the same hazards in the same words.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from adapters.sdk.contract import Reject
from contract.strictjson import StrictJsonError, decode_text, loads


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
    if isinstance(value, list | tuple):
        return "a list"
    return "an object"


def _article(word: str) -> str:
    return "an" if word[:1].lower() in "aeiou" else "a"


def load_json(native: bytes, network: str) -> object:
    """The JSON value of a UTF-8 message (a UTF-8 byte-order mark is tolerated)."""
    try:
        text = decode_text(native)
        if not text.strip():
            raise Reject(
                f"message is empty: {_article(network)} {network} message is one JSON object"
            )
        return loads(text)
    except StrictJsonError as exc:
        raise Reject(str(exc)) from None


def join(path: str, key: str | int) -> str:
    """The path of a key or list index below ``path``."""
    if isinstance(key, int):
        return f"{path}[{key}]"
    return f"{path}.{key}" if path else key


def _named(path: str, within: str) -> str:
    """How a reason names the value at ``path`` of an object that lies ``within`` another
    thing (``'forename' in notice 2021/75051``); a bare path when it lies in the message."""
    return f"'{path}' in {within}" if within else f"'{path}'"


class Obj:
    """A JSON object at a known path, with typed getters that refuse wrong shapes.

    ``text``/``integer``/… require the key; the ``maybe_`` variants treat an absent key
    and ``null`` alike as "not given". ``within`` names what holds the object when a path
    from the message's top does not (a notice of a list page, a STIX object by its id).
    """

    def __init__(self, value: object, path: str, *, within: str = "") -> None:
        if not isinstance(value, Mapping):
            where = f"'{path}'" if path else (within or "the message")
            raise Reject(f"{where} must be a JSON object, not {describe(value)}")
        self.data: Mapping[str, Any] = value
        self.path = path
        self.within = within

    def at(self, key: str) -> str:
        return join(self.path, key)

    def name(self, key: str) -> str:
        """The key as a reason names it: quoted path, and what holds the object."""
        return _named(self.at(key), self.within)

    def given(self, key: str) -> bool:
        return self.data.get(key) is not None

    def _required(self, key: str) -> object:
        value = self.data.get(key)
        if value is None:
            state = "null" if key in self.data else "missing"
            raise Reject(f"{self.name(key)} is {state}")
        return value

    def text(self, key: str) -> str:
        """A required, non-blank string, stripped."""
        found = self.maybe_text(key)
        if found is None:
            self._required(key)
            raise Reject(f"{self.name(key)} is blank")
        return found

    def maybe_text(self, key: str) -> str | None:
        value = self.data.get(key)
        if value is None:
            return None
        return _as_text(value, self.name(key))

    def integer(self, key: str) -> int:
        return _as_integer(self._required(key), self.name(key))

    def maybe_integer(self, key: str) -> int | None:
        value = self.data.get(key)
        return None if value is None else _as_integer(value, self.name(key))

    def maybe_number(self, key: str) -> float | None:
        """A JSON number (whole or not; a boolean is not one), as a float."""
        value = self.data.get(key)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise Reject(f"{self.name(key)} must be a number, not {describe(value)}")
        return float(value)

    def boolean(self, key: str) -> bool:
        value = self._required(key)
        if not isinstance(value, bool):
            raise Reject(f"{self.name(key)} must be true or false, not {describe(value)}")
        return value

    def obj(self, key: str) -> Obj:
        return Obj(self._required(key), self.at(key), within=self.within)

    def maybe_obj(self, key: str) -> Obj | None:
        value = self.data.get(key)
        return None if value is None else Obj(value, self.at(key), within=self.within)

    def items(self, key: str) -> list[tuple[str, object]]:
        """A required list, as (path, item) pairs."""
        return self._as_list(self._required(key), key)

    def maybe_items(self, key: str) -> list[tuple[str, object]]:
        value = self.data.get(key)
        return [] if value is None else self._as_list(value, key)

    def texts(self, key: str) -> list[tuple[str, str]]:
        """A required list of strings; blank entries are dropped."""
        return self._texts(self.items(key))

    def maybe_texts(self, key: str) -> list[tuple[str, str]]:
        return self._texts(self.maybe_items(key))

    def _as_list(self, value: object, key: str) -> list[tuple[str, object]]:
        if not isinstance(value, list | tuple):
            raise Reject(f"{self.name(key)} must be a list, not {describe(value)}")
        path = self.at(key)
        return [(join(path, i), item) for i, item in enumerate(value)]

    def _texts(self, items: list[tuple[str, object]]) -> list[tuple[str, str]]:
        out: list[tuple[str, str]] = []
        for path, item in items:
            found = _as_text(item, _named(path, self.within))
            if found is not None:
                out.append((path, found))
        return out


def _as_text(value: object, name: str) -> str | None:
    """A string, stripped; None when blank."""
    if not isinstance(value, str):
        raise Reject(f"{name} must be a string, not {describe(value)}")
    return value.strip() or None


def _as_integer(value: object, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise Reject(f"{name} must be a whole number, not {describe(value)}")
    return value
