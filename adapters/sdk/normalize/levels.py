"""Classification levels and TLP markings, as networks write them, to the hub's vocabulary.

Levels are PUBLIC, RESTRICTED, CONFIDENTIAL and SECRET. An unreadable level raises rather
than defaulting: a wrong guess could publish a secret. ``ULTRASECRETO`` / ``TOP SECRET``
map to SECRET, the highest level the hub has. Numeric codes (REMPM's ``sigilo``) belong
to their adapter.
"""

from __future__ import annotations

import re

from adapters.sdk.normalize.text import fold

_MAX_CHARS = 64
_LEVEL_WORDS = {
    "PUBLIC": ("publico", "publica", "public", "publique", "unclassified", "sin clasificar",
               "no clasificado", "ostensivo", "ostensiva"),
    "RESTRICTED": ("reservado", "reservada", "restricted", "restringido", "restringida",
                   "restrito", "restrita", "restricto", "restricta", "diffusion restreinte",
                   "restreint"),
    "CONFIDENTIAL": ("confidencial", "confidential", "confidentiel"),
    "SECRET": ("secreto", "secreta", "secret", "ultrasecreto", "ultra secreto",
               "ultrassecreto", "ultra-secreto", "top secret", "tres secret", "secret defense"),
}  # fmt: skip

# The five TLP 2.0 marking definitions by their official STIX 2.1 ids (FIRST / OASIS).
_TLP_MARKINGS = {
    "marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487": "CLEAR",
    "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb": "GREEN",
    "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421": "AMBER",
    "marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003": "AMBER+STRICT",
    "marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1": "RED",
}
_TLP_WORDS = {
    "clear": "CLEAR", "white": "CLEAR", "green": "GREEN", "amber": "AMBER",
    "amber+strict": "AMBER+STRICT", "amber strict": "AMBER+STRICT", "red": "RED",
}  # fmt: skip


def _key(text: str) -> str:
    return re.sub(r"[\s_-]+", " ", fold(text)).strip()


_LEVELS = {_key(word): level for level, words in _LEVEL_WORDS.items() for word in words}


def classification_level(text: str) -> str:
    """``RESERVADO`` -> ``RESTRICTED`` and so on; ValueError for anything else."""
    if not isinstance(text, str) or len(text) > _MAX_CHARS:
        raise ValueError(f"unknown classification level {text!r}")
    level = _LEVELS.get(_key(text))
    if level is None:
        raise ValueError(f"unknown classification level {text!r}")
    return level


def tlp_from_stix_marking(marking_id: str) -> str | None:
    """The TLP colour of an official TLP 2.0 STIX marking id; None for any other marking."""
    if not isinstance(marking_id, str):
        return None
    return _TLP_MARKINGS.get(marking_id.strip().lower())


def tlp_from_text(text: str) -> str | None:
    """``TLP:AMBER+STRICT``, ``amber``, ``TLP:WHITE`` (TLP 1.0, now CLEAR) -> the TLP colour."""
    if not isinstance(text, str) or len(text) > _MAX_CHARS:
        return None
    word = re.sub(r"^tlp\s*[:\s]\s*", "", _key(text))
    return _TLP_WORDS.get(re.sub(r"\s*\+\s*", "+", word))
