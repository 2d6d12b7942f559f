"""The hub's receipt to rempm: one CSV line per row of the batch, in file order.

Every batch gets a receipt, even when no row was accepted: ``RECEBIDO`` lines carry the
CCA case id, ``REJEITADO`` lines the reason. A file refused as a whole (unreadable header,
no rows, over the size limit) has no rows to list; its receipt holds one ``REJEITADO`` line
with an empty ``protocolo`` and the reason, so the sender learns the batch went nowhere.
"""

from __future__ import annotations

import csv
import io

from adapters.rempm.rows import ENCODING, SEPARATOR
from adapters.sdk.contract import Receipt
from contract.quoting import ELLIPSIS

HEADER = ("protocolo", "status", "caso_cca", "motivo")
RECEIVED = "RECEBIDO"
REJECTED = "REJEITADO"

_Line = tuple[str, str, str, str]
#: ISO-8859-1 has no "…": a shortened value in a reason is marked with three dots instead
_LATIN1_ELLIPSIS = "..."


def _motivo(reason: str) -> str:
    """A reason as the receipt's ``motivo`` column carries it: one line, Latin-1 spelling."""
    return " ".join(reason.split()).replace(ELLIPSIS, _LATIN1_ELLIPSIS)


def receipt_csv(receipt: Receipt) -> bytes:
    """``protocolo;status;caso_cca;motivo`` in ISO-8859-1, ``\\r\\n`` line ends."""
    numbered: list[tuple[int, _Line]] = []
    whole: list[_Line] = []
    for event, record in zip(receipt.accepted, receipt.accepted_records, strict=False):
        line = (event.data.reference, RECEIVED, event.caseid, "")
        (whole.append(line) if record is None else numbered.append((record, line)))
    for rejection in receipt.rejected:
        line = (rejection.reference or "", REJECTED, "", _motivo(rejection.reason))
        (
            whole.append(line)
            if rejection.record is None
            else numbered.append((rejection.record, line))
        )
    numbered.sort(key=lambda item: item[0])
    out = io.StringIO()
    writer = csv.writer(out, delimiter=SEPARATOR, quotechar='"', lineterminator="\r\n")
    writer.writerow(HEADER)
    writer.writerows(line for _, line in numbered)
    writer.writerows(whole)
    return out.getvalue().encode(ENCODING, errors="replace")
