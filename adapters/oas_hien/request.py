"""``Request`` (kind MLA or EXTRADITION) → ``MlaRequest`` / ``ExtraditionRequest``."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import timedelta
from typing import Literal, cast

from adapters.oas_hien.elements import Node, Shape, attribute, collapse, leaf_text
from adapters.oas_hien.fields import alpha2, code, day, unique, utc_time
from adapters.oas_hien.ids import id_segment, request_id
from adapters.oas_hien.persons import read_persons
from adapters.oas_hien.vocabulary import (
    ID_SEGMENT,
    KIND_EXTRADITION,
    KIND_MLA,
    LEVELS,
    MAX_FACTS_BYTES,
    MEASURES,
    NAMESPACE,
    SLUG,
    TREATIES,
    URGENCIES,
)
from adapters.sdk.contract import Draft, Reject
from adapters.sdk.normalize import offences as iccs
from schemas import (
    Classification,
    ExtraditionRequest,
    LegalBasis,
    Level,
    MlaRequest,
    Offence,
    Origin,
    Person,
    RequestDetails,
    Warrant,
)

REQUEST = Shape(
    single=frozenset(
        {
            "RequestId",
            "Sent",
            "RequestingState",
            "RequestedState",
            "CentralAuthority",
            "LegalBasis",
            "Urgency",
            "Confidentiality",
            "Offences",
            "Facts",
            "Persons",
            "AssistanceRequested",
            "Warrant",
            "ReplyBy",
        }
    )
)
OFFENCES = Shape(repeated=frozenset({"Offence"}))
ASSISTANCE = Shape(repeated=frozenset({"Measure"}))
KINDS = frozenset({KIND_MLA, KIND_EXTRADITION})
#: the latest calendar date anywhere on earth is at most 14 hours ahead of UTC
_EARTH_AHEAD = timedelta(hours=14)

Urgency = Literal["ROUTINE", "PRIORITY", "URGENT"]


def read_request(root: ET.Element, native: bytes) -> Draft:
    node = Node(root, REQUEST, "<Request>")
    reference = request_id(node.required("RequestId"), "<RequestId>")
    try:
        return _read(root, node, reference, native)
    except Reject as exc:
        raise Reject(exc.reason, reference=reference) from None


def _read(root: ET.Element, node: Node, reference: str, native: bytes) -> Draft:
    kind = _kind(root, reference)
    sent = utc_time(node.required("Sent"), "<Sent>")
    requesting = alpha2(node.required("RequestingState"), "<RequestingState>")
    requested = alpha2(node.required("RequestedState"), "<RequestedState>")
    marking = node.required("Confidentiality")
    persons = read_persons(node.child("Persons"), sent=(sent + _EARTH_AHEAD).date())
    authority = node.text("CentralAuthority")
    urgency = node.text("Urgency")
    reply_by = node.text("ReplyBy")
    details = RequestDetails(
        requesting=requesting,
        requested=requested,
        measures=_measures(node.child("AssistanceRequested"), kind),
        urgency=cast(Urgency, code(urgency, URGENCIES, "<Urgency>")) if urgency else None,
        reply_by=day(reply_by, "<ReplyBy>") if reply_by else None,
        legal_basis=_legal_basis(node.child("LegalBasis")),
        authority=authority,
        warrant=_warrant(node.child("Warrant"), kind),
    )
    model = MlaRequest if kind == KIND_MLA else ExtraditionRequest
    data = model(
        reference=reference,
        origin=Origin(network=SLUG, country=requesting, authority=authority),
        classification=Classification(
            level=cast(Level, code(marking, LEVELS, "<Confidentiality>")),
            original=marking,
        ),
        offences=_offences(node.child("Offences")),
        persons=persons,
        countries=_countries(requesting, requested, persons),
        summary=_facts(node.raw("Facts")),
        request=details,
    )
    return Draft(data=data, time=sent, record_bytes=native)


def _kind(root: ET.Element, reference: str) -> str:
    """MLA or EXTRADITION. A kind that contradicts the RequestId's type segment is refused:
    the two disagree on whether a person's arrest is being asked for, and only the sender
    can say which one is wrong."""
    text = attribute(root, "kind") or attribute(root, f"{{{NAMESPACE}}}kind")
    if text is None:
        raise Reject("<Request> has no 'kind' attribute (MLA or EXTRADITION)")
    kind = code(text, KINDS, "kind of <Request>")
    if id_segment(reference) != ID_SEGMENT[kind]:
        raise Reject(
            f"<RequestId> '{reference}' names an {id_segment(reference)} request but the "
            f"Request's kind is {kind}: HIEN-{ID_SEGMENT[kind]}- ids go with kind {kind}"
        )
    return kind


def _offences(container: ET.Element | None) -> list[Offence]:
    if container is None:
        return []
    found = []
    for number, element in enumerate(
        Node(container, OFFENCES, "<Offences>").children("Offence"), 1
    ):
        label = collapse(leaf_text(element, f"offence {number}"))
        if label is None:
            raise Reject(f"offence {number} in <Offences> has no text")
        found.append(
            Offence(label=label, iccs=iccs.classify(label), statute=attribute(element, "statute"))
        )
    return found


def _measures(container: ET.Element | None, kind: str) -> list[str]:
    if container is None:
        return []
    if kind != KIND_MLA:
        raise Reject(f"<AssistanceRequested> belongs to MLA requests only, not to kind {kind}")
    elements = Node(container, ASSISTANCE, "<AssistanceRequested>").children("Measure")
    return unique(
        code(leaf_text(m, f"measure {i}"), MEASURES, f"measure {i} in <AssistanceRequested>")
        for i, m in enumerate(elements, start=1)
    )


def _legal_basis(element: ET.Element | None) -> LegalBasis | None:
    if element is None:
        return None
    treaty = attribute(element, "treaty")
    text = collapse(leaf_text(element, "<LegalBasis>"))
    if treaty is None and text is None:
        return None
    return LegalBasis(
        treaty=code(treaty, TREATIES, "treaty of <LegalBasis>") if treaty else None, text=text
    )


def _warrant(element: ET.Element | None, kind: str) -> Warrant | None:
    if element is None:
        return None
    if kind != KIND_EXTRADITION:
        raise Reject(f"<Warrant> belongs to EXTRADITION requests only, not to kind {kind}")
    if collapse(leaf_text(element, "<Warrant>")) is not None:
        raise Reject(
            "<Warrant> carries text; the format gives it only the attributes issued, court"
        )
    issued = attribute(element, "issued")
    return Warrant(
        issued=day(issued, "issued date of <Warrant>") if issued else None,
        court=attribute(element, "court"),
    )


def _facts(text: str | None) -> str:
    facts = (text or "").strip()
    size = len(facts.encode("utf-8"))
    if size > MAX_FACTS_BYTES:
        raise Reject(f"<Facts> is {size} bytes long, over the format's {MAX_FACTS_BYTES} bytes")
    return facts


def _countries(requesting: str, requested: str, persons: list[Person]) -> list[str]:
    """The requesting state (the origin) first, the requested state, then every state whose
    nationality a person holds or whose document a person carries."""
    return unique(
        [
            requesting,
            requested,
            *(n for p in persons for n in p.nationalities),
            *(d.issuer for p in persons for d in p.documents if d.issuer),
        ]
    )
