"""refco ``REMISION_CASO`` (versions 2.0 and 2.1) → canonical ``CaseReferral``.

Keys this adapter does not know are allowed and ignored (later versions add keys; the
native bytes stay in the provenance digest and the dead-letter copy). ``paises_vinculados``
is read whenever it is present, also in a 2.0 message: the states a case involves are
never dropped.
"""

from __future__ import annotations

from adapters.refco.clock import sent_at
from adapters.refco.persons import accused
from adapters.refco.places import country, location
from adapters.sdk.contract import Draft, Reject
from adapters.sdk.jsonread import Obj, load_json
from adapters.sdk.normalize import levels, offences
from contract.quoting import quote
from schemas import CaseReferral, Classification, Level, Offence, Origin, Victims

NETWORK = "refco"
VERSIONS = ("2.0", "2.1")
TIPOS = ("REMISION_CASO",)
_LEVELS: dict[str, Level] = {
    level: level for level in ("PUBLIC", "RESTRICTED", "CONFIDENTIAL", "SECRET")
}


def parse_message(native: bytes) -> Draft:
    """One refco message → one draft; ``Reject`` says what is wrong and where, and names
    the ``expediente`` when it could be read."""
    message = Obj(load_json(native, NETWORK), "")
    try:
        return _referral(message, native)
    except Reject as exc:
        found = message.data.get("expediente")
        reference = " ".join(found.split())[:64] or None if isinstance(found, str) else None
        raise Reject(exc.reason, reference=exc.reference or reference) from None


def _referral(message: Obj, native: bytes) -> Draft:
    version = message.text("version")
    if version not in VERSIONS:
        raise Reject(f"format version '{quote(version)}' in version: refco sends only 2.0 and 2.1")
    tipo = message.text("tipo")
    if tipo.upper() not in TIPOS:
        raise Reject(f"message type '{quote(tipo)}' in tipo: refco sends only REMISION_CASO")
    expediente = message.text("expediente")
    office = message.text("fiscalia")
    home = country(message.text("pais"), "pais")
    sent = sent_at(message.text("fecha"), home)
    marking = message.text("nivel_reserva")
    labels = message.texts("delitos")
    facts = message.text("hechos")
    persons = [
        accused(item, path, version, sent.date()) for path, item in message.items("imputados")
    ]
    places = [location(item, path) for path, item in message.maybe_items("lugares")]
    linked = [country(name, path) for path, name in message.maybe_texts("paises_vinculados")]
    data = CaseReferral(
        reference=expediente,
        origin=Origin(network=NETWORK, country=home, authority=office),
        classification=Classification(level=_level(marking), original=marking),
        offences=[Offence(label=label, iccs=offences.classify(label)) for _, label in labels],
        persons=persons,
        locations=places,
        countries=_unique(
            [home, *linked]
            + [p.country for p in places if p.country]
            + [c for p in persons for c in p.nationalities]
            + [d.issuer for p in persons for d in p.documents if d.issuer]
        ),
        summary=facts,
        victims=_victims(message.maybe_obj("victimas")),
        authority=office,
    )
    return Draft(data=data, time=sent, record_bytes=native)


def _level(marking: str) -> Level:
    """``PUBLICO`` / ``RESERVADO`` / ``CONFIDENCIAL`` / ``SECRETO``, accents and case optional."""
    try:
        return _LEVELS[levels.classification_level(marking)]
    except (KeyError, ValueError):
        raise Reject(
            f"marking '{quote(marking)}' in nivel_reserva: not PUBLICO, RESERVADO, "
            "CONFIDENCIAL or SECRETO"
        ) from None


def _victims(counts: Obj | None) -> Victims | None:
    """Counts only: refco never names victims, and any other key is ignored."""
    if counts is None:
        return None
    total = counts.maybe_integer("cantidad")
    minors = counts.maybe_integer("menores")
    for key, value in (("cantidad", total), ("menores", minors)):
        if value is not None and value < 0:
            raise Reject(f"count {quote(value)} in {counts.at(key)}: a count cannot be negative")
    if total is None and minors is None:
        return None
    return Victims(count=total, minors=minors)


def _unique(codes: list[str]) -> list[str]:
    """De-duplicated, in order of first appearance."""
    return list(dict.fromkeys(codes))
