"""A full-size rempm batch (5,000 rows, about 20 MB), built deterministically for the
memory test and the throughput measurement."""

from __future__ import annotations

ROWS = 5_000
TARGET_BYTES = 20 * 1024 * 1024
HEADER = (
    "protocolo;pais_origem;data_registro;tipificacao;descricao;investigados;nascimentos;"
    "municipio;uf;latitude;longitude;paises_relacionados;sigilo"
)
_COUNTRIES = ("ARG", "BRA", "PRY", "URY", "BOL", "CHL", "PER", "COL", "ECU")
_LABELS = (
    "Tráfico internacional de estupefacientes|Asociación criminal",
    "Lavagem de dinheiro",
    "Contrabando de armas de fuego",
    "Trata de personas con fines de explotación sexual",
    "Corrupção passiva|Lavagem de dinheiro",
)
_FACT = "Operação conjunta; remessas em espécie e transferências via câmbio paralelo. "


def large_batch(rows: int = ROWS, target: int = TARGET_BYTES) -> bytes:
    """``rows`` rows of about ``target / rows`` bytes each, CRLF line ends, ISO-8859-1;
    every description has a quoted ``;``, doubled quotes and a quoted line break."""
    per_row = target // rows
    lines = [HEADER]
    for i in range(rows):
        head = (
            f"BR-MPF-2026-{i:05d};{_COUNTRIES[i % len(_COUNTRIES)]};{1 + i % 28:02d}/"
            f"{1 + i % 12:02d}/2026;{_LABELS[i % len(_LABELS)]};"
        )
        tail = (
            f";JOÃO PAULO ASSUNÇÃO|MARIA JOSE BENITEZ|CARLOS ALBERTO DUARTE;"
            f"{1 + i % 28:02d}/03/1975||01/01/1980;Foz do Iguaçu;PR;-25,5163;-54,5854;PRY|ARG;"
            f"{i % 3}"
        )
        room = per_row - len(head) - len(tail) - 40
        facts = (_FACT * (room // len(_FACT) + 1))[: max(room, 0)]
        lines.append(f'{head}"Caso {i}: ""empresa de fachada""\r\n{facts}"{tail}')
    return ("\r\n".join(lines) + "\r\n").encode("iso-8859-1")
