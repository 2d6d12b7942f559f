"""Origin signatures: what they cover, and that nothing covered can change unnoticed."""

from __future__ import annotations

import json
import math
import pickle
from datetime import UTC, datetime, timedelta

import pytest
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from hypothesis import given
from hypothesis import strategies as st

from contract.keys import KeyRegistry
from contract.signing import (
    SIGNED_ATTRIBUTES,
    VERIFICATION_REASONS,
    MalformedEnvelopeError,
    Signer,
    VerificationError,
    canonical_json,
    decode_signature,
    signing_payload,
)

NOT_BEFORE = datetime(2026, 1, 1, tzinfo=UTC)
NOT_AFTER = datetime(2027, 1, 1, tzinfo=UTC)
NOW = datetime(2026, 6, 1, tzinfo=UTC)

ATTRIBUTES: dict[str, str] = {
    "id": "refco:7f3c2a",
    "source": "urn:cca:net:refco",
    "type": "cca.case.referral.v1",
    "time": "2026-05-09T10:00:00Z",
    "subject": "REFCO-2026-0042",
    "dataschema": "urn:cca:schema:case.referral:v1",
    "caseid": "CCA-2026-000042",
    "classification": "RESTRICTED",
}
DATA = canonical_json(
    {
        "reference": "REFCO-2026-0042",
        "summary": "Tráfico de migrantes — ruta Panamá/Costa Rica",
        "persons": [{"full_name": "José Pérez", "birth_date": "1980"}],
        "locations": [{"name": "Paso Canoas", "lat": 8.533, "lon": -82.833}],
    }
)


@pytest.fixture(scope="module")
def key() -> Ed25519PrivateKey:
    return Ed25519PrivateKey.generate()


@pytest.fixture(scope="module")
def registry_and_signer(key: Ed25519PrivateKey) -> tuple[KeyRegistry, Signer]:
    registry = KeyRegistry()
    record = registry.add("refco", key.public_key(), NOT_BEFORE, NOT_AFTER)
    return registry, Signer(record.key_id, key)


def verify(
    registry: KeyRegistry,
    signer: Signer,
    attributes: dict[str, str],
    data: bytes,
    signature: str,
) -> None:
    registry.verify("refco", signer.key_id, attributes, data, signature, now=NOW)


def test_a_signed_event_verifies(registry_and_signer: tuple[KeyRegistry, Signer]) -> None:
    registry, signer = registry_and_signer
    verify(registry, signer, ATTRIBUTES, DATA, signer.sign(ATTRIBUTES, DATA))


def test_the_signature_is_unpadded_base64url_of_64_bytes(
    registry_and_signer: tuple[KeyRegistry, Signer],
) -> None:
    _, signer = registry_and_signer
    signature = signer.sign(ATTRIBUTES, DATA)
    assert len(signature) == 86
    assert "=" not in signature
    assert "+" not in signature
    assert "/" not in signature
    assert len(decode_signature(signature)) == 64


@pytest.mark.parametrize("name", SIGNED_ATTRIBUTES)
def test_changing_any_signed_attribute_breaks_the_signature(
    name: str, key: Ed25519PrivateKey, registry_and_signer: tuple[KeyRegistry, Signer]
) -> None:
    registry, signer = registry_and_signer
    signature = signer.sign(ATTRIBUTES, DATA)
    changed = {**ATTRIBUTES, name: ATTRIBUTES[name] + "0"}
    if name == "time":
        changed[name] = "2026-05-09T10:00:01Z"
    with pytest.raises(InvalidSignature):
        key.public_key().verify(decode_signature(signature), signing_payload(changed, DATA))
    with pytest.raises(VerificationError):
        verify(registry, signer, changed, DATA, signature)


def test_an_equivalent_spelling_of_the_time_is_still_a_change(
    registry_and_signer: tuple[KeyRegistry, Signer],
) -> None:
    registry, signer = registry_and_signer
    signature = signer.sign(ATTRIBUTES, DATA)
    same_instant = {**ATTRIBUTES, "time": "2026-05-09T10:00:00+00:00"}
    with pytest.raises(VerificationError) as caught:
        verify(registry, signer, same_instant, DATA, signature)
    assert caught.value.reason == "bad_signature"


