"""Loads and compiles the offence vocabulary (``data/offences.toml``).

A *term* is a few words that must all occur in a label, in any order; each word matches by
its stem, or exactly (``=trata``), or as a prefix (``narco*``). A *concept* is a list of
terms (DRUG, TRADE...). A *rule* names an ICCS code and the concepts that must be present
(``when``: all groups, any concept of each group) or absent (``unless``). The first rule
that holds gives the code.
"""

from __future__ import annotations

import re
import tomllib
from collections import defaultdict
from dataclasses import dataclass
from importlib.resources import files
from typing import Any

from adapters.sdk.normalize._stem import stem
from adapters.sdk.normalize.text import fold
from schemas.iccs import is_known_iccs

_TERM_WORD = re.compile(r"[a-z0-9]+(?:\*)?|=[a-z0-9]+")  # word, prefix* or =exact
_LABEL_WORD = re.compile(r"[a-z0-9]+")
STOPWORDS = frozenset({
    "a", "al", "as", "au", "aux", "com", "con", "contra", "d", "da", "das", "de", "del", "des",
    "do", "dos", "du", "e", "el", "em", "en", "et", "for", "in", "l", "la", "las", "le", "les",
    "lo", "los", "na", "nas", "no", "nos", "o", "of", "on", "os", "para", "pela", "pelo", "por",
    "se", "su", "sus", "the", "to", "um", "uma", "un", "una", "uno", "y", "with",
})  # fmt: skip


def tokens(folded: str) -> list[str]:
    """Words of a folded text: letters and digits, split on everything else."""
    return _LABEL_WORD.findall(folded)


@dataclass(frozen=True)
class Term:
    concept: str
    stems: frozenset[str]
    exact: frozenset[str]
    prefixes: tuple[str, ...]

    def matches(self, stems: frozenset[str], words: frozenset[str]) -> bool:
        return (
            self.stems <= stems
            and self.exact <= words
            and all(any(w.startswith(p) for w in words) for p in self.prefixes)
        )


@dataclass(frozen=True)
class Rule:
    code: str | None  # None: a label known to have no justifiable code
    when: tuple[frozenset[str], ...]
    unless: frozenset[str]

    def holds(self, concepts: frozenset[str]) -> bool:
        return all(group & concepts for group in self.when) and not self.unless & concepts


@dataclass(frozen=True)
class Vocabulary:
    by_trigger: dict[str, tuple[Term, ...]]  # a stem or "=word" -> the terms it can start
    prefix_terms: tuple[Term, ...]  # terms made only of prefixes: checked on every label
    rules: tuple[Rule, ...]
    abbreviations: dict[str, str]

    def concepts(self, stems: frozenset[str], words: frozenset[str]) -> frozenset[str]:
        found: set[str] = set()
        keys = stems | {"=" + w for w in words}
        for key in keys:
            for term in self.by_trigger.get(key, ()):
                if term.concept not in found and term.matches(stems, words):
                    found.add(term.concept)
        for term in self.prefix_terms:
            if term.concept not in found and term.matches(stems, words):
                found.add(term.concept)
        return frozenset(found)

    def code(self, concepts: frozenset[str]) -> str | None:
        for rule in self.rules:
            if rule.holds(concepts):
                return rule.code
        return None


def _term(concept: str, text: str) -> Term:
    stems: set[str] = set()
    exact: set[str] = set()
    prefixes: list[str] = []
    for word in _TERM_WORD.findall(fold(text).replace("'", " ")):
        if word.startswith("="):
            exact.add(word[1:])
        elif word.endswith("*"):
            prefixes.append(word[:-1])
        elif word not in STOPWORDS:
            stems.add(stem(word))
    if not (stems or exact or prefixes):
        raise ValueError(f"offences.toml: term {text!r} of {concept} has no content word")
    return Term(concept, frozenset(stems), frozenset(exact), tuple(prefixes))


def _rule(raw: dict[str, Any], concepts: set[str]) -> Rule:
    code = raw["code"] or None
    if code is not None and not is_known_iccs(code):
        raise ValueError(f"offences.toml: rule code {code} is not an ICCS 1.0 code")
    when = tuple(frozenset(group) for group in raw["when"])
    unless = frozenset(raw.get("unless", ()))
    unknown = set().union(*when, unless) - concepts
    if unknown or not when:
        raise ValueError(f"offences.toml: rule {code}: unknown concepts {sorted(unknown)}")
    return Rule(code, when, unless)


def load() -> Vocabulary:
    text = files("adapters.sdk.normalize.data").joinpath("offences.toml").read_text("utf-8")
    raw = tomllib.loads(text)
    by_trigger: defaultdict[str, list[Term]] = defaultdict(list)
    prefix_terms: list[Term] = []
    for concept, texts in raw["concepts"].items():
        for term in (_term(concept, text) for text in texts):
            if term.stems:
                by_trigger[min(term.stems)].append(term)
            elif term.exact:
                by_trigger["=" + min(term.exact)].append(term)
            else:
                prefix_terms.append(term)
    rules = tuple(_rule(r, set(raw["concepts"])) for r in raw["rules"])
    abbreviations = {k: fold(v) for k, v in raw.get("abbreviations", {}).items()}
    return Vocabulary(
        {k: tuple(v) for k, v in by_trigger.items()}, tuple(prefix_terms), rules, abbreviations
    )
