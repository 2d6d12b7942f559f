"""Routing decisions: which desks a canonical message goes to. Pure; no broker."""

from __future__ import annotations

from collections.abc import Iterable

from hub.core.desks import Desks
from schemas import CanonicalData


class Router:
    """Longest-prefix match of ICCS codes to desks, per ``taxonomy.md``."""

    def __init__(self, desks: Desks) -> None:
        self.desks = desks
        self._prefixes: dict[str, list[str]] = {}
        for desk in desks.desk:
            for prefix in desk.prefixes:
                self._prefixes.setdefault(prefix, []).append(desk.name)
        self._lengths = sorted({len(p) for p in self._prefixes}, reverse=True)

    def desks_for_code(self, code: str) -> list[str]:
        """The desks of the longest configured prefix of ``code``, or none."""
        for length in self._lengths:
            names = self._prefixes.get(code[:length]) if len(code) >= length else None
            if names:
                return names
        return []

    def route_codes(self, codes: Iterable[str], *, flags: Iterable[str] = ()) -> list[str]:
        """Desks for a set of ICCS codes and sender flags; triage when nothing matches."""
        chosen: list[str] = []
        qualifying: list[str] = []
        for code in codes:
            target = qualifying if code in self.desks.qualifiers else chosen
            for name in self.desks_for_code(code):
                if name not in target:
                    target.append(name)
        for flag in flags:
            flagged = self.desks.flags.get(flag)
            if flagged and flagged not in chosen:
                chosen.append(flagged)
        if not chosen:
            chosen = qualifying
        if not chosen:
            return [self.desks.triage]
        order = {name: i for i, name in enumerate(self.desks.names)}
        return sorted(chosen, key=order.__getitem__)

    def route(self, data: CanonicalData) -> list[str]:
        codes = [o.iccs for o in data.offences if o.iccs]
        return self.route_codes(codes, flags=["cyber"] if data.cyber else [])
