"""Text folding: the one comparison key every normalizer uses.

Networks write the same word with or without accents, in any case and with stray white
space; folding makes those spellings compare equal.
"""

from __future__ import annotations

import re
import unicodedata

_SPACES = re.compile(r"\s+")


def fold(text: str) -> str:
    """Casefold, strip accents (NFKD, combining marks dropped), collapse white space, trim."""
    # Compatibility decomposition can yield capitals ("🄐" -> "(A)"): casefold after it.
    folded = unicodedata.normalize("NFKD", unicodedata.normalize("NFKD", text).casefold())
    bare = "".join(ch for ch in folded if not unicodedata.combining(ch))
    return _SPACES.sub(" ", bare).strip()
