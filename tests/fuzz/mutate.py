"""A small deterministic mutator for the short run in CI: no engine, no coverage, a fixed
seed, so that the run is the same on every machine and fast.

Byte-level damage in the manner of libFuzzer's mutators (flips, interesting bytes, tokens
of the native formats, insertions, deletions, copies, splices with another input) and, for
JSON inputs, structural damage: any JSON value at any key, or the key removed.
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable, Sequence
from typing import Any

from tests._support.json_mutation import key_paths

TOKENS: tuple[bytes, ...] = (
    b'"',
    b"\\",
    b"{",
    b"}",
    b"[",
    b"]",
    b":",
    b",",
    b"null",
    b"true",
    b"-1",
    b"0",
    b"1e999",
    b"-0.0",
    b"9" * 40,
    b"<",
    b">",
    b"</",
    b"/>",
    b"&amp;",
    b"&#0;",
    b"<![CDATA[",
    b"<!DOCTYPE x>",
    b'xmlns:x="u"',
    b";",
    b"\r\n",
    b"\n",
    b"\t",
    b"\x00",
    b"\xff",
    b"\xc3",
    b"\xef\xbb\xbf",
    b"\xe2\x80\xae",
    b"FIN",
    b"2026-02-30",
    b"9999-12-31T23:59:59Z",
    b"+25:00",
    b"ZZ",
    b"XK",
    b"000",
)
JSON_VALUES: tuple[Any, ...] = (
    None,
    True,
    False,
    0,
    -1,
    2**63,
    1.5,
    1e308,
    "",
    " ",
    "x" * 300,
    "\u202e",
    "\x00",
    "2026-13-01",
    "9999-12-31T23:59:59Z",
    [],
    [None],
    {},
    {"": None},
    [[[]]],
)


def _flip(rng: random.Random, data: bytearray) -> None:
    if data:
        data[rng.randrange(len(data))] ^= 1 << rng.randrange(8)


def _set(rng: random.Random, data: bytearray) -> None:
    if data:
        data[rng.randrange(len(data))] = rng.choice((0, 0xFF, 0x7F, 0x80, rng.randrange(256)))


def _token(rng: random.Random, data: bytearray) -> None:
    at = rng.randrange(len(data) + 1)
    data[at:at] = rng.choice(TOKENS)


def _delete(rng: random.Random, data: bytearray) -> None:
    if data:
        at = rng.randrange(len(data))
        del data[at : at + rng.randrange(1, 64)]


def _copy(rng: random.Random, data: bytearray) -> None:
    if data:
        at = rng.randrange(len(data))
        piece = data[at : at + rng.randrange(1, 64)]
        to = rng.randrange(len(data) + 1)
        data[to:to] = piece


def _truncate(rng: random.Random, data: bytearray) -> None:
    del data[rng.randrange(len(data) + 1) :]


BYTE_MUTATIONS: tuple[Callable[[random.Random, bytearray], None], ...] = (
    _flip,
    _set,
    _token,
    _delete,
    _copy,
    _truncate,
)


def mutate_json(rng: random.Random, raw: bytes) -> bytes | None:
    """Any value at any key of a JSON input (or the key dropped); None if not JSON."""
    try:
        message = json.loads(raw)
    except ValueError:
        return None
    paths = key_paths(message)
    if not paths:
        return None
    path = rng.choice(paths)
    parent: Any = message
    for key in path[:-1]:
        parent = parent[key]
    if isinstance(parent, dict) and rng.random() < 0.3:
        del parent[path[-1]]
    else:
        parent[path[-1]] = json.loads(json.dumps(rng.choice(JSON_VALUES)))
    return json.dumps(message, ensure_ascii=rng.random() < 0.5).encode("utf-8")


def mutate(rng: random.Random, corpus: Sequence[bytes]) -> bytes:
    """One new input from the corpus."""
    base = rng.choice(corpus)
    if rng.random() < 0.3:
        structured = mutate_json(rng, base)
        if structured is not None:
            return structured
    data = bytearray(base)
    if rng.random() < 0.1:
        other = rng.choice(corpus)
        data = data[: rng.randrange(len(data) + 1)] + other[rng.randrange(len(other) + 1) :]
    for _ in range(rng.randrange(1, 5)):
        rng.choice(BYTE_MUTATIONS)(rng, data)
    return bytes(data)
