"""The ameripol network (American Police Community): formatted plain-text police
messages, an ``ACUSE DE RECIBO`` message back."""

from __future__ import annotations

from collections.abc import Iterable
from typing import ClassVar

from adapters.ameripol.parse import parse_message
from adapters.ameripol.render import acuse_de_recibo
from adapters.sdk.contract import Adapter, Draft, Receipt, Rejected


class AmeripolAdapter(Adapter):
    slug: ClassVar[str] = "ameripol"
    title: ClassVar[str] = "American Police Community"
    media_type: ClassVar[str] = "text/plain; charset=utf-8"
    #: an alert is a few kilobytes of teleprinter text; 1 MiB leaves room for long texts
    max_bytes: ClassVar[int] = 1024 * 1024
    replies: ClassVar[bool] = True
    suffix: ClassVar[str] = ".txt"

    def parse(self, native: bytes) -> Iterable[Draft | Rejected]:
        return [parse_message(native)]

    def render(self, receipt: Receipt) -> bytes | None:
        return acuse_de_recibo(receipt)
