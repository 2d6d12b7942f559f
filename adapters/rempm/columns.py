"""The header of a rempm batch: which column holds what.

Columns come in any order and any letter case; unknown ones are ignored. Four are
required, because without them a row cannot be identified or cleared for anyone:
``protocolo`` (the case id), ``pais_origem`` (protocolos are unique only per sending
country), ``data_registro`` (the event time) and ``sigilo`` (who may see it). Every other
known column is optional: when absent, its value is empty in every row.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from adapters.sdk.contract import Reject
from contract.quoting import quote

REQUIRED = ("protocolo", "pais_origem", "data_registro", "sigilo")
OPTIONAL = (
    "tipificacao",
    "descricao",
    "investigados",
    "nascimentos",
    "municipio",
    "uf",
    "latitude",
    "longitude",
    "paises_relacionados",
)
KNOWN = REQUIRED + OPTIONAL
_BOMS = ("\ufeff", "ï»¿")  # a byte-order mark, read as UTF-16 or as Latin-1


def column_key(name: str) -> str:
    """``" País_Origem "`` → ``pais_origem``: case, accents and stray white space do not matter."""
    for bom in _BOMS:
        name = name.removeprefix(bom)
    decomposed = unicodedata.normalize("NFKD", name.strip().lower())
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return "_".join(plain.replace("-", " ").split())


@dataclass(frozen=True)
class Columns:
    """Positions of the known columns, and the header's width."""

    positions: dict[str, int]
    width: int

    @classmethod
    def from_header(cls, names: list[str], line: int = 1) -> Columns:
        positions: dict[str, int] = {}
        for index, name in enumerate(names):
            key = column_key(name)
            if key not in KNOWN:
                continue
            if key in positions:
                raise Reject(
                    f"column '{key}' appears twice in the header (line {line}, fields "
                    f"{positions[key] + 1} and {index + 1}): which one holds the data is unclear"
                )
            positions[key] = index
        missing = [name for name in REQUIRED if name not in positions]
        if missing:
            found = quote(";".join(names), 200)
            hint = " (is the separator ',' or a tab instead of ';'?)" if len(names) == 1 else ""
            raise Reject(
                f"header (line {line}) lacks the required column(s) {', '.join(missing)}: "
                f"it reads '{found}'{hint}"
            )
        return cls(positions=positions, width=len(names))

    def check(self, fields: list[str]) -> None:
        """A row has one field per header column; trailing empty extras are tolerated."""
        if len(fields) < self.width:
            raise Reject(
                f"too few fields: the row has {len(fields)}, the header {self.width} "
                "(a line break outside quotes?)"
            )
        extra = fields[self.width :]
        if any(field.strip() for field in extra):
            raise Reject(
                f"too many fields: the row has {len(fields)}, the header {self.width} "
                "(a ';' outside quotes?)"
            )

    def value(self, fields: list[str], name: str) -> str:
        """The row's value of column ``name``, stripped; empty when the column is absent."""
        index = self.positions.get(name)
        if index is None or index >= len(fields):
            return ""
        return fields[index].strip()
