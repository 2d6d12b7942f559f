"""No control character reaches a signed canonical event: U+0000 and its kind are refused by
the canonical types themselves, so every adapter refuses them the same way, naming the field.
(Before, refco, interpol and ameripol signed events that carried them.)"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from pydantic import TypeAdapter, ValidationError

from adapters.sdk import Rejected, Translated, get_adapter, translate
from schemas.models.values import Label, LongText, ShortText

GOLDEN = Path(__file__).resolve().parents[1] / "adapters"
RECEIVED = datetime(2026, 11, 28, 15, 0, tzinfo=UTC)

REFCO = "v21_trafficking_referral_from_guatemala/native.json"
INTERPOL = "spec_red_notice_detail_drug_trafficking/native.json"
AMERIPOL = "spec_example_alerta_operativa/native.txt"
CASES = [
    ("refco", REFCO, b'"Fiscal', b'"\\u0000Fiscal'),
    ("interpol", INTERPOL, b'"forename": "', b'"forename": "\\u001b[2J'),
    ("ameripol", AMERIPOL, b"ASUNTO: ENVIO", b"ASUNTO: \x00ENVIO"),
]


@pytest.mark.parametrize(("slug", "golden", "find", "replace"), CASES, ids=[c[0] for c in CASES])
def test_a_control_character_in_a_native_message_is_a_clean_rejection(
    slug: str, golden: str, find: bytes, replace: bytes
) -> None:
    native = (GOLDEN / slug / "golden" / golden).read_bytes()
    assert find in native
    clean = translate(get_adapter(slug), native, received=RECEIVED)
    assert any(isinstance(r, Translated) for r in clean)
    hostile = native.replace(find, replace, 1)
    results = translate(get_adapter(slug), hostile, received=RECEIVED)
    assert not any(isinstance(r, Translated) for r in results)
    reasons = [r.reason for r in results if isinstance(r, Rejected)]
    assert reasons
    assert all("control character" in r for r in reasons), reasons


@pytest.mark.parametrize("kind", [ShortText, Label, LongText])
@pytest.mark.parametrize("char", ["\x00", "\x07", "\x1b", "\x7f", "\x85"])
def test_canonical_text_refuses_control_characters(kind: object, char: str) -> None:
    with pytest.raises(ValidationError, match="control character"):
        TypeAdapter(kind).validate_python(f"a{char}b")


@pytest.mark.parametrize("text", ["tab\there", "two\nlines", "crlf\r\nend", "ñandú – “ok”"])
def test_white_space_and_ordinary_text_are_kept(text: str) -> None:
    assert TypeAdapter(LongText).validate_python(text) == text
