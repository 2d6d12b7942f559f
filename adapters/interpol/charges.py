"""Arrest warrants of a red notice: issuing state, the charge as sent, and its crime area.

The charge is free text in the issuing state's language (English, Spanish, Portuguese,
French…). It is classified first as written; when that gives no ICCS code, the service's
``charge_translation`` is tried. Each charge also becomes an offence (label = the charge as
sent), which is what the router routes on.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from adapters.interpol.fields import country, raw_text
from adapters.sdk.contract import Reject
from adapters.sdk.normalize import offences
from contract.quoting import quote as show
from schemas import NoticeWarrant, Offence

#: The longest label the canonical model keeps; longer charges are cut here (the whole
#: text stays in the notice's summary).
LABEL_LIMIT = 500


@dataclass(frozen=True)
class Charges:
    warrants: list[NoticeWarrant]
    offences: list[Offence]
    issuers: list[str]
    #: one line per warrant, with the whole charge text, for the summary
    lines: list[str]


def clip(label: str) -> str:
    return label if len(label) <= LABEL_LIMIT else label[: LABEL_LIMIT - 1].rstrip() + "…"


def classify_charge(charge: str | None, translation: str | None) -> str | None:
    """The ICCS code of a charge, trying its translation when the charge does not classify."""
    for label in (charge, translation):
        if label:
            code = offences.classify(label)
            if code is not None:
                return code
    return None


def read_charges(obj: Mapping[str, object], where: str) -> Charges:
    """The ``arrest_warrants`` of a detail (null or missing: none)."""
    value = obj.get("arrest_warrants")
    if value is None:
        return Charges([], [], [], [])
    if not isinstance(value, list):
        raise Reject(f"arrest_warrants '{show(value)}' in {where}: not a list of warrants")
    warrants: list[NoticeWarrant] = []
    found: list[Offence] = []
    issuers: list[str] = []
    lines: list[str] = []
    for number, item in enumerate(value, start=1):
        if item is None:
            continue
        place = f"arrest warrant {number} of {where}"
        if not isinstance(item, Mapping):
            raise Reject(f"'{show(item)}' in {place}: not a warrant object")
        issuer = country(item, "issuing_country_id", place)
        charge = raw_text(item, "charge", place)
        translation = raw_text(item, "charge_translation", place)
        code = classify_charge(charge, translation)
        warrants.append(
            NoticeWarrant(
                issuing_country=issuer,
                charge=clip(charge) if charge else None,
                charge_translation=clip(translation) if translation else None,
                iccs=code,
            )
        )
        label = charge or translation
        if label:
            offence = Offence(label=clip(label), iccs=code)
            if offence not in found:
                found.append(offence)
        if issuer and issuer not in issuers:
            issuers.append(issuer)
        lines.append(_line(issuer, charge, translation))
    return Charges(warrants, found, issuers, lines)


def _line(issuer: str | None, charge: str | None, translation: str | None) -> str:
    text = f"Arrest warrant issued by {issuer or 'an unnamed state'}"
    if charge:
        text += f": {charge}"
    if translation and translation != charge:
        text += f" (translation: {translation})"
    return text + "."
