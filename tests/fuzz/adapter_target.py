"""Harness for one adapter: any native bytes through ``translate``.

The contract: ``translate`` never raises, gives at least one result, and every bad input
becomes a :class:`Rejected` that says why. ``translate`` also turns an unexpected
exception out of ``parse`` into a rejection ("adapter error: ..."), so that the message
is not lost in production; here that is a finding, so it is raised again from ``parse``
with its own traceback. Every translated event must encode for the wire.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from pydantic import ValidationError

from adapters.sdk import Rejected, get_adapter, translate
from adapters.sdk.contract import Adapter, Reject
from contract.envelope import to_kafka
from tests.fuzz.finding import Finding

#: a fixed reception time, so that a replayed input behaves the same
RECEIVED = datetime(2026, 11, 30, 12, 0, 0, tzinfo=UTC)

#: the SDK's words for an exception it caught out of ``parse`` or ``finish``
ADAPTER_ERROR = "adapter error:"

Harness = Callable[[bytes], None]


def check_translate(adapter: Adapter, native: bytes) -> None:
    results = translate(adapter, native, received=RECEIVED)
    if not results:
        raise Finding("translate gave no result: the message would be lost")
    for result in results:
        if isinstance(result, Rejected):
            if not result.reason.strip():
                raise Finding("a rejection without a reason")
            if result.reason.startswith(ADAPTER_ERROR):
                _raise_from_parse(adapter, native)
                raise Finding(f"{result.error_class} at stage {result.stage}: {result.reason}")
        else:
            to_kafka(result.event)


def _raise_from_parse(adapter: Adapter, native: bytes) -> None:
    """Run ``parse`` bare, so that its exception carries its own traceback."""
    try:
        list(adapter.parse(native))
    except (Reject, ValidationError, RecursionError):
        return


def adapter_harness(slug: str) -> Harness:
    adapter = get_adapter(slug)

    def one_input(data: bytes) -> None:
        check_translate(adapter, data)

    return one_input
