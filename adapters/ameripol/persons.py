"""``PERSONAS:`` items: ``APELLIDOS: <family> NOMBRES: <given> [NAC: <alpha-3>]
[FN: <DDMMMYYYY>] [DOC: <type> <number>]``."""

from __future__ import annotations

import re

from adapters.ameripol.dtg import parse_day
from adapters.ameripol.message import Item
from adapters.ameripol.things import alpha2
from adapters.sdk.contract import Reject
from adapters.sdk.normalize import names
from schemas import Document, Person

_MARK = re.compile(r"(?<![^\W_])(APELLIDOS|NOMBRES|NAC|FN|DOC)\s*:", re.IGNORECASE)


def labelled(text: str, where: str) -> dict[str, str]:
    """Label → value; words before the first label belong to no field and are left out."""
    marks = list(_MARK.finditer(text))
    found: dict[str, str] = {}
    for mark, following in zip(marks, [*marks[1:], None][: len(marks)], strict=True):
        label = mark.group(1).upper()
        if label in found:
            raise Reject(f"{label}: appears twice in {where}")
        end = following.start() if following else len(text)
        found[label] = text[mark.end() : end].strip()
    return found


def person(item: Item) -> Person:
    """A police alert's subject. Without labels the item is kept as a name as written."""
    found = labelled(item.text, item.where)
    if not found:
        return Person(full_name=item.text, role="SUBJECT")
    family, given = found.get("APELLIDOS", ""), found.get("NOMBRES", "")
    if not (family or given):
        raise Reject(f"no APELLIDOS: or NOMBRES: in {item.where}: a person needs a name")
    try:
        name = names.from_parts(given or None, family or None)
    except ValueError as exc:
        raise Reject(f"name in {item.where}: {exc}") from None
    return Person(
        full_name=name.full_name,
        given_names=name.given_names,
        family_names=name.family_names,
        birth_date=parse_day(found["FN"], f"FN: of {item.where}") if found.get("FN") else None,
        nationalities=nationalities(found.get("NAC", ""), item.where),
        documents=[document(found["DOC"], item.where)] if found.get("DOC") else [],
        role="SUBJECT",
    )


def nationalities(text: str, where: str) -> list[str]:
    """``COL``, or several as ``COL/VEN`` or ``COL, VEN``."""
    codes: list[str] = []
    for part in re.split(r"[\s/,;]+", text.strip()):
        if not part:
            continue
        code = alpha2(part)
        if code is None:
            raise Reject(f"nationality '{part}' in NAC: of {where}: not an ISO alpha-3 code")
        if code not in codes:
            codes.append(code)
    return codes


def document(text: str, where: str) -> Document:
    """``<type> <number>``: the first word is the type (``CC``, ``PASAPORTE``), the rest is
    the number."""
    kind, _, number = text.partition(" ")
    if not number.strip():
        raise Reject(f"document '{text}' in DOC: of {where}: expected <type> <number>")
    return Document(kind=kind, number=" ".join(number.split()))
