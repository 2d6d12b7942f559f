"""The refco network (Prosecutors Network against Organized Crime of Central America and
the Dominican Republic): JSON case referrals with Spanish keys, JSON receipts back."""

from __future__ import annotations

from collections.abc import Iterable
from typing import ClassVar

from adapters.refco.parse import parse_message
from adapters.refco.render import acuse_recibo
from adapters.sdk.contract import Adapter, Draft, Receipt, Rejected


class RefcoAdapter(Adapter):
    slug: ClassVar[str] = "refco"
    title: ClassVar[str] = (
        "Prosecutors Network against Organized Crime of Central America and the Dominican Republic"
    )
    media_type: ClassVar[str] = "application/json"
    #: a referral is one JSON document of a few kilobytes; 1 MiB leaves room for long facts
    max_bytes: ClassVar[int] = 1024 * 1024
    replies: ClassVar[bool] = True
    suffix: ClassVar[str] = ".json"

    def parse(self, native: bytes) -> Iterable[Draft | Rejected]:
        return [parse_message(native)]

    def render(self, receipt: Receipt) -> bytes | None:
        return acuse_recibo(receipt)
