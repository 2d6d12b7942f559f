"""``Persons/Person`` → canonical persons (names, partial birth dates, nationalities, documents)."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import date
from typing import cast

from adapters.oas_hien.elements import Node, Shape, attribute, leaf_text
from adapters.oas_hien.fields import alpha2, code, partial_date, unique
from adapters.oas_hien.vocabulary import DOCUMENT_TYPES, ROLES
from adapters.sdk.contract import Reject
from adapters.sdk.normalize import names
from schemas import Document, Person
from schemas.models.parts import Role

PERSONS = Shape(repeated=frozenset({"Person"}))
PERSON = Shape(
    single=frozenset({"GivenNames", "Surnames", "BirthDate"}),
    repeated=frozenset({"Nationality", "Document"}),
)


def read_persons(container: ET.Element | None, *, sent: date) -> list[Person]:
    if container is None:
        return []
    node = Node(container, PERSONS, "<Persons>")
    return [
        read_person(element, f"person {number}", sent=sent)
        for number, element in enumerate(node.children("Person"), start=1)
    ]


def read_person(element: ET.Element, where: str, *, sent: date) -> Person:
    node = Node(element, PERSON, where)
    given, family = node.text("GivenNames"), node.text("Surnames")
    if given is None and family is None:
        raise Reject(f"{where} has neither <GivenNames> nor <Surnames>")
    try:
        name = names.from_parts(given, family)
    except ValueError as exc:
        raise Reject(f"name of {where}: {exc}") from None
    role_text = attribute(element, "role")
    birth = node.text("BirthDate")
    return Person(
        full_name=name.full_name,
        given_names=name.given_names,
        family_names=name.family_names,
        birth_date=partial_date(birth, f"<BirthDate> of {where}", not_after=sent)
        if birth
        else None,
        nationalities=unique(
            alpha2(leaf_text(n, f"<Nationality> of {where}"), f"<Nationality> of {where}")
            for n in node.children("Nationality")
        ),
        role=cast(Role, code(role_text, ROLES, f"role of {where}")) if role_text else None,
        documents=[
            _document(d, f"document {i} of {where}")
            for i, d in enumerate(node.children("Document"), start=1)
        ],
    )


def _document(element: ET.Element, where: str) -> Document:
    number = " ".join(leaf_text(element, where).split())
    if not number:
        raise Reject(f"{where} has no number")
    kind = attribute(element, "type")
    if kind is None:
        raise Reject(f"{where} has no 'type' attribute")
    issuer = attribute(element, "issuer")
    return Document(
        kind=code(kind, DOCUMENT_TYPES, f"type of {where}"),
        number=number,
        issuer=alpha2(issuer, f"issuer of {where}") if issuer else None,
    )
