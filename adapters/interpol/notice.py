"""One notice object (a list page's summary or a detail document) → a canonical ``Notice``.

The notice feed is public: every notice it publishes is PUBLIC, marked
``(public notice feed)`` as the original classification since the service sends no
marking of its own. The feed carries no send time, so drafts have ``time=None`` and the
hub stamps the receive time.
"""

from __future__ import annotations

from collections.abc import Mapping

from adapters.interpol.charges import Charges, read_charges
from adapters.interpol.fields import birth_date, codes, country, country_list, measure, sex
from adapters.interpol.fields import text as text_field
from adapters.interpol.kinds import (
    NAMES,
    PURPOSES,
    ROLES,
    NoticeKind,
    entity_id_from_href,
    href_of,
    kind_from_href,
)
from adapters.sdk.contract import Draft, Reject
from contract.quoting import quote as show
from contract.signing import canonical_json
from schemas import Classification, Notice, NoticeDetails, Origin, Person

SLUG = "interpol"
#: The classification marking recorded for every notice of the public feed.
PUBLIC_MARKING = "(public notice feed)"
ORIGIN = Origin(network=SLUG)
CLASSIFICATION = Classification(level="PUBLIC", original=PUBLIC_MARKING)


def reference_of(obj: Mapping[str, object], where: str) -> str:
    """The notice's ``entity_id`` exactly as the service writes it; when it is missing,
    the id its self link names (``…/red/2021-75051`` → ``2021/75051``)."""
    value = obj.get("entity_id")
    if value is None:
        derived = entity_id_from_href(href_of(obj))
        if derived is None:
            raise Reject(f"entity_id missing in {where}, and no self link names the notice")
        return derived
    if not isinstance(value, str) or not value.strip():
        raise Reject(f"entity_id '{show(value)}' in {where}: not a notice id")
    reference = value.strip()
    if len(reference) > 64:
        raise Reject(f"entity_id '{show(reference)}' in {where}: longer than 64 characters")
    return reference


def kind_of(
    obj: Mapping[str, object], hint: NoticeKind | None, where: str, *, detail: bool
) -> NoticeKind:
    """The kind by the notice's own self link; else the hint (the list page's links, or the
    list the poller fetched it from); else, for a detail, RED when it lists arrest warrants
    (only red notices carry them)."""
    kind = kind_from_href(href_of(obj)) or hint
    warrants = obj.get("arrest_warrants")
    if kind is None and detail and isinstance(warrants, list) and warrants:
        kind = "RED"
    if kind is None:
        raise Reject(f"notice kind unknown in {where}: no link path with /red/, /yellow/ or /un/")
    return kind


def build_draft(
    obj: Mapping[str, object],
    *,
    hint: NoticeKind | None,
    where: str,
    detail: bool,
    record: int | None = None,
) -> Draft:
    """The draft of one notice object. ``detail`` says whether warrants are read."""
    reference = reference_of(obj, where)
    where = f"notice {reference}"
    kind = kind_of(obj, hint, where, detail=detail)
    person = _person(obj, kind, where)
    charges = read_charges(obj, where) if detail else Charges([], [], [], [])
    nationalities = person.nationalities if person else country_list(obj, "nationalities", where)
    involved: list[str] = []
    for code in (*nationalities, country(obj, "country_of_birth_id", where), *charges.issuers):
        if code and code not in involved:
            involved.append(code)
    data = Notice(
        reference=reference,
        origin=ORIGIN,
        classification=CLASSIFICATION,
        offences=charges.offences,
        persons=[person] if person else [],
        countries=involved,
        title=_title(kind, reference, person),
        summary=_summary(kind, reference, person, obj, charges),
        notice=NoticeDetails(kind=kind, status="ACTIVE", warrants=charges.warrants),
    )
    return Draft(data=data, time=None, record_bytes=canonical_json(obj), record=record)


def _person(obj: Mapping[str, object], kind: NoticeKind, where: str) -> Person | None:
    """The notice's subject; None when the notice names nobody (no forename, no name)."""
    given = text_field(obj, "forename", where)
    family = text_field(obj, "name", where)
    born = birth_date(obj, "date_of_birth", where)
    nationalities = country_list(obj, "nationalities", where)
    gender = sex(obj, "sex_id", where)
    place = text_field(obj, "place_of_birth", where)
    full = " ".join(part for part in (given, family) if part)
    if not full:
        return None
    return Person(
        full_name=full,
        given_names=given,
        family_names=family,
        birth_date=born,
        nationalities=nationalities,
        role=ROLES[kind],
        sex=gender,
        place_of_birth=place,
    )


def _title(kind: NoticeKind, reference: str, person: Person | None) -> str:
    who = ", ".join(p for p in (person.family_names, person.given_names) if p) if person else ""
    title = f"{NAMES[kind]} notice {reference}" + (f": {who}" if who else "")
    return title if len(title) <= 300 else title[:299] + "…"


def _summary(
    kind: NoticeKind,
    reference: str,
    person: Person | None,
    obj: Mapping[str, object],
    charges: Charges,
) -> str:
    lines = [f"{NAMES[kind]} notice {reference} ({PURPOSES[kind]})."]
    if person is not None:
        facts = [person.full_name]
        if person.birth_date:
            born = f"born {person.birth_date}"
            if person.place_of_birth:
                born += f" in {person.place_of_birth}"
            facts.append(born)
        if person.sex:
            facts.append(f"sex {person.sex}")
        if person.nationalities:
            facts.append("nationalities " + ", ".join(person.nationalities))
        lines.append("Subject: " + "; ".join(facts) + ".")
    lines.extend(_description(obj))
    lines.extend(charges.lines)
    return "\n".join(lines)


def _description(obj: Mapping[str, object]) -> list[str]:
    facts = []
    for label, key, unit in (("height", "height", "m"), ("weight", "weight", "kg")):
        value = measure(obj, key, unit)
        if value:
            facts.append(f"{label} {value}")
    for label, key in (("eyes", "eyes_colors_id"), ("hair", "hairs_id")):
        found = codes(obj, key)
        if found:
            facts.append(f"{label} {', '.join(found)}")
    spoken = codes(obj, "languages_spoken_ids")
    if spoken:
        facts.append("languages " + ", ".join(spoken))
    lines = ["Description: " + "; ".join(facts) + "."] if facts else []
    marks = obj.get("distinguishing_marks")
    if isinstance(marks, str) and marks.strip():
        lines.append("Distinguishing marks: " + marks.strip()[:2000])
    return lines
