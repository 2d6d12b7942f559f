"""The canonical envelope: both Kafka modes, both directions, and the stock CloudEvents SDK."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from cloudevents.core.bindings import kafka as ce_kafka
from cloudevents.core.v1.event import CloudEvent

from contract.envelope import (
    EnvelopeError,
    case_id,
    event_id,
    format_time,
    from_json_line,
    from_kafka,
    from_structured,
    to_json_line,
    to_kafka,
    to_structured,
)
from contract.signing import canonical_json
from tests.samples import ALL_TYPES, event


@pytest.mark.parametrize("event_type", ALL_TYPES)
def test_every_type_round_trips_through_binary_mode_unchanged(event_type: str) -> None:
    original = event(event_type)
    key, value, headers = to_kafka(original)
    assert key == original.caseid.encode()
    assert ("content-type", b"application/json") in headers
    assert all(name == "content-type" or name.startswith("ce_") for name, _ in headers)
    assert from_kafka(value, headers) == original


@pytest.mark.parametrize("event_type", ALL_TYPES)
def test_every_type_round_trips_through_structured_mode_unchanged(event_type: str) -> None:
    original = event(event_type)
    assert from_json_line(to_json_line(original)) == original
    assert from_structured(json.loads(json.dumps(to_structured(original)))) == original


def test_the_binary_value_is_the_canonical_json_of_data() -> None:
    original = event("cca.mla.request.v1")
    _, value, _ = to_kafka(original)
    assert value == canonical_json(json.loads(value))
    assert json.loads(value)["reference"] == "REF-1"


def test_ids_are_stable_and_depend_on_the_record() -> None:
    case = "CCA-AAAA-BBBB-CCCC-DDDD"
    a = event_id("refco", "cca.case.referral.v1", "a" * 64, case)
    assert a == event_id("refco", "cca.case.referral.v1", "a" * 64, case)
    assert a != event_id("refco", "cca.case.referral.v1", "b" * 64, case)
    assert a != event_id("aiamp", "cca.case.referral.v1", "a" * 64, case)
    assert a != event_id("refco", "cca.case.referral.v1", "a" * 64, "CCA-AAAA-BBBB-CCCC-DDDE")
    assert case_id("oas-hien", "HIEN-MLA-2026-000481") == case_id(
        "oas-hien", " HIEN-MLA-2026-000481"
    )
    assert case_id("oas-hien", "X").startswith("CCA-")


def test_time_is_written_in_utc_with_z() -> None:
    assert format_time(datetime(2026, 11, 27, 22, 42, 10, tzinfo=UTC)) == "2026-11-27T22:42:10Z"


# -- interoperability with the stock CloudEvents SDK (2.x) ---------------------------------


def test_the_sdk_reads_what_the_hub_writes_in_binary_mode() -> None:
    original = event("cca.intel.report.v1")
    key, value, headers = to_kafka(original)
    read = ce_kafka.from_binary_event(
        ce_kafka.KafkaMessage(headers=dict(headers), key=key, value=value)
    )
    assert read.get_id() == original.id
    assert read.get_source() == original.source
    assert read.get_type() == "cca.intel.report.v1"
    assert read.get_time() == original.time
    assert read.get_extension("caseid") == original.caseid
    assert read.get_extension("classification") == "CONFIDENTIAL"
    assert read.get_data() == original.data.model_dump(mode="json")


def test_the_sdk_reads_what_the_hub_writes_in_structured_mode() -> None:
    original = event("cca.notice.v1")
    message = ce_kafka.KafkaMessage(
        headers={"content-type": b"application/cloudevents+json"},
        key=None,
        value=to_json_line(original).encode(),
    )
    read = ce_kafka.from_structured_event(message)
    assert read.get_id() == original.id
    assert read.get_data() == original.data.model_dump(mode="json")


def sdk_event(original_attrs: dict[str, str], data: object) -> CloudEvent:
    attrs: dict[str, object] = dict(original_attrs)
    attrs["time"] = datetime.fromisoformat(original_attrs["time"].replace("Z", "+00:00"))
    return CloudEvent(attributes=attrs, data=data)


@pytest.mark.parametrize("event_type", ALL_TYPES)
def test_the_hub_reads_what_the_sdk_writes_in_binary_mode(event_type: str) -> None:
    original = event(event_type)
    written = ce_kafka.to_binary_event(
        sdk_event(original.attributes(), original.data.model_dump(mode="json"))
    )
    assert from_kafka(written.value, list(written.headers.items())) == original


def test_the_hub_reads_what_the_sdk_writes_in_structured_mode() -> None:
    original = event("cca.case.referral.v1")
    written = ce_kafka.to_structured_event(
        sdk_event(original.attributes(), original.data.model_dump(mode="json"))
    )
    assert from_json_line(written.value) == original


# -- bad envelopes say what is wrong -------------------------------------------------------


def headers_without(name: str) -> tuple[bytes, list[tuple[str, bytes]]]:
    _, value, headers = to_kafka(event("cca.case.referral.v1"))
    return value, [(k, v) for k, v in headers if k != name]


@pytest.mark.parametrize("attribute", ["ce_id", "ce_source", "ce_type", "ce_time", "ce_caseid"])
def test_a_missing_attribute_is_named(attribute: str) -> None:
    value, headers = headers_without(attribute)
    with pytest.raises(EnvelopeError, match=attribute.removeprefix("ce_")):
        from_kafka(value, headers)


@pytest.mark.parametrize(
    ("header", "raw", "message"),
    [
        ("ce_type", b"cca.unknown.v1", "unknown canonical event type"),
        ("ce_time", b"yesterday", "not an RFC 3339 time"),
        ("ce_time", b"2026-11-27T22:42:10", "no time zone"),
        ("ce_specversion", b"0.3", "not 1.0"),
        ("ce_source", b"urn:other:thing", "source"),
        ("ce_classification", b"SECRET", "classification differs"),
        ("content-type", b"application/xml", "content-type"),
    ],
)
def test_a_wrong_attribute_is_refused_with_its_name(header: str, raw: bytes, message: str) -> None:
    value, headers = headers_without(header)
    with pytest.raises(EnvelopeError, match=message):
        from_kafka(value, [*headers, (header, raw)])


def test_data_that_is_not_json_or_not_valid_is_refused_naming_the_field() -> None:
    value, headers = headers_without("none")
    with pytest.raises(EnvelopeError, match="value is not valid JSON"):
        from_kafka(b"{not json", headers)
    bad = json.loads(value)
    bad["countries"] = ["XX"]
    with pytest.raises(EnvelopeError, match=r"countries\.0"):
        from_kafka(json.dumps(bad).encode(), headers)