@pytest.mark.parametrize("position", [0, 1, len(DATA) // 2, len(DATA) - 2, len(DATA) - 1])
def test_changing_any_data_byte_breaks_the_signature(
    position: int, registry_and_signer: tuple[KeyRegistry, Signer]
) -> None:
    registry, signer = registry_and_signer
    signature = signer.sign(ATTRIBUTES, DATA)
    tampered = bytearray(DATA)
    tampered[position] ^= 0x01
    with pytest.raises(VerificationError) as caught:
        verify(registry, signer, ATTRIBUTES, bytes(tampered), signature)
    assert caught.value.reason == "bad_signature"


@pytest.mark.parametrize("data", [DATA + b" ", DATA[:-1], b"", DATA + DATA])
def test_adding_or_removing_data_bytes_breaks_the_signature(
    data: bytes, registry_and_signer: tuple[KeyRegistry, Signer]
) -> None:
    registry, signer = registry_and_signer
    with pytest.raises(VerificationError) as caught:
        verify(registry, signer, ATTRIBUTES, data, signer.sign(ATTRIBUTES, DATA))
    assert caught.value.reason == "bad_signature"


def test_attributes_that_are_not_signed_do_not_matter(
    registry_and_signer: tuple[KeyRegistry, Signer],
) -> None:
    registry, signer = registry_and_signer
    signature = signer.sign(ATTRIBUTES, DATA)
    extended = {**ATTRIBUTES, "specversion": "1.0", "keyid": signer.key_id, "traceparent": "x"}
    verify(registry, signer, extended, DATA, signature)


def test_moving_text_across_an_attribute_boundary_changes_the_payload() -> None:
    shifted = {**ATTRIBUTES, "id": ATTRIBUTES["id"] + "u", "source": ATTRIBUTES["source"][1:]}
    assert shifted["id"] + shifted["source"] == ATTRIBUTES["id"] + ATTRIBUTES["source"]
    assert signing_payload(shifted, DATA) != signing_payload(ATTRIBUTES, DATA)


def decode_payload(payload: bytes) -> tuple[dict[str, str], bytes]:
    """Read a payload back per its documented layout; that this exists makes it injective."""
    rest = payload.removeprefix(b"cca-hub/cloudevent-signature/v1\x00")
    fields = []
    while len(rest) > 32:
        size = int.from_bytes(rest[:4], "big")
        fields.append(rest[4 : 4 + size].decode())
        rest = rest[4 + size :]
    return dict(zip(fields[::2], fields[1::2], strict=True)), rest


@given(st.dictionaries(st.sampled_from(SIGNED_ATTRIBUTES), st.text(), min_size=8), st.binary())
def test_the_payload_decodes_back_to_exactly_the_signed_attributes(
    attrs: dict[str, str], data: bytes
) -> None:
    import hashlib

    decoded, digest = decode_payload(signing_payload(attrs, data))
    assert decoded == attrs
    assert list(decoded) == list(SIGNED_ATTRIBUTES)
    assert digest == hashlib.sha256(data).digest()


def test_the_payload_starts_with_the_domain_and_ends_with_the_data_hash() -> None:
    import hashlib

    payload = signing_payload(ATTRIBUTES, DATA)
    assert payload.startswith(b"cca-hub/cloudevent-signature/v1\x00")
    assert payload.endswith(hashlib.sha256(DATA).digest())


@pytest.mark.parametrize("name", SIGNED_ATTRIBUTES)
def test_an_event_missing_a_signed_attribute_cannot_be_signed_or_verified(
    name: str, registry_and_signer: tuple[KeyRegistry, Signer]
) -> None:
    registry, signer = registry_and_signer
    signature = signer.sign(ATTRIBUTES, DATA)
    missing = {k: v for k, v in ATTRIBUTES.items() if k != name}
    with pytest.raises(MalformedEnvelopeError):
        signer.sign(missing, DATA)
    with pytest.raises(VerificationError) as caught:
        verify(registry, signer, missing, DATA, signature)
    assert caught.value.reason == "malformed"


def test_a_non_string_attribute_is_malformed() -> None:
    with pytest.raises(MalformedEnvelopeError):
        signing_payload({**ATTRIBUTES, "caseid": 42}, DATA)  # type: ignore[dict-item]


@pytest.mark.parametrize(
    "signature",
    [
        "",
        "A" * 85,
        "A" * 87,
        "A" * 86 + "==",
        "A" * 85 + "!",
        "A" * 85 + "+",
        "A" * 85 + "B",  # non-zero trailing bits: not the canonical spelling
    ],
)
def test_a_signature_that_is_not_canonical_base64url_is_malformed(
    signature: str, registry_and_signer: tuple[KeyRegistry, Signer]
) -> None:
    registry, signer = registry_and_signer
    with pytest.raises(VerificationError) as caught:
        verify(registry, signer, ATTRIBUTES, DATA, signature)
    assert caught.value.reason == "malformed"


def test_a_signature_by_another_key_with_the_same_id_is_a_bad_signature(
    registry_and_signer: tuple[KeyRegistry, Signer],
) -> None:
    registry, signer = registry_and_signer
    impostor = Signer(signer.key_id, Ed25519PrivateKey.generate())
    with pytest.raises(VerificationError) as caught:
        verify(registry, signer, ATTRIBUTES, DATA, impostor.sign(ATTRIBUTES, DATA))
    assert caught.value.reason == "bad_signature"


def test_canonical_json_is_sorted_compact_and_utf8() -> None:
    assert canonical_json({"b": 1, "a": ["é", 1.5, None]}) == '{"a":["é",1.5,null],"b":1}'.encode()


@pytest.mark.parametrize("value", [math.nan, math.inf, -math.inf])
def test_canonical_json_refuses_values_json_cannot_carry(value: float) -> None:
    with pytest.raises(ValueError, match="JSON"):
        canonical_json({"lat": value})


json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(),
    lambda children: st.lists(children) | st.dictionaries(st.text(), children),
    max_leaves=20,
)


@given(json_values)
def test_a_structured_mode_reader_gets_the_same_bytes_back(value: object) -> None:
    wire = canonical_json(value)
    assert canonical_json(json.loads(wire)) == wire


def test_a_signer_never_shows_its_private_key(key: Ed25519PrivateKey) -> None:
    from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat

    signer = Signer("refco-20260101-00000000", key)
    raw = key.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())
    assert repr(signer) == "Signer(key_id='refco-20260101-00000000')"
    assert raw.hex() not in repr(signer)
    with pytest.raises(TypeError):
        pickle.dumps(signer)


