"""Reading structured values out of fuzz bytes, without the fuzzing engine.

The router harness turns its input into a batch of Kafka records. libFuzzer only mutates
bytes, so the harness reads those bytes as a stream of small fields: when the stream runs
out every field reads as empty, so any input, even the empty one, is a valid batch.
:func:`chunk` and :func:`byte` are the inverse of what the seeds are written with.
"""

from __future__ import annotations

#: a chunk of this length stands for "no value" (a None key, value or header value)
NONE_LENGTH = 0xFFFF


class ByteReader:
    """Consumes fields from the front of ``data``; past the end every field is empty."""

    __slots__ = ("_data", "_pos")

    def __init__(self, data: bytes) -> None:
        self._data = data
        self._pos = 0

    @property
    def exhausted(self) -> bool:
        return self._pos >= len(self._data)

    def byte(self) -> int:
        if self._pos >= len(self._data):
            return 0
        value = self._data[self._pos]
        self._pos += 1
        return value

    def chunk(self) -> bytes | None:
        """A field of a two-byte big-endian length and that many bytes (fewer at the end)."""
        length = (self.byte() << 8) | self.byte()
        if length == NONE_LENGTH:
            return None
        start = self._pos
        self._pos = min(len(self._data), start + length)
        return self._data[start : self._pos]


def byte(value: int) -> bytes:
    return bytes([value & 0xFF])


def chunk(value: bytes | None) -> bytes:
    """The encoding :meth:`ByteReader.chunk` reads back as ``value``."""
    if value is None:
        return NONE_LENGTH.to_bytes(2, "big")
    if len(value) >= NONE_LENGTH:
        raise ValueError("a chunk holds at most 65534 bytes")
    return len(value).to_bytes(2, "big") + value
