"""A light stemmer for folded Spanish, Portuguese, French and English words.

It removes only what varies between the forms of one word in a crime label: the plural
(-s, -es, Portuguese -ões/-ães/-ais/-éis/-óis) and the gender vowel (-o/-a/-e, French -ée).
``tráficos``, ``tráfico`` and French ``trafic`` all become ``trafic``; ``ilícitas`` and
``ilícito`` become ``ilicit``. Vocabulary and labels go through the same function, so the
stems only need to be consistent, not linguistically exact.
"""

from __future__ import annotations

from functools import lru_cache

_PORTUGUESE_PLURALS = (("oes", "ao"), ("aes", "ao"), ("ais", "al"), ("eis", "el"), ("ois", "ol"))


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """Stem of one folded word (lower case, no accents)."""
    if len(word) <= 3:
        return word
    for suffix, replacement in _PORTUGUESE_PLURALS:
        if word.endswith(suffix) and len(word) > len(suffix) + 2:
            word = word[: -len(suffix)] + replacement
            break
    else:
        if word.endswith("s") and not word.endswith("ss"):
            word = word[:-1]
    if word.endswith("ee"):
        word = word[:-1]
    if len(word) > 3 and word[-1] in "aeo":
        word = word[:-1]
    return word
