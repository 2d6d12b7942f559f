"""Streaming CSV rows of a rempm batch, each with its first line number and its raw bytes.

A batch is up to 20 MB, so it is never decoded or split as a whole: physical lines are
cut from the input one at a time, decoded from ISO-8859-1 (every byte is a character, so
decoding cannot fail and byte offsets stay exact) and fed to the ``csv`` reader, which
pulls exactly the lines a row needs (a quoted field may span several). The reader never
reads ahead, so the lines it consumed for one row are that row's raw bytes.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from dataclasses import dataclass

ENCODING = "iso-8859-1"
SEPARATOR = ";"
#: a physical line longer than this is not a case summary; only this much of it is decoded
MAX_LINE = 1024 * 1024
#: how much of a damaged row is read to find its protocolo
_SALVAGE = 64 * 1024


@dataclass(frozen=True)
class Row:
    """One CSV record: its fields, or why they could not be read."""

    #: 1-based number of the row's first physical line (the header is line 1)
    line: int
    #: the row's bytes as sent, without its final line end
    raw: bytes
    fields: list[str] | None
    error: str | None = None


class _Lines:
    """An iterator of the physical lines of ``native`` (line ends kept), one copy at a time."""

    def __init__(self, native: bytes) -> None:
        self._native = native
        self.offset = 0
        self.count = 0
        #: the line number of the first over-long line since the flag was last cleared
        self.overlong: int | None = None

    def __iter__(self) -> _Lines:
        return self

    def __next__(self) -> str:
        start = self.offset
        if start >= len(self._native):
            raise StopIteration
        end = self._native.find(b"\n", start)
        self.offset = len(self._native) if end < 0 else end + 1
        self.count += 1
        if self.offset - start > MAX_LINE:
            self.overlong = self.overlong or self.count
            return self._native[start : start + MAX_LINE].decode(ENCODING) + "\n"
        return self._native[start : self.offset].decode(ENCODING)


def read_rows(native: bytes) -> Iterator[Row]:
    """Every non-blank record of the file in order, the header first.

    ``strict`` quoting makes a stray quote or an unclosed quoted field an error of its own
    row instead of text silently glued to its neighbours; after an error the reader starts
    afresh on the next line, so one damaged row does not sink the rows after it.
    """
    lines = _Lines(native)
    reader = csv.reader(lines, delimiter=SEPARATOR, quotechar='"', doublequote=True, strict=True)
    while True:
        start, first = lines.offset, lines.count + 1
        lines.overlong = None
        fields: list[str] | None
        try:
            fields, error = next(reader), None
        except StopIteration:
            return
        except csv.Error as exc:
            fields, error = None, _plain(str(exc))
        if lines.overlong is not None:
            fields, error = None, f"line {lines.overlong} is longer than {MAX_LINE} bytes"
        raw = _without_line_end(native[start : lines.offset])
        if fields is not None and not any(field.strip() for field in fields):
            continue  # a blank line carries nothing
        yield Row(line=first, raw=raw, fields=fields, error=error)


def salvage(raw: bytes) -> list[str]:
    """The fields of a damaged row's first line, read leniently: enough to name the row
    (its protocolo) in the rejection, never used to translate it."""
    end = raw.find(b"\n", 0, _SALVAGE)
    first = raw[: end if end >= 0 else _SALVAGE].decode(ENCODING)
    try:
        return next(csv.reader([first], delimiter=SEPARATOR, quotechar='"'), [])
    except csv.Error:
        return []


def _without_line_end(raw: bytes) -> bytes:
    if raw.endswith(b"\r\n"):
        return raw[:-2]
    return raw[:-1] if raw.endswith(b"\n") else raw


def _plain(message: str) -> str:
    """The csv module's messages, in the network's terms."""
    if "field larger than field limit" in message:
        return f"a field is longer than {csv.field_size_limit()} characters (an unclosed quote?)"
    if "unexpected end of data" in message:
        return "a quoted field is never closed (the file ends inside it)"
    if "expected after" in message:
        return 'a quote inside a field that is not doubled (write it as "")'
    if "new-line character seen in unquoted field" in message:
        return "a bare carriage return inside an unquoted field"
    return message
