"""The AsyncAPI 3.0 document of the hub's external contract, built from the code.

What partner networks and coordinators need to connect: every ``net.<slug>.in`` / ``.out`` /
``.in.dlq`` topic of the installed adapters, every desk topic and the router's dead-letter
topic, with each message's payload schema and headers. Topic names and header names come from
:mod:`contract.topology`, the event headers from :mod:`contract.signing` and the envelope,
the payload schemas from :mod:`schemas`, so the document cannot drift from the code; a test
keeps the committed ``docs/asyncapi.yaml`` equal to what this module builds.

The document describes the hub as the application: it *receives* on ``net.<slug>.in`` and
*sends* on every other channel. The canonical payload schemas are JSON Schema (the models'
own), their ``$defs`` lifted into ``components/schemas`` so that any AsyncAPI tool resolves
them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from contract.envelope.binary import WIRE_ORDER
from contract.signing import KEYID_ATTRIBUTE, SIGNATURE_ATTRIBUTE
from contract.topology import (
    CE_HEADER_PREFIX,
    DLQ_HEADER_PREFIX,
    DLQ_NETWORK_HEADER,
    DLQ_RECORD_HEADER,
    ROUTER_DLQ,
    TRIAGE_DESK,
    WITHHELD_NOTICE_TYPE,
    desk_topic,
    native_dlq,
    native_in,
    native_out,
)
from schemas import EVENT_MODELS
from schemas.jsonschema import schema_for
from schemas.models.values import LEVELS, TLP_VALUES

VERSION = "3.0.0"

JsonObject = dict[str, Any]


@dataclass(frozen=True)
class NetworkInfo:
    """What the document says of one network's adapter."""

    slug: str
    title: str
    media_type: str
    replies: bool
    polled: bool = False


def _camel(*parts: str) -> str:
    words = [w for p in parts for w in re.split(r"[^A-Za-z0-9]+", p) if w]
    return words[0].lower() + "".join(w[:1].upper() + w[1:] for w in words[1:])


def _string(description: str, **extra: Any) -> JsonObject:
    return {"type": "string", "description": description, **extra}


_ATTRIBUTE_TEXT = {
    "specversion": "CloudEvents version, always 1.0",
    "id": "stable event id: the same native message always gets the same id",
    "source": "urn:cca:net:<slug> of the network that sent it",
    "type": "canonical event type",
    "time": "when the network sent it (RFC 3339, UTC)",
    "subject": "the network's own reference of the message",
    "dataschema": "urn:cca:schema:<type>",
    "caseid": "the CCA case id; also the record key",
    "classification": "classification level: PUBLIC, RESTRICTED, CONFIDENTIAL or SECRET",
    "tlp": "TLP 2.0 handling code, when the network sent one",
    SIGNATURE_ATTRIBUTE: "Ed25519 signature of the originating adapter (base64url)",
    KEYID_ATTRIBUTE: "id of the signing key in the public key registry",
}


def event_headers() -> JsonObject:
    """Kafka headers of a canonical event in CloudEvents binary mode."""
    names = list(WIRE_ORDER)
    required = ["content-type", *(CE_HEADER_PREFIX + n for n in names if n != "tlp")]
    props: JsonObject = {
        "content-type": _string("media type of the value", const="application/json")
    }
    for name in names:
        props[CE_HEADER_PREFIX + name] = _string(_ATTRIBUTE_TEXT[name])
    return {"type": "object", "properties": props, "required": required}


def dead_letter_headers() -> JsonObject:
    """Reason headers added to a dead-lettered record (Kafka Connect's names)."""
    reason = {
        "topic": "topic the record was read from",
        "partition": "its partition",
        "offset": "its offset (-1 when it did not come from a topic)",
        "stage": "where it was refused: parse, validate, verify or route",
        "class.name": "the component that refused it",
        "exception.class.name": "what kind of failure",
        "exception.message": "why, in words an operator can act on",
    }
    props: JsonObject = {DLQ_HEADER_PREFIX + k: _string(v) for k, v in reason.items()}
    props[DLQ_NETWORK_HEADER] = _string("the network the record came from")
    props[DLQ_RECORD_HEADER] = _string("for a batch row: its line or item number")
    return {
        "type": "object",
        "properties": props,
        "required": [DLQ_HEADER_PREFIX + k for k in reason],
    }


