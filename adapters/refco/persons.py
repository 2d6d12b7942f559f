"""refco's ``imputados``: persons charged or investigated by the referring office.

The surnames come as ``primer_apellido`` + ``segundo_apellido`` (v2.1) or one ``apellidos``
string (v2.0). ``segundo_apellido`` may be left out: many people, foreigners above all,
have only one surname.

A ``documento`` names no issuer. Identity cards and passports are issued by the holder's
own state, so the issuer is the country of ``nacionalidad``; a residence or foreigners'
document is issued by the state of residence, which refco does not give, so its issuer
stays unknown.
"""

from __future__ import annotations

from datetime import date

from adapters.refco.clock import birth_date
from adapters.refco.places import nationality
from adapters.sdk.contract import Reject
from adapters.sdk.jsonread import Obj
from adapters.sdk.normalize import names, text
from contract.quoting import quote
from schemas import Document, Person

#: words of a document kind that mark a document issued by the state of residence
_RESIDENCE_WORDS = ("resid", "extranjer", "migrator", "refugiad")


def accused(item: object, path: str, version: str, sent: date) -> Person:
    """One entry of ``imputados`` as a canonical person with role ACCUSED."""
    person = Obj(item, path)
    given = person.text("nombres")
    family = _family_names(person, version)
    country = nationality(person.text("nacionalidad"), person.at("nacionalidad"))
    born = person.maybe_text("nacimiento")
    birth = birth_date(born, person.at("nacimiento")) if born else None
    if birth is not None and birth > sent.isoformat():
        raise Reject(f"date '{quote(born)}' in {person.at('nacimiento')}: after the referral")
    try:
        name = names.from_parts(given, family)
    except ValueError as exc:
        raise Reject(f"name in {path}: {exc}") from None
    return Person(
        full_name=name.full_name,
        given_names=name.given_names,
        family_names=name.family_names,
        birth_date=birth,
        nationalities=[country],
        role="ACCUSED",
        aliases=[alias for _, alias in person.maybe_texts("alias")],
        documents=_documents(person, country),
    )


def _family_names(person: Obj, version: str) -> str:
    if version == "2.0":
        return person.text("apellidos")
    if not person.given("primer_apellido") and person.given("apellidos"):
        raise Reject(
            f"'{person.at('primer_apellido')}' is missing: version 2.1 writes the surnames "
            "as primer_apellido and segundo_apellido, not apellidos"
        )
    first = person.text("primer_apellido")
    second = person.maybe_text("segundo_apellido")
    return f"{first} {second}" if second else first


def _documents(person: Obj, nationality_code: str) -> list[Document]:
    found = person.maybe_obj("documento")
    if found is None:
        return []
    kind = found.text("tipo")
    number = found.text("numero")
    residence = any(word in text.fold(kind) for word in _RESIDENCE_WORDS)
    return [Document(kind=kind, number=number, issuer=None if residence else nationality_code)]
