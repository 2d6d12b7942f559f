"""aiamp offences: the labels of ``tipificacion``, and the crime area of ``red`` when the
labels do not give one.

The area is added as its own offence (label = the ``red`` as sent) when there are no
labels, when none maps to an ICCS code, or when the only codes found merely qualify
another offence (participation in an organized criminal group, 09051): such a code
routes nowhere by itself, while the network that sent the message still names the crime.
"""

from __future__ import annotations

from adapters.sdk.normalize import offences, text
from schemas import Offence

#: ICCS code of each specialised network's crime area (aiamp.md)
AREAS: dict[str, str] = {
    "RFAI": "06012",  # drug trafficking
    "REDTRAM": "0204",  # trafficking in persons
    "CIBERRED": "0903",  # acts against computer systems
    "REDCOR": "0703",  # corruption
    "REDMA": "10",  # acts against the natural environment
}
SMUGGLING_OF_MIGRANTS = "08051"
MONEY_LAUNDERING = "07041"
#: codes that only qualify another offence
QUALIFIERS = frozenset({"09051"})

#: word stems (folded) by which a label says "smuggling of migrants" (migration, foreigners
#: brought in clandestinely or irregularly, "coyotes") …
_SMUGGLING = ("migra", "smuggl", "coyot", "extranjer", "estrangeir", "clandestin", "irregul")
#: … unless it also says trafficking in persons
_TRAFFICKING = ("trata ", "traite", "trafficking in persons", "human trafficking")
#: word stems (folded) by which a label says "money laundering"
_LAUNDERING = (
    "lavad",
    "lavag",
    "blanque",
    "branque",
    "blanchi",
    "launder",
    "legitimacion de capitales",
    "legitimacao de capitais",
    "ocultacao de bens",
)


def offences_of(labels: list[str], red: str, red_as_sent: str) -> list[Offence]:
    """One offence per label, plus the network's crime area when the labels give none."""
    found = [Offence(label=label, iccs=offences.classify(label)) for label in labels]
    if any(o.iccs and o.iccs not in QUALIFIERS for o in found):
        return found
    return [*found, Offence(label=red_as_sent, iccs=area_code(red, labels))]


def area_code(red: str, labels: list[str]) -> str:
    """The ICCS code of ``red``, refined by what the (unmapped) labels say."""
    folded = [f" {text.fold(label).casefold()} " for label in labels]
    if red == "REDTRAM" and any(
        _says(f, _SMUGGLING) and not _says(f, _TRAFFICKING) for f in folded
    ):
        return SMUGGLING_OF_MIGRANTS
    if red == "REDCOR" and any(_says(f, _LAUNDERING) for f in folded):
        return MONEY_LAUNDERING
    return AREAS[red]


def _says(folded: str, stems: tuple[str, ...]) -> bool:
    return any(stem in folded for stem in stems)