def withheld_notice() -> JsonObject:
    """The triage desk's notice that an event was withheld from desks: ids, marking, the
    desks and the reasons, never the case's content."""
    text = {"type": "string"}
    return {
        "name": WITHHELD_NOTICE_TYPE,
        "title": "an event was withheld from desks not cleared for it",
        "summary": "CloudEvents 1.0 in binary mode (ce_source urn:cca:router, ce_id "
        "<event id>.withheld), sealed by the router (hub.seal.keyid, hub.seal); no content "
        "of the case",
        "contentType": "application/json",
        "payload": {
            "type": "object",
            "additionalProperties": False,
            "required": ["notice", "event_id", "case_id", "network", "type", "level", "held"],
            "properties": {
                "notice": {"const": "withheld"},
                "event_id": text,
                "case_id": text,
                "network": text,
                "type": text,
                "level": {"enum": list(LEVELS)},
                "tlp": {"enum": [*TLP_VALUES, None]},
                "held": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "additionalProperties": False,
                        "properties": {
                            "desk": text,
                            "rule": {"enum": ["level", "tlp"]},
                            "reason": text,
                        },
                    },
                },
                "at": {"type": "string", "format": "date-time"},
            },
        },
    }


def _lift_defs(name: str, schema: JsonObject, into: JsonObject) -> JsonObject:
    """``schema`` with its ``$defs`` moved to ``components/schemas`` (shared when equal,
    prefixed with ``name`` when two types define one name differently)."""
    defs: Mapping[str, JsonObject] = schema.get("$defs", {})
    renamed: dict[str, str] = {}
    for key, value in defs.items():
        target = key if into.get(key, value) == value else f"{name}{key}"
        renamed[key] = target

    def rewrite(node: Any) -> Any:
        if isinstance(node, dict):
            out = {}
            for k, v in node.items():
                if k == "$ref" and isinstance(v, str) and v.startswith("#/$defs/"):
                    out[k] = "#/components/schemas/" + renamed[v.removeprefix("#/$defs/")]
                else:
                    out[k] = rewrite(v)
            return out
        if isinstance(node, list):
            return [rewrite(v) for v in node]
        return node

    for key, value in defs.items():
        into[renamed[key]] = rewrite(value)
    return {k: rewrite(v) for k, v in schema.items() if k not in ("$defs", "$schema", "$id")}


def _native_message(net: NetworkInfo) -> JsonObject:
    return {
        "name": f"{net.slug}.native",
        "title": f"{net.title}: native message",
        "contentType": net.media_type,
        "summary": "the network's own format, as its gateway sends it (see the network's "
        "interface agreement)",
        "payload": {"type": "string", "format": "binary"},
    }


