"""aiamp ``personas``: ``SURNAMES, Given Names``, or natural order when the comma is left out.

Without the comma, the last two words are the family names when there are three or more
words, the last one when there are two (Ibero-American double surnames). The string as
sent is kept as ``full_name``.
"""

from __future__ import annotations

from adapters.aiamp.header import alpha2
from adapters.sdk.contract import Reject
from adapters.sdk.jsonread import Obj
from adapters.sdk.normalize import dates, names, text
from contract.quoting import quote
from schemas import Person
from schemas.models.parts import Role

#: ``rol`` (folded, upper case) → canonical role; the Portuguese words are accepted too
ROLES: dict[str, Role] = {
    "INVESTIGADO": "SUSPECT",
    "IMPUTADO": "ACCUSED",
    "CONDENADO": "CONVICTED",
    "TESTIGO": "WITNESS",
    "VICTIMA": "VICTIM",
    "TESTEMUNHA": "WITNESS",
    "VITIMA": "VICTIM",
}


def person(item: object, path: str) -> Person:
    entry = Obj(item, path)
    written = entry.text("nombre_completo")
    try:
        name = names.surname_first(written) if "," in written else names.natural_order(written)
    except ValueError as exc:
        raise Reject(f"name in {entry.at('nombre_completo')}: {exc}") from None
    born = entry.maybe_text("fecha_nacimiento")
    return Person(
        full_name=written,
        given_names=name.given_names,
        family_names=name.family_names,
        birth_date=_birth_date(born, entry.at("fecha_nacimiento")) if born else None,
        nationalities=list(
            dict.fromkeys(
                alpha2(code, where) for where, code in entry.maybe_texts("nacionalidades")
            )
        ),
        role=_role(entry.text("rol"), entry.at("rol")),
    )


def _role(rol: str, path: str) -> Role:
    role = ROLES.get(text.fold(rol).upper())
    if role is None:
        known = "INVESTIGADO, IMPUTADO, CONDENADO, TESTIGO or VICTIMA"
        raise Reject(f"role '{quote(rol)}' in {path}: not {known}")
    return role


def _birth_date(born: str, path: str) -> str:
    """``YYYY-MM-DD`` (a partial date is accepted); impossible dates are refused."""
    try:
        found = dates.partial_date(born)
    except ValueError as exc:
        raise Reject(f"date in {path}: {exc}") from None
    if found is None:
        raise Reject(f"date '{quote(born)}' in {path}: not YYYY-MM-DD")
    return found
