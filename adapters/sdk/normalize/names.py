"""Person names: which words are given names and which are family names.

The original text is kept as ``full_name`` (trimmed) because a name split wrongly must still
be findable as it was sent; the parts keep the sender's case (a capitalised surname is data,
not noise). Runs of white space inside the parts are collapsed.

Surname particles (``de``, ``del``, ``de la``, ``da``, ``dos``, ``van``...) belong to the word
after them, so ``JUAN DE LA CRUZ`` splits as ``JUAN`` / ``DE LA CRUZ`` and not ``JUAN DE`` /
``LA CRUZ``; names without particles follow the networks' rule word for word.
"""

from __future__ import annotations

from dataclasses import dataclass

from adapters.sdk.normalize.text import fold

_MAX_CHARS = 300
_PARTICLES = frozenset(
    {"de", "del", "della", "di", "da", "das", "do", "dos", "du", "la", "las", "los", "le",
     "van", "von", "der", "den", "ten", "ter"}
)  # fmt: skip


@dataclass(frozen=True)
class PersonName:
    full_name: str
    given_names: str | None
    family_names: str | None


def _clean(part: str | None) -> str | None:
    if part is None:
        return None
    joined = " ".join(part.split())
    return joined or None


def _checked(text: str) -> str:
    if not isinstance(text, str):
        raise ValueError(f"a name must be text, not {type(text).__name__}")
    if len(text) > _MAX_CHARS:
        raise ValueError(f"name too long ({len(text)} characters)")
    trimmed = text.strip()
    if not trimmed:
        raise ValueError("empty name")
    return trimmed


def _units(words: list[str]) -> list[str]:
    """Words with each run of particles glued to the word that follows it."""
    units: list[str] = []
    pending: list[str] = []
    for word in words:
        pending.append(word)
        if fold(word) not in _PARTICLES:
            units.append(" ".join(pending))
            pending = []
    if pending:  # trailing particles: keep them with what came before
        if units:
            units[-1] = " ".join([units[-1], *pending])
        else:
            units.append(" ".join(pending))
    return units


def natural_order(text: str) -> PersonName:
    """Given names first: of three or more words the last two are family names, of two the
    last one; a single word is a family name."""
    full = _checked(text)
    units = _units(full.split())
    if len(units) == 1:
        return PersonName(full, None, units[0])
    cut = len(units) - (2 if len(units) >= 3 else 1)
    return PersonName(full, " ".join(units[:cut]), " ".join(units[cut:]))


def surname_first(text: str) -> PersonName:
    """``SURNAMES, Given Names``; without a comma the name is read in natural order."""
    full = _checked(text)
    if "," not in full:
        return natural_order(full)
    family, given = full.split(",", 1)
    family_names, given_names = _clean(family), _clean(given.replace(",", " "))
    if family_names is None and given_names is None:
        raise ValueError(f"no name around the comma in {full!r}")
    return PersonName(full, given_names, family_names)


def from_parts(given: str | None, family: str | None) -> PersonName:
    """A name sent in two fields; ``full_name`` is ``"given family"``."""
    for part in (given, family):
        if part is not None and not isinstance(part, str):
            raise ValueError(f"a name part must be text, not {type(part).__name__}")
        if part is not None and len(part) > _MAX_CHARS:
            raise ValueError(f"name part too long ({len(part)} characters)")
    given_names, family_names = _clean(given), _clean(family)
    if given_names is None and family_names is None:
        raise ValueError("empty name: neither given nor family names")
    full = " ".join(p for p in (given_names, family_names) if p)
    return PersonName(full, given_names, family_names)
