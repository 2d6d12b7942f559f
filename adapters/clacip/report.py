"""The report's own properties: CLACIP's custom ``x_clacip_*`` ones, labels and markings."""

from __future__ import annotations

from typing import Literal, get_args

from adapters.clacip.bundle import StixObject
from adapters.clacip.fields import texts, unique, where
from adapters.sdk.contract import Reject
from adapters.sdk.normalize import countries, levels, offences, text
from contract.quoting import quote
from schemas import Classification, Grading, Offence, Tlp

IntelLevel = Literal["STRATEGIC", "TACTICAL", "OPERATIONAL"]

_LEVELS: dict[str, IntelLevel] = {
    text.fold("ESTRATEGICO"): "STRATEGIC",
    text.fold("TACTICO"): "TACTICAL",
    text.fold("OPERATIVO"): "OPERATIONAL",
}
_SOURCES = frozenset("ABCDEF")
_CREDIBILITY = {str(n): n for n in range(1, 7)}

#: the ``original`` of a report that carries no ``x_clacip_handling`` (a plain STIX report):
#: the model needs a marking, and an empty one would read as "sent blank"
NO_HANDLING = "(none)"
#: handling of a report that carries none, as the network's rules say
DEFAULT_LEVEL = "RESTRICTED"

#: TLP from least to most restrictive; several markings on one report keep the strictest
_TLP_ORDER: tuple[Tlp, ...] = get_args(Tlp)

#: label stems that flag a report cyber-related even when its code is another (ciberfraude)
_CYBER_STEMS = ("ciber", "cyber")
_CYBER_ICCS = "0903"


def level(report: StixObject) -> IntelLevel | None:
    value = report.get("x_clacip_level")
    if value is None:
        return None
    if isinstance(value, str) and text.fold(value) in _LEVELS:
        return _LEVELS[text.fold(value)]
    raise Reject(
        f"x_clacip_level '{quote(value)}' in {where(report)}: "
        "must be ESTRATEGICO, TACTICO or OPERATIVO"
    )


def grading(report: StixObject) -> Grading | None:
    """The Admiralty grading, its two axes kept apart; a partial grading is refused."""
    value = report.get("x_clacip_grading")
    if value is None:
        return None
    prop = f"x_clacip_grading in {where(report)}"
    if not isinstance(value, dict):
        raise Reject(
            f"{prop}: '{quote(value)}' must be an object "
            '{"source": "A".."F", "information": "1".."6"}'
        )
    source, information = value.get("source"), value.get("information")
    if not isinstance(source, str) or source.strip().upper() not in _SOURCES:
        raise Reject(f"{prop}: source '{quote(source)}' must be a letter A to F")
    if isinstance(information, int) and not isinstance(information, bool):
        information = str(information)
    if not isinstance(information, str) or information.strip() not in _CREDIBILITY:
        raise Reject(f"{prop}: information '{quote(information)}' must be a digit 1 to 6")
    return Grading(
        source=source.strip().upper(),
        information=_CREDIBILITY[information.strip()],
    )


def origin_country(report: StixObject) -> str | None:
    value = report.get("x_clacip_origin")
    if value is None:
        return None
    code = countries.to_alpha2(value) if isinstance(value, str) else None
    if code is None:
        raise Reject(
            f"x_clacip_origin '{quote(value)}' in {where(report)}: "
            "not an ISO 3166-1 alpha-2 country"
        )
    return code


def classification(report: StixObject) -> Classification:
    value = report.get("x_clacip_handling")
    tlp = _tlp(report)
    if value is None:
        return Classification(level=DEFAULT_LEVEL, original=NO_HANDLING, tlp=tlp)
    try:
        marking = levels.classification_level(value) if isinstance(value, str) else None
    except ValueError:
        marking = None
    if marking is None:
        raise Reject(
            f"x_clacip_handling '{quote(value)}' in {where(report)}: "
            "must be PUBLICO, RESERVADO, CONFIDENCIAL or SECRETO"
        )
    return Classification(level=marking, original=value.strip(), tlp=tlp)


def _tlp(report: StixObject) -> Tlp | None:
    """TLP from the official TLP marking ids; other markings (statements) are not TLP."""
    found = {levels.tlp_from_stix_marking(ref) for ref in texts(report, "object_marking_refs")}
    ranked = [tlp for tlp in _TLP_ORDER if tlp in found]
    return ranked[-1] if ranked else None


def offences_of(report: StixObject) -> list[Offence]:
    """One offence per distinct label, the label as sent (a hyphenated tag such as
    ``trata-de-personas``), classified by the shared ICCS classifier."""
    return [
        Offence(label=label, iccs=offences.classify(label))
        for label in unique(texts(report, "labels"))
    ]


def is_cyber(found: list[Offence]) -> bool:
    """Cyber-related: a label classified as an attack on computer systems (``ciberdelito``),
    or any label named for cyberspace (``ciberfraude``, ``cyber-extortion``)."""
    return any(
        (o.iccs or "").startswith(_CYBER_ICCS)
        or any(stem in text.fold(o.label) for stem in _CYBER_STEMS)
        for o in found
    )
