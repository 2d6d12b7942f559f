"""The shared strict JSON reader and the one quote: what every JSON adapter refuses, and
how a reason names a hostile value."""

from __future__ import annotations

import sys

import pytest

from adapters.sdk.contract import Reject
from adapters.sdk.jsonread import Obj, load_json
from contract.quoting import QUOTE_LIMIT, quote


def refusal(native: bytes, network: str = "refco") -> str:
    with pytest.raises(Reject) as caught:
        load_json(native, network)
    return caught.value.reason


def test_a_key_given_twice_is_refused_naming_the_key() -> None:
    assert refusal(b'{"a": 1, "a": 2}') == "key 'a' appears twice in one JSON object"


@pytest.mark.parametrize("constant", ["NaN", "Infinity", "-Infinity"])
def test_nan_and_infinity_are_not_json_numbers(constant: str) -> None:
    assert refusal(f'{{"a": {constant}}}'.encode()) == f"'{constant}' is not a JSON number"


def test_an_integer_over_the_digit_limit_is_a_clean_refusal() -> None:
    digits = sys.get_int_max_str_digits()
    native = b'{"a": ' + b"9" * (digits + 1) + b"}"
    assert refusal(native) == (
        f"message is not usable JSON: a number has more than {digits} digits"
    )


def test_malformed_json_names_the_place() -> None:
    assert refusal(b'{"a" 1}') == (
        "message is not valid JSON: Expecting ':' delimiter: line 1 column 6 (char 5)"
    )


def test_deep_nesting_and_bad_bytes_are_refused() -> None:
    assert (
        refusal(b"[" * 200_000 + b"]" * 200_000) == "message is not usable JSON: nested too deeply"
    )
    assert refusal(b'{"a": "\xc3\x28"}') == "message is not UTF-8 text: invalid byte at offset 7"


def test_an_empty_message_says_what_was_expected() -> None:
    assert refusal(b" \n", "refco") == "message is empty: a refco message is one JSON object"
    assert refusal(b"", "interpol") == ("message is empty: an interpol message is one JSON object")


def test_a_byte_order_mark_is_tolerated() -> None:
    assert load_json(b'\xef\xbb\xbf{"a": 1}', "refco") == {"a": 1}


def test_an_object_within_something_names_it_in_every_reason() -> None:
    obj = Obj({"forename": 42, "name": "  ", "height": "tall"}, "", within="notice 2021/1")
    with pytest.raises(Reject, match=r"^'forename' in notice 2021/1 must be a string"):
        obj.maybe_text("forename")
    with pytest.raises(Reject, match=r"^'name' in notice 2021/1 is blank$"):
        obj.text("name")
    with pytest.raises(Reject, match=r"^'height' in notice 2021/1 must be a number, not"):
        obj.maybe_number("height")


def test_a_number_is_read_as_a_float_and_a_boolean_is_not_one() -> None:
    obj = Obj({"lat": 4, "lon": -74.5, "flag": True}, "place")
    assert obj.maybe_number("lat") == 4.0
    assert obj.maybe_number("lon") == -74.5
    assert obj.maybe_number("absent") is None
    with pytest.raises(Reject, match=r"^'place.flag' must be a number, not a boolean$"):
        obj.maybe_number("flag")


def test_a_path_alone_names_a_value_of_the_message() -> None:
    obj = Obj({"imputados": [{"nombres": 7}]}, "")
    [(path, person)] = obj.items("imputados")
    with pytest.raises(Reject, match=r"^'imputados\[0\].nombres' must be a string, not a number$"):
        Obj(person, path).maybe_text("nombres")


def test_a_quoted_value_is_one_bounded_line() -> None:
    assert quote("a\r\nb\t c") == "a b c"
    long = quote("x" * 500)
    assert len(long) == QUOTE_LIMIT
    assert long.endswith("…")
    assert quote("y" * 300, 200) == "y" * 199 + "…"
    assert quote(None) == "None"
    assert quote(["B", 2]) == "['B', 2]"