def build(networks: Sequence[NetworkInfo], desks: Iterable[str], *, version: str) -> JsonObject:
    """The whole document for these networks and desks."""
    schemas: JsonObject = {}
    messages: JsonObject = {}
    channels: JsonObject = {}
    operations: JsonObject = {}

    event_refs = []
    for event_type in sorted(EVENT_MODELS):
        key = _camel(event_type)
        schemas[key] = _lift_defs(key[0].upper() + key[1:], schema_for(event_type), schemas)
        messages[key] = {
            "name": event_type,
            "title": f"canonical event {event_type}",
            "contentType": "application/json",
            "summary": "CloudEvents 1.0 in Kafka binary mode: the value is the JSON data, "
            "attributes are ce_* headers; the record key is the CCA case id",
            "headers": {"$ref": "#/components/schemas/eventHeaders"},
            "payload": {"$ref": f"#/components/schemas/{key}"},
        }
        event_refs.append({"$ref": f"#/components/messages/{key}"})
    schemas["eventHeaders"] = event_headers()
    schemas["deadLetterHeaders"] = dead_letter_headers()

    def channel(address: str, description: str, refs: list[JsonObject]) -> str:
        cid = _camel(address)
        channels[cid] = {
            "address": address,
            "description": description,
            "messages": {ref["$ref"].rsplit("/", 1)[1]: ref for ref in refs},
        }
        return cid

    def operation(action: str, cid: str, summary: str) -> None:
        operations[_camel(action, cid)] = {
            "action": action,
            "channel": {"$ref": f"#/channels/{cid}"},
            "summary": summary,
            "messages": [
                {"$ref": f"#/channels/{cid}/messages/{m}"} for m in channels[cid]["messages"]
            ],
        }

    for net in sorted(networks, key=lambda n: n.slug):
        native = _camel(net.slug, "native")
        messages[native] = _native_message(net)
        dead = _camel(net.slug, "dead", "letter")
        messages[dead] = {
            **_native_message(net),
            "name": f"{net.slug}.dead-letter",
            "title": f"{net.title}: native message that could not be translated",
            "summary": "the original key, value and headers, with the reason headers",
            "headers": {"$ref": "#/components/schemas/deadLetterHeaders"},
        }
        if not net.polled:
            cid = channel(
                native_in(net.slug),
                f"native messages from the {net.title} gateway",
                [{"$ref": f"#/components/messages/{native}"}],
            )
            operation("receive", cid, f"the hub reads what {net.slug} sends")
        if net.replies:
            cid = channel(
                native_out(net.slug),
                f"native receipts and replies to {net.title}",
                [{"$ref": f"#/components/messages/{native}"}],
            )
            operation("send", cid, f"the hub answers {net.slug} in its own format")
        cid = channel(
            native_dlq(net.slug),
            f"{net.title} messages that could not be translated, with the reason",
            [{"$ref": f"#/components/messages/{dead}"}],
        )
        operation("send", cid, f"the hub dead-letters what it cannot translate from {net.slug}")

    notice = "withheldNotice"
    messages[notice] = withheld_notice()
    for desk in sorted(set(desks) | {TRIAGE_DESK}):
        who = (
            "the General Coordinator: cases no desk matched, and the content-free notice of "
            "each event withheld from a desk not cleared for it"
            if desk == TRIAGE_DESK
            else (f"the Specialized Coordinator for {desk}")
        )
        refs = event_refs
        if desk == TRIAGE_DESK:
            refs = [*event_refs, {"$ref": f"#/components/messages/{notice}"}]
        cid = channel(desk_topic(desk), f"canonical events for {who}", refs)
        operation("send", cid, f"the router delivers to the {desk} desk")

    router_dead = "canonicalDeadLetter"
    messages[router_dead] = {
        "name": "canonical.dead-letter",
        "title": "canonical message the router refused",
        "summary": "the original key, value and headers (bad signature, invalid), with "
        "the reason headers",
        "contentType": "application/json",
        "headers": {"$ref": "#/components/schemas/deadLetterHeaders"},
        "payload": {},
    }
    cid = channel(
        ROUTER_DLQ,
        "canonical messages the router refused, with the reason",
        [{"$ref": f"#/components/messages/{router_dead}"}],
    )
    operation("send", cid, "the router dead-letters what it cannot accept")

    return {
        "asyncapi": VERSION,
        "info": {
            "title": "CCA integration hub",
            "version": version,
            "description": "The federated message bus of the Coordinating Center of the "
            "Americas against Transnational Organized Crime: the topics that networks' "
            "gateways and coordinators' desks use. Every record of a canonical topic is "
            "keyed by its CCA case id.",
        },
        "defaultContentType": "application/json",
        "servers": {
            "local": {
                "host": "127.0.0.1:9092",
                "protocol": "kafka",
                "description": "the embedded single-node broker that `scripts/run` starts",
            }
        },
        "channels": channels,
        "operations": operations,
        "components": {"messages": messages, "schemas": schemas},
    }
