"""The layout of an ameripol message: header line, one field per line, numbered items in
the ``PERSONAS:``/``VEHICULOS:``/``LUGARES:`` sections, free text from ``TEXTO:`` to
``FIN DEL MENSAJE``.

Keywords are matched with accents, case and stray white space folded away. Lines that are
neither a known field nor an item of the current section are ignored (the raw copy keeps
them). The closing line is what proves the message arrived whole: without it, or with more
text after it (two messages glued together), nothing is translated.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache

from adapters.sdk.contract import Reject
from adapters.sdk.normalize.text import fold

KINDS = {"alerta operativa": False, "solicitud de informacion": True}
FIELDS = ("de", "para", "fecha", "prioridad", "clasificacion", "asunto", "delitos")
SECTIONS = ("personas", "vehiculos", "lugares")
TEXT = "texto"
END = "fin del mensaje"

_HEADER = re.compile(r"ameripol\s*//\s*(?P<kind>[^/]+?)\s*//\s*nr\.?\s*(?P<number>\S.*)")
_KEY = re.compile(r"\s*(?P<key>[^\W\d_]+(?: [^\W\d_]+)*)\s*:\s*(?P<value>.*)")
_ITEM = re.compile(r"\s*(?P<number>\d{1,4})\s*[.)]\s*(?P<text>.*)")


@dataclass(frozen=True)
class Item:
    section: str
    number: str
    text: str

    @property
    def where(self) -> str:
        return f"item {self.number} of {self.section.upper()}"


@dataclass
class Message:
    """The message cut into its parts; values are stripped but otherwise as sent."""

    kind: str
    number: str
    request_for_information: bool
    fields: dict[str, str] = field(default_factory=dict)
    items: list[Item] = field(default_factory=list)
    text: list[str] = field(default_factory=list)

    def value(self, key: str) -> str:
        return self.fields.get(key, "")

    def required(self, key: str) -> str:
        value = self.value(key)
        if not value:
            raise Reject(f"no {key.upper()}: line (or it is empty): the message needs it")
        return value


def decode(native: bytes) -> list[str]:
    """UTF-8 lines without their line ends."""
    try:
        text = native.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise Reject(
            f"byte 0x{native[exc.start]:02x} at offset {exc.start} is not UTF-8: "
            "ameripol messages are UTF-8 text"
        ) from None
    return [line.rstrip("\r") for line in text.removeprefix("\ufeff").split("\n")]


def split_message(native: bytes) -> Message:
    lines = decode(native)
    rest = iter(enumerate(lines, start=1))
    first = next(((n, line) for n, line in rest if line.strip()), None)
    if first is None:
        raise Reject("the message is empty")
    match = _HEADER.fullmatch(fold(first[1]))
    if match is None:
        raise Reject(
            f"line {first[0]} '{_show(first[1])}' is not a header AMERIPOL//<KIND>//NR <number>"
        )
    kind = match.group("kind")
    if kind not in KINDS:
        raise Reject(
            f"kind '{kind.upper()}' in the header: ameripol sends ALERTA OPERATIVA or "
            "SOLICITUD DE INFORMACION"
        )
    number = " ".join(_original_number(first[1]).split())
    message = Message(kind=kind.upper(), number=number, request_for_information=KINDS[kind])
    section: str | None = None
    for n, line in rest:
        key_match = _KEY.fullmatch(line)
        key = _key(key_match.group("key")) if key_match else ""
        if key == TEXT and key_match:
            _read_text(message, key_match.group("value"), rest)
            return message
        if _is_end(line):
            raise Reject(f"no TEXTO: line before FIN DEL MENSAJE (line {n})")
        if key_match and key in FIELDS:
            if key in message.fields:
                raise Reject(f"{key.upper()}: appears twice (again on line {n})")
            message.fields[key] = key_match.group("value").strip()
            section = None
        elif key_match and key in SECTIONS:
            section = key
        elif section and (item := _ITEM.fullmatch(line)):
            message.items.append(Item(section, item.group("number"), item.group("text").strip()))
    raise Reject("the message ends without TEXTO: and FIN DEL MENSAJE: truncated in transit")


def _read_text(message: Message, inline: str, rest: Iterator[tuple[int, str]]) -> None:
    if inline.strip():
        message.text.append(inline.strip())
    for _, line in rest:
        if _is_end(line):
            after = [m for m, tail in rest if tail.strip()]
            if after:
                raise Reject(
                    f"text after FIN DEL MENSAJE (line {after[0]}): one message per Kafka message"
                )
            return
        message.text.append(line.rstrip())
    raise Reject("the message ends without FIN DEL MENSAJE: truncated in transit")


@lru_cache(maxsize=256)
def _key(word: str) -> str:
    """A field keyword folded; the same few keywords recur in every message."""
    return fold(word)


def _is_end(line: str) -> bool:
    """``FIN DEL MENSAJE`` in any case, accents or spacing, a final full stop allowed (the
    cheap test first: most lines are text)."""
    return line.lstrip()[:3].upper() == "FIN" and fold(line).rstrip(" .") == END


def _original_number(header: str) -> str:
    """The NR as written (the header was matched folded, which lowercases it)."""
    return re.split(r"(?i)//\s*NR\.?\s*", header, maxsplit=1)[-1].strip()


def _show(text: str, limit: int = 80) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
