"""The rempm network (Specialized Meeting of Mercosur Public Prosecutors): CSV batches of
case summaries in ISO-8859-1, a CSV receipt back listing every row."""

from __future__ import annotations

from collections.abc import Iterable
from typing import ClassVar

from adapters.rempm.parse import parse_batch
from adapters.rempm.render import receipt_csv
from adapters.sdk.contract import Adapter, Draft, Receipt, Rejected


class RempmAdapter(Adapter):
    slug: ClassVar[str] = "rempm"
    title: ClassVar[str] = "Specialized Meeting of Mercosur Public Prosecutors"
    media_type: ClassVar[str] = "text/csv; charset=iso-8859-1"
    #: a batch is up to 20 MB (5,000 rows); the margin keeps a full batch with CRLF ends in
    max_bytes: ClassVar[int] = 24 * 1024 * 1024
    replies: ClassVar[bool] = True
    #: one receipt per batch, listing every row, rendered when the file is translated
    batch_receipts: ClassVar[bool] = True
    suffix: ClassVar[str] = ".csv"

    def parse(self, native: bytes) -> Iterable[Draft | Rejected]:
        """Streams the rows: a whole batch is never held twice in memory."""
        return parse_batch(native)

    def render(self, receipt: Receipt) -> bytes | None:
        """Always a receipt: the network expects one per batch, even with no row accepted."""
        return receipt_csv(receipt)
