"""The interpol adapter: INTERPOL-style notice feed documents → ``cca.notice.v1``.

The feed is read-only (no replies). Offline, ``hub translate interpol FILE`` takes a list
page or a notice detail; online, ``adapters.interpol.poller`` polls the service.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import ClassVar

from adapters.interpol.parse import parse_document
from adapters.sdk.contract import Adapter, Draft, Rejected


class InterpolAdapter(Adapter):
    slug: ClassVar[str] = "interpol"
    title: ClassVar[str] = "INTERPOL-style notice feed"
    media_type: ClassVar[str] = "application/json"
    max_bytes: ClassVar[int] = 1024 * 1024
    replies: ClassVar[bool] = False
    suffix: ClassVar[str] = ".json"

    def parse(self, native: bytes) -> Iterable[Draft | Rejected]:
        return parse_document(native)
