"""The aiamp network (Ibero-American Association of Public Prosecutors): JSON cooperation
requests, spontaneous information and joint-team proposals; JSON receipts back."""

from __future__ import annotations

from collections.abc import Iterable
from typing import ClassVar

from adapters.aiamp.parse import parse_message
from adapters.aiamp.render import acuse
from adapters.sdk.contract import Adapter, Draft, Receipt, Rejected


class AiampAdapter(Adapter):
    slug: ClassVar[str] = "aiamp"
    title: ClassVar[str] = "Ibero-American Association of Public Prosecutors"
    media_type: ClassVar[str] = "application/json"
    #: one JSON document of a few kilobytes; 1 MiB leaves room for long summaries
    max_bytes: ClassVar[int] = 1024 * 1024
    replies: ClassVar[bool] = True
    suffix: ClassVar[str] = ".json"

    def parse(self, native: bytes) -> Iterable[Draft | Rejected]:
        return [parse_message(native)]

    def render(self, receipt: Receipt) -> bytes | None:
        return acuse(receipt)
