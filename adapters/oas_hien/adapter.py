"""The oas-hien network: OAS Hemispheric Information Exchange Network (MLA and extradition)."""

from __future__ import annotations

from collections.abc import Iterable

from adapters.oas_hien.parse import parse_document
from adapters.oas_hien.render import render_receipt
from adapters.oas_hien.vocabulary import MAX_BYTES, SLUG
from adapters.sdk.contract import Adapter, Draft, Receipt, Rejected


class OasHienAdapter(Adapter):
    """XML requests and status updates in namespace ``urn:oas:hien:1.0``; each accepted
    request is acknowledged with a ``StatusUpdate`` ``RECEIVED`` carrying the CCA case id."""

    slug = SLUG
    title = (
        "OAS Hemispheric Information Exchange Network for Mutual Assistance "
        "in Criminal Matters and Extradition"
    )
    media_type = "application/xml"
    suffix = ".xml"
    max_bytes = MAX_BYTES
    replies = True

    def parse(self, native: bytes) -> Iterable[Draft | Rejected]:
        yield parse_document(native)

    def render(self, receipt: Receipt) -> bytes | None:
        return render_receipt(receipt)
