"""Untrusted bytes → element tree, refusing anything that could expand or fetch.

The parser is defusedxml's expat parser with DTDs forbidden outright: a DOCTYPE stops
the parse at its first token, so no entity (internal, external or parameter) is ever
declared, expanded or fetched. The tree builder also refuses, as soon as it sees them,
elements outside the HIEN namespace, nesting deeper than the format has and element
floods, so a hostile document costs little time and memory before it is refused.

The encoding is decided here, not by expat: the network sends UTF-8 or ISO-8859-1 and
says which in the XML declaration; anything else is refused with a reason.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from typing import Final

from defusedxml import DTDForbidden, EntitiesForbidden, ExternalReferenceForbidden
from defusedxml.ElementTree import DefusedXMLParser

from adapters.oas_hien.vocabulary import MAX_BYTES, MAX_DEPTH, MAX_ELEMENTS, NAMESPACE
from adapters.sdk.contract import Reject
from contract.quoting import quote

_DECLARATION: Final = re.compile(
    rb"<\?xml\s+version\s*=\s*([\"'])1\.0\1"
    rb"(?:\s+encoding\s*=\s*([\"'])([A-Za-z][A-Za-z0-9._-]{0,39})\2)?"
    rb"(?:\s+standalone\s*=\s*([\"'])(?:yes|no)\4)?\s*\?>"
)
_UTF8: Final = frozenset({"UTF-8", "UTF8"})
_LATIN1: Final = frozenset(
    {"ISO-8859-1", "ISO8859-1", "ISO_8859-1", "LATIN-1", "LATIN1", "L1", "CP819", "ISO-IR-100"}
)
_ASCII: Final = frozenset({"US-ASCII", "ASCII"})
_WIDE_BOMS: Final = (b"\x00\x00\xfe\xff", b"\xff\xfe\x00\x00", b"\xfe\xff", b"\xff\xfe")
_UTF8_BOM: Final = b"\xef\xbb\xbf"
#: C1 control characters never occur in real text: in a document labelled ISO-8859-1 they
#: are windows-1252 punctuation (en dash, curly quotes...) from a mislabelling gateway
_C1_AS_CP1252: Final = {
    code: bytes([code]).decode("cp1252")
    for code in range(0x80, 0xA0)
    if code not in (0x81, 0x8D, 0x8F, 0x90, 0x9D)
}
ROOTS: Final = frozenset({f"{{{NAMESPACE}}}Request", f"{{{NAMESPACE}}}StatusUpdate"})


def read_document(native: bytes) -> ET.Element:
    """The root element of a HIEN document; raises :class:`Reject` saying why otherwise."""
    if len(native) > MAX_BYTES:
        raise Reject(f"document is {len(native)} bytes, over the {MAX_BYTES}-byte limit")
    text = decode(native)
    parser = DefusedXMLParser(
        target=_GuardedBuilder(), forbid_dtd=True, forbid_entities=True, forbid_external=True
    )
    try:
        parser.feed(text)
        root: ET.Element = parser.close()
    except DTDForbidden:
        raise Reject(
            "document has a DOCTYPE declaration: refused unread (no entity is expanded or fetched)"
        ) from None
    except EntitiesForbidden as exc:
        raise Reject(f"document declares the entity '{exc.name}': refused unexpanded") from None
    except ExternalReferenceForbidden:
        raise Reject("document refers to an external resource: refused unfetched") from None
    except ET.ParseError as exc:
        raise Reject(f"document is not well-formed XML: {exc}") from None
    return root


def decode(native: bytes) -> str:
    """The document as text, in the encoding its XML declaration names (UTF-8 by default)."""
    if native.startswith(_WIDE_BOMS):
        raise Reject("document is UTF-16 or UTF-32 encoded; the network sends UTF-8 or ISO-8859-1")
    raw = native.lstrip(b" \t\r\n")
    has_bom = raw.startswith(_UTF8_BOM)
    if has_bom:
        raw = raw[len(_UTF8_BOM) :]
    encoding = declared_encoding(raw)
    if has_bom and encoding not in _UTF8:
        raise Reject(f"document starts with a UTF-8 byte order mark but declares {encoding}")
    skipped = len(native) - len(raw)
    if encoding in _UTF8:
        return _decode_strict(raw, "utf-8", "UTF-8", skipped)
    if encoding in _ASCII:
        return _decode_strict(raw, "ascii", encoding, skipped)
    if encoding in _LATIN1:
        return raw.decode("latin-1").translate(_C1_AS_CP1252)
    raise Reject(
        f"encoding '{encoding}' in the XML declaration is not accepted: "
        "the network sends UTF-8 or ISO-8859-1"
    )


def declared_encoding(raw: bytes) -> str:
    """The upper-cased encoding name of the XML declaration; UTF-8 when none is given."""
    if not raw.startswith(b"<?xml") or raw[5:6] not in (b" ", b"\t", b"\r", b"\n"):
        return "UTF-8"
    match = _DECLARATION.match(raw)
    if match is None:
        head = raw[:80].decode("ascii", "replace")
        raise Reject(f"XML declaration '{head.partition('?>')[0]}?>' is malformed")
    name = match.group(3)
    return name.decode("ascii").upper() if name else "UTF-8"


def _decode_strict(raw: bytes, codec: str, label: str, skipped: int) -> str:
    """``skipped``: bytes cut from the front (white space, byte order mark), so the offset
    in the reason counts from the start of the message as sent."""
    try:
        return raw.decode(codec)
    except UnicodeDecodeError as exc:
        bad = raw[exc.start : exc.start + 1].hex()
        raise Reject(
            f"byte 0x{bad} at offset {skipped + exc.start} is not valid {label}, "
            "the encoding the XML declaration names (UTF-8 when it names none)"
        ) from None


class _GuardedBuilder(ET.TreeBuilder):
    """A tree builder that refuses foreign elements and floods while the parse runs."""

    def __init__(self) -> None:
        super().__init__()
        self._depth = 0
        self._count = 0

    def start(self, tag: str, attrs: dict[str, str], /) -> ET.Element:
        self._depth += 1
        self._count += 1
        if self._depth == 1 and tag not in ROOTS:
            raise Reject(
                f"root element {show(tag)} is not a HIEN document: "
                f"expected Request or StatusUpdate in namespace {NAMESPACE}"
            )
        if not tag.startswith(f"{{{NAMESPACE}}}"):
            raise Reject(f"element {show(tag)} is outside the namespace {NAMESPACE}")
        if self._depth > MAX_DEPTH:
            raise Reject(f"element {show(tag)} is nested {self._depth} deep, deeper than HIEN goes")
        if self._count > MAX_ELEMENTS:
            raise Reject(f"document has more than {MAX_ELEMENTS} elements")
        return super().start(tag, attrs)

    def end(self, tag: str, /) -> ET.Element:
        self._depth -= 1
        return super().end(tag)


def show(tag: str) -> str:
    """A tag as people write it: ``{urn:x}Foo`` → ``<Foo> (namespace urn:x)``."""
    tag = quote(tag, 200)
    if tag.startswith("{"):
        namespace, _, local = tag[1:].partition("}")
        return f"<{local}>" if namespace == NAMESPACE else f"<{local}> (namespace {namespace})"
    return f"<{tag}> (no namespace)"


def local_name(tag: str) -> str:
    return tag.rpartition("}")[2]
