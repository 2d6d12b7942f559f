"""aiamp message (``cabecera`` + ``cuerpo``) → canonical ``MlaRequest`` or ``CaseReferral``.

``SOLICITUD_COOPERACION`` is a mutual legal assistance request: the requesting state is
``pais_emisor``; the requested state is the one other state in ``paises_involucrados``
when there is exactly one, and unknown (None) when there are none or several, since the
message does not say which of them it asks. ``INFORMACION_ESPONTANEA`` and
``EQUIPO_CONJUNTO`` are referrals of the kinds SPONTANEOUS_INFORMATION and
JOINT_INVESTIGATION_TEAM. A CIBERRED message is flagged cyber-related.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from adapters.aiamp.crime import offences_of
from adapters.aiamp.header import Header, alpha2, read_header
from adapters.aiamp.persons import person
from adapters.sdk.contract import Draft, Reject
from adapters.sdk.jsonread import Obj, load_json
from contract.quoting import quote
from schemas import (
    CanonicalData,
    CaseReferral,
    Classification,
    MlaRequest,
    Origin,
    Person,
    RequestDetails,
)

NETWORK = "aiamp"
REFERRAL_KINDS = {
    "INFORMACION_ESPONTANEA": "SPONTANEOUS_INFORMATION",
    "EQUIPO_CONJUNTO": "JOINT_INVESTIGATION_TEAM",
}


def parse_message(native: bytes) -> Draft:
    """One aiamp message → one draft; ``Reject`` says what is wrong and where, and names
    the message's ``id`` when it could be read."""
    message = Obj(load_json(native, NETWORK), "")
    try:
        return _translate(message, native)
    except Reject as exc:
        raise Reject(exc.reason, reference=exc.reference or _id_if_readable(message)) from None


def _id_if_readable(message: Obj) -> str | None:
    header = message.data.get("cabecera")
    found = header.get("id") if isinstance(header, dict) else None
    return " ".join(found.split())[:64] or None if isinstance(found, str) else None


def _translate(message: Obj, native: bytes) -> Draft:
    head = read_header(message.obj("cabecera"))
    body = message.obj("cuerpo")
    title = body.text("asunto")
    labels = [label for _, label in body.maybe_texts("tipificacion")]
    persons = [person(item, path) for path, item in body.items("personas")]
    involved = [alpha2(code, path) for path, code in body.texts("paises_involucrados")]
    summary = body.text("resumen")
    due = body.maybe_text("plazo")
    reply_by = _day(due, body.at("plazo")) if due else None
    common: dict[str, Any] = {
        "reference": head.reference,
        "origin": Origin(network=NETWORK, country=head.country, authority=head.sender),
        "classification": Classification(
            level="RESTRICTED" if head.restricted else "PUBLIC",
            original="true" if head.restricted else "false",
        ),
        "offences": offences_of(labels, head.red, head.red_as_sent),
        "persons": persons,
        "summary": summary,
        "title": title,
        "cyber": head.red == "CIBERRED",
    }
    data: CanonicalData
    if head.tipo == "SOLICITUD_COOPERACION":
        others = [c for c in dict.fromkeys(involved) if c != head.country]
        requested = others[0] if len(others) == 1 else None
        data = MlaRequest(
            **common,
            countries=_countries(head, [requested] if requested else [], involved, persons),
            request=RequestDetails(requesting=head.country, requested=requested, reply_by=reply_by),
        )
    else:
        data = CaseReferral(
            **common,
            countries=_countries(head, [], involved, persons),
            kind=REFERRAL_KINDS[head.tipo],
            authority=head.sender,
        )
    return Draft(data=data, time=head.sent, record_bytes=native)


def _countries(
    head: Header, parties: list[str], involved: list[str], persons: list[Person]
) -> list[str]:
    """Every state involved, first appearance first: sender, parties, the rest, nationalities."""
    nationalities = [c for p in persons for c in p.nationalities]
    return list(dict.fromkeys([head.country, *parties, *involved, *nationalities]))


def _day(text: str, path: str) -> date:
    """``YYYY-MM-DD`` exactly; impossible dates are refused."""
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        raise Reject(f"date '{quote(text)}' in {path}: not YYYY-MM-DD")
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise Reject(f"date '{quote(text)}' in {path}: no such day") from None
