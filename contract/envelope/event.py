"""The canonical event: CloudEvents 1.0 context attributes plus typed canonical data."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any, Self

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    SerializeAsAny,
    ValidationError,
    model_validator,
)

from contract.signing import SIGNED_ATTRIBUTES, canonical_json
from contract.topology import network_of
from contract.validation import describe_validation_error
from schemas import CanonicalData, Level, Tlp, model_for_type

SPEC_VERSION = "1.0"
CONTENT_TYPE = "application/json"
SCHEMA_PREFIX = "urn:cca:schema:"

#: Extension attributes the hub adds to every canonical event.
EXTENSIONS: tuple[str, ...] = ("caseid", "classification", "tlp", "signature", "keyid")


class EnvelopeError(ValueError):
    """An event that cannot be read: says which attribute or field and why."""


def format_time(value: datetime) -> str:
    """RFC 3339 in UTC with ``Z``, as Python's ``isoformat`` writes it (whole seconds, or
    microseconds when present), which is also what the stock CloudEvents SDK writes: an
    event relayed through the SDK keeps the exact ``time`` string its signature covers."""
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z")


def parse_time(text: str) -> datetime:
    try:
        value = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise EnvelopeError(f"attribute 'time': '{text}' is not an RFC 3339 time") from None
    if value.tzinfo is None:
        raise EnvelopeError(f"attribute 'time': '{text}' has no time zone")
    return value.astimezone(UTC)


class CanonicalEvent(BaseModel):
    """One canonical message. ``data`` is the typed model of ``type``."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str = Field(min_length=1, max_length=128)
    source: str = Field(pattern=r"^urn:cca:net:[a-z][a-z0-9-]{1,31}$")
    type: str
    time: datetime
    subject: str = Field(min_length=1, max_length=300)
    caseid: str = Field(pattern=r"^CCA-[A-Z2-7]{4}(-[A-Z2-7]{4}){3}$")
    classification: Level
    tlp: Tlp | None = None
    signature: str | None = Field(default=None, max_length=200)
    keyid: str | None = Field(default=None, max_length=200)
    data: SerializeAsAny[CanonicalData]

    @model_validator(mode="before")
    @classmethod
    def _typed_data(cls, values: Any) -> Any:
        if isinstance(values, Mapping) and "type" in values:
            data = values.get("data")
            try:
                model = model_for_type(str(values["type"]))
            except KeyError as exc:
                raise ValueError(exc.args[0]) from None
            if not isinstance(data, model):
                try:
                    values = {**values, "data": model.model_validate(data)}
                except ValidationError as exc:
                    raise ValueError("data: " + describe_validation_error(exc)) from None
        return values

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        if self.time.tzinfo is None:
            raise ValueError("time must be in UTC")
        if self.tlp != self.data.classification.tlp:
            raise ValueError("tlp differs from data.classification.tlp")
        if type(self.data).event_type != self.type:
            raise ValueError(f"data is not a {self.type}")
        if self.data.classification.level != self.classification:
            raise ValueError("classification differs from data.classification.level")
        return self

    @property
    def network(self) -> str:
        return network_of(self.source)

    @property
    def dataschema(self) -> str:
        return SCHEMA_PREFIX + self.type

    def data_bytes(self) -> bytes:
        """The exact bytes that travel as the Kafka value, and that the signature covers."""
        return canonical_json(self.data.model_dump(mode="json"))

    def attributes(self) -> dict[str, str]:
        """Context attributes as their wire strings (the ones the signature covers first)."""
        attrs = {
            "specversion": SPEC_VERSION,
            "id": self.id,
            "source": self.source,
            "type": self.type,
            "time": format_time(self.time),
            "subject": self.subject,
            "dataschema": self.dataschema,
            "datacontenttype": CONTENT_TYPE,
            "caseid": self.caseid,
            "classification": self.classification,
        }
        for name in ("tlp", "signature", "keyid"):
            value = getattr(self, name)
            if value is not None:
                attrs[name] = value
        return attrs

    def signed_attributes(self) -> dict[str, str]:
        attrs = self.attributes()
        return {name: attrs[name] for name in SIGNED_ATTRIBUTES}


def build_event(attributes: Mapping[str, str], data: object) -> CanonicalEvent:
    """Build an event from wire attributes and decoded JSON data, naming what is wrong."""
    for required in ("specversion", "id", "source", "type", "time", "subject", "caseid"):
        if required not in attributes:
            raise EnvelopeError(f"attribute '{required}' is missing")
    if attributes["specversion"] != SPEC_VERSION:
        raise EnvelopeError(f"attribute 'specversion': '{attributes['specversion']}' is not 1.0")
    event_type = attributes["type"]
    try:
        model_for_type(event_type)
    except KeyError as exc:
        raise EnvelopeError(f"attribute 'type': {exc.args[0]}") from None
    schema = attributes.get("dataschema")
    if schema is not None and schema != SCHEMA_PREFIX + event_type:
        raise EnvelopeError(f"attribute 'dataschema': '{schema}' does not match type")
    try:
        return CanonicalEvent.model_validate(
            {
                "id": attributes["id"],
                "source": attributes["source"],
                "type": event_type,
                "time": parse_time(attributes["time"]),
                "subject": attributes["subject"],
                "caseid": attributes["caseid"],
                "classification": attributes.get("classification"),
                "tlp": attributes.get("tlp"),
                "signature": attributes.get("signature"),
                "keyid": attributes.get("keyid"),
                "data": data,
            }
        )
    except ValidationError as exc:
        raise EnvelopeError(describe_validation_error(exc)) from None
