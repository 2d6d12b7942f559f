"""One STIX 2.1 bundle → one intelligence report (``cca.intel.report.v1``).

The bundle's single ``report`` is the message; the objects it references become the
report's persons, locations, groups, vessels, vehicles and links. Objects it does not
reference, and types this adapter does not know, stay only in the raw copy (which the
provenance digest covers).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from adapters.clacip import report as props
from adapters.clacip.bundle import SLUG, Bundle, StixObject, load_bundle
from adapters.clacip.fields import text, texts, unique
from adapters.clacip.objects import group, link, location, person, vehicle, vessel
from adapters.clacip.stix import utc, validated
from adapters.sdk.contract import Draft, Reject
from contract.quoting import quote
from schemas import CriminalGroup, IntelReport, Link, Location, Origin, Person, Vehicle, Vessel

TITLE_LIMIT = 300


def _max_items(name: str) -> int:
    """The model's own bound on a list field, so an oversized bundle stops early."""
    metadata = IntelReport.model_fields[name].metadata
    return min(int(m.max_length) for m in metadata if getattr(m, "max_length", None))


@dataclass
class _Parts:
    """What the report's references turn into, in the order the report lists them."""

    persons: list[Person] = field(default_factory=list)
    locations: list[Location] = field(default_factory=list)
    groups: list[CriminalGroup] = field(default_factory=list)
    vessels: list[Vessel] = field(default_factory=list)
    vehicles: list[Vehicle] = field(default_factory=list)
    links: list[Link] = field(default_factory=list)

    def add(self, obj: StixObject) -> None:
        """Map one referenced object; types this adapter does not know are left out."""
        mapping = _MAPPINGS.get(obj["type"])
        if mapping is not None:
            name, build = mapping
            self.append(name, build(obj))

    def append(self, name: str, part: object) -> None:
        items: list[object] = getattr(self, name)
        if len(items) >= _LIMITS[name]:
            raise Reject(f"the report references more than {_LIMITS[name]} {name}")
        items.append(part)


_MAPPINGS: dict[str, tuple[str, Callable[[StixObject], object]]] = {
    "x-clacip-person": ("persons", person),
    "location": ("locations", location),
    "threat-actor": ("groups", group),
    "x-clacip-vessel": ("vessels", vessel),
    "x-clacip-vehicle": ("vehicles", vehicle),
    "relationship": ("links", link),
}
_LIMITS = {name: _max_items(name) for name, _ in _MAPPINGS.values()}


def parse_bundle(native: bytes) -> Draft:
    """The bundle's report as a draft; a refusal names the report it refuses."""
    bundle = load_bundle(native)
    try:
        return _draft(bundle, native)
    except Reject as exc:
        raise Reject(exc.reason, reference=quote(bundle.report["id"])) from None


def _draft(bundle: Bundle, native: bytes) -> Draft:
    report = validated(bundle.report)
    refs = unique(texts(report, "object_refs"))
    parts = _Parts()
    for ref in refs:
        obj = bundle.resolve(ref)
        if obj is None:  # STIX lets a report name objects the bundle does not carry
            continue
        if not ref.startswith(f"{obj['type']}--"):
            raise Reject(
                f"object {quote(ref)} has type '{quote(obj['type'])}', not the one its id names"
            )
        parts.add(obj)
    for implied in _implied_links(bundle, set(refs)):
        parts.append("links", implied)

    found = props.offences_of(report)
    origin = props.origin_country(report)
    data = IntelReport(
        reference=str(report["id"]),
        origin=Origin(network=SLUG, country=origin, authority=_authority(bundle, report)),
        classification=props.classification(report),
        offences=found,
        cyber=props.is_cyber(found),
        title=_title(text(report, "name")),
        summary=text(report, "description") or "",
        level=props.level(report),
        grading=props.grading(report),
        persons=parts.persons,
        locations=parts.locations,
        groups=parts.groups,
        vessels=parts.vessels,
        vehicles=parts.vehicles,
        links=parts.links,
        countries=unique(
            [
                *([origin] if origin else []),
                *(loc.country for loc in parts.locations if loc.country),
                *(code for p in parts.persons for code in p.nationalities),
                *(v.flag for v in parts.vessels if v.flag),
                *(v.country for v in parts.vehicles if v.country),
            ]
        ),
    )
    return Draft(
        data=data, time=utc(report.get("published"), "published", report), record_bytes=native
    )


def _implied_links(bundle: Bundle, refs: set[str]) -> Iterator[Link]:
    """Relationships the report does not list but whose two ends it does.

    They are unreferenced objects, so one that is not valid STIX is left out (it stays in
    the raw copy) rather than refusing the whole report.
    """
    for ident, versions in bundle.by_id.items():
        if ident in refs or len(versions) != 1 or versions[0]["type"] != "relationship":
            continue
        obj = versions[0]
        ends = obj.get("source_ref"), obj.get("target_ref")
        if all(isinstance(end, str) and end in refs for end in ends):
            try:
                yield link(obj)
            except Reject:
                continue


def _authority(bundle: Bundle, report: StixObject) -> str | None:
    """The sending unit: the name of the ``identity`` the report is created by, if carried."""
    ref = text(report, "created_by_ref")
    creator = bundle.resolve(ref) if ref else None
    if creator is None or creator["type"] != "identity":
        return None
    return _title(text(validated(creator), "name"))


def _title(value: str | None) -> str | None:
    """The report's name as a title; an overlong one is cut (the description keeps the facts)."""
    if value is None or len(value) <= TITLE_LIMIT:
        return value
    return value[: TITLE_LIMIT - 1].rstrip() + "…"