def test_verification_errors_have_one_of_the_known_reasons() -> None:
    assert set(VERIFICATION_REASONS) == {
        "unknown_key",
        "revoked_key",
        "expired_key",
        "not_yet_valid",
        "wrong_network",
        "bad_signature",
        "malformed",
    }
    with pytest.raises(ValueError, match="unknown verification reason"):
        VerificationError("oops")  # type: ignore[arg-type]


def test_verification_errors_survive_pickling() -> None:
    error = VerificationError("expired_key", "key k had expired at event time")
    assert pickle.loads(pickle.dumps(error)) == error


def test_the_event_time_is_taken_from_the_time_attribute_when_not_given(
    registry_and_signer: tuple[KeyRegistry, Signer],
) -> None:
    registry, signer = registry_and_signer
    later = NOT_AFTER + timedelta(days=1)
    in_period = {**ATTRIBUTES, "time": "2026-12-31T23:59:59Z"}
    after = {**ATTRIBUTES, "time": "2027-01-01T00:00:00Z"}
    registry.verify(
        "refco", signer.key_id, in_period, DATA, signer.sign(in_period, DATA), now=later
    )
    with pytest.raises(VerificationError) as caught:
        registry.verify("refco", signer.key_id, after, DATA, signer.sign(after, DATA), now=later)
    assert caught.value.reason == "expired_key"
