"""The hub's reply to ameripol: an ``ACUSE DE RECIBO`` message per accepted alert."""

from __future__ import annotations

from adapters.ameripol.dtg import format_dtg
from adapters.sdk.contract import Receipt


def acuse_de_recibo(receipt: Receipt) -> bytes | None:
    """The network's own layout, UTF-8, ``\\n`` line ends; None when the alert went to the
    dead-letter topic (nothing was accepted, so there is no case to name)."""
    if not receipt.accepted:
        return None
    event = receipt.accepted[0]
    lines = (
        f"AMERIPOL//ACUSE DE RECIBO//NR {event.data.reference}",
        "DE: CCA",
        f"PARA: {event.data.origin.authority or ''}".rstrip(),
        f"FECHA: {format_dtg(receipt.received)}",
        f"CASO CCA: {event.caseid}",
        "FIN DEL MENSAJE",
    )
    return "".join(line + "\n" for line in lines).encode("utf-8")
