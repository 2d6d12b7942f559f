"""A shared corpus of hostile and broken inputs every adapter must refuse cleanly.

Named by behaviour, as the kit reports them. Each is refused with a reason and never
raises; none may yield a canonical event.
"""

from __future__ import annotations

import random
from collections.abc import Callable

from adapters.sdk.contract import Adapter

_OTHER_DOCUMENTS: dict[str, bytes] = {
    "json_array": b'[{"tipo": "REMISION_CASO"}, 1, 2]',
    "json_scalar": b'"just a string"',
    "json_unrelated_object": b'{"hello": "world", "items": [1, 2, 3]}',
    "xml_unrelated": b'<?xml version="1.0"?><note><to>A</to><body>hi</body></note>',
    "csv_unrelated": b"a;b;c\r\n1;2;3\r\n",
    "pdf_header": b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n",
    "plain_text": b"Hello, this is not a message of any network.\n",
    "html_page": b"<!doctype html><html><body><p>502 Bad Gateway</p></body></html>",
}


def _garbage(seed: int, size: int) -> bytes:
    rng = random.Random(seed)
    return bytes(rng.getrandbits(8) for _ in range(size))


def corpus(adapter: Adapter) -> dict[str, bytes]:
    """Inputs that must be refused outright (no event at all)."""
    cases: dict[str, bytes] = {
        "empty_message": b"",
        "only_white_space": b" \r\n\t \n",
        "binary_garbage": _garbage(1, 2048),
        "binary_garbage_with_nul_bytes": b"\x00" * 512 + _garbage(2, 512),
        "utf16_with_bom": '\ufeff{"tipo": "x"}'.encode("utf-16"),
        "invalid_utf8_sequence": b"\xc3\x28\xa0\xa1\xe2\x28\xa1\xf0\x28\x8c\xbc",
        "over_the_size_limit": b" " * (adapter.max_bytes + 1),
        "deeply_nested_json": b"[" * 200_000 + b"]" * 200_000,
        "deeply_nested_xml": b"<a>" * 50_000 + b"</a>" * 50_000,
        "xml_billion_laughs": (
            b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
            b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
            b'<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>'
            b"<lolz>&lol3;</lolz>"
        ),
    }
    for name, document in _OTHER_DOCUMENTS.items():
        cases[f"wrong_document_{name}"] = document
    return cases


Mutation = Callable[[bytes], bytes]

#: Damage applied to each golden native message: each must be refused or translated,
#: never crash. (A truncated batch may still carry good rows.)
MUTATIONS: dict[str, Mutation] = {
    "truncated_to_half": lambda raw: raw[: len(raw) // 2],
    "truncated_by_one_byte": lambda raw: raw[:-1],
    "first_byte_flipped": lambda raw: bytes([raw[0] ^ 0xFF]) + raw[1:] if raw else raw,
    "latin1_reencoded": lambda raw: raw.decode("utf-8", "replace").encode("latin-1", "replace"),
    "utf8_reencoded": lambda raw: raw.decode("latin-1").encode("utf-8"),
    "doubled": lambda raw: raw + raw,
}
