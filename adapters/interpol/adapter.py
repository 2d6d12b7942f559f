"""The interpol adapter: INTERPOL-style notice feed documents → ``cca.notice.v1``.

The feed is read-only (no replies) and polled: offline, ``hub translate interpol FILE``
takes a list page or a notice detail; online, the hub runs the poller this adapter builds
(``adapters.interpol.poller``).
"""

from __future__ import annotations

from collections.abc import Iterable
from contextlib import AbstractContextManager
from typing import ClassVar

from adapters.interpol.parse import parse_document
from adapters.interpol.poller import NoticePoller, notice_poller
from adapters.sdk.contract import Draft, Rejected
from adapters.sdk.polled import PollConfig, PolledAdapter


class InterpolAdapter(PolledAdapter):
    slug: ClassVar[str] = "interpol"
    title: ClassVar[str] = "INTERPOL-style notice feed"
    media_type: ClassVar[str] = "application/json"
    max_bytes: ClassVar[int] = 1024 * 1024
    replies: ClassVar[bool] = False
    suffix: ClassVar[str] = ".json"

    def parse(self, native: bytes) -> Iterable[Draft | Rejected]:
        return parse_document(native)

    def poller(self, config: PollConfig) -> NoticePoller:
        return notice_poller(config)

    def demo_source(self) -> AbstractContextManager[str]:
        from adapters.interpol.testing import demo_feed  # an HTTP server: only for the demo

        return demo_feed()
