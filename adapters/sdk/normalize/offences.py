"""Offence labels, as networks name them, to the most specific ICCS 1.0 code they justify.

Labels arrive in Spanish, Portuguese, English or French, with any word order, accents,
gender, number and legal phrasing ("delito de", "crime de", "art. 296", a statute in
parentheses, "en grado de tentativa"). The label is reduced to stems, the stems to
concepts (DRUG, TRADE, TIP...), and the concepts to a code by ordered rules; the
vocabulary and the rules are data (``data/offences.toml``, documented at its top) so that a
new phrasing is a one-line change. A label the vocabulary cannot justify gives None:
routing it to triage is better than to the wrong desk.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cache, lru_cache

from adapters.sdk.normalize._stem import stem
from adapters.sdk.normalize._vocabulary import Vocabulary, load, tokens
from adapters.sdk.normalize.text import fold

MAX_LABEL_CHARS = 1000
"""Longer text is not a label; it gets no code rather than a guess from a paragraph."""

_ASIDE = re.compile(r"\([^)]*\)?|\[[^\]]*\]?")
_UPPER_WORD = re.compile(r"\b[A-Z]{2,5}\b")


@cache
def vocabulary() -> Vocabulary:
    """The compiled vocabulary, loaded once."""
    return load()


@lru_cache(maxsize=8192)
def _code_of(folded: str) -> str | None:
    words = frozenset(tokens(folded))
    stems = frozenset(map(stem, words))
    vocab = vocabulary()
    return vocab.code(vocab.concepts(stems, words))


def _expanded(label: str) -> str:
    abbreviations = vocabulary().abbreviations
    found = [abbreviations[w] for w in _UPPER_WORD.findall(label) if w in abbreviations]
    return " ".join([label, *found]) if found else label


def classify(label: str) -> str | None:
    """The ICCS code of one offence label, or None when it cannot be justified."""
    if not isinstance(label, str) or len(label) > MAX_LABEL_CHARS:
        return None
    text = _expanded(label)
    main = _ASIDE.sub(" ", text)
    code = _code_of(fold(main))
    if code is None and main != text:
        code = _code_of(fold(text))
    return code


def classify_all(labels: Iterable[str]) -> list[tuple[str, str | None]]:
    """Each label with its code, in order."""
    return [(label, classify(label)) for label in labels]
