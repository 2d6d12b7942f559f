"""The ICCS 1.0 code list (UNODC, 2015), the canonical vocabulary for crime codes.

The list is data (``schemas/data/iccs.json``) so that a code can be added without touching
code; it is checked once at import: every code has 2, 4, 5 or 6 digits and its parent
(section, division, group) is listed too, so prefix routing never meets an orphan.
"""

from __future__ import annotations

import json
import re
from importlib.resources import files
from types import MappingProxyType
from typing import Final

_SHAPE = re.compile(r"\d{2}|\d{4,6}")


def _parent(code: str) -> str | None:
    return {2: None, 4: code[:2], 5: code[:4], 6: code[:5]}[len(code)]


def _load() -> dict[str, str]:
    raw = json.loads(files("schemas.data").joinpath("iccs.json").read_text(encoding="utf-8"))
    codes: dict[str, str] = raw["codes"]
    for code, label in codes.items():
        if not _SHAPE.fullmatch(code) or not isinstance(label, str) or not label:
            raise ValueError(f"iccs.json: bad entry {code!r}: {label!r}")
        parent = _parent(code)
        if parent is not None and parent not in codes:
            raise ValueError(f"iccs.json: {code} is listed without its parent {parent}")
    return codes


_LABELS: Final = MappingProxyType(_load())

ICCS_CODES: Final[frozenset[str]] = frozenset(_LABELS)
"""Every known ICCS 1.0 code: sections, divisions, groups and classes."""


def iccs_label(code: str) -> str | None:
    """The English ICCS label of ``code``, or None when the code is not known."""
    return _LABELS.get(code)


def is_known_iccs(code: str) -> bool:
    """True when ``code`` is a code of the ICCS 1.0 list."""
    return code in _LABELS
