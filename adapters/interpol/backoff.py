"""When to try again: exponential backoff with jitter, and the server's ``Retry-After``.

Time is injected (``Timing``) so that tests record the delays instead of sleeping.
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime


def _now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class Timing:
    """The clock, the sleep and the jitter source the client uses."""

    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep
    now: Callable[[], datetime] = _now
    random: Callable[[], float] = field(default=random.random)


@dataclass(frozen=True)
class RetryPolicy:
    """How hard to insist on one request before giving up on it."""

    #: tries per request, the first included
    max_attempts: int = 6
    #: the first backoff delay (seconds); doubled at each retry
    base_delay: float = 1.0
    #: the longest backoff delay
    max_delay: float = 60.0
    #: the longest wait a server's ``Retry-After`` may impose
    max_retry_after: float = 300.0

    def __post_init__(self) -> None:
        if self.max_attempts < 1:
            raise ValueError("max_attempts must be at least 1")
        if not 0 <= self.base_delay <= self.max_delay or self.max_retry_after < 0:
            raise ValueError("delays must be 0 <= base_delay <= max_delay, max_retry_after >= 0")

    def backoff(self, retry: int, jitter: float) -> float:
        """The delay before retry ``retry`` (1 = the first retry): ``base · 2^(retry-1)``, capped
        at ``max_delay``, scaled by a jitter factor in [0.5, 1] so clients do not retry in
        step."""
        ceiling = min(self.max_delay, self.base_delay * 2.0 ** min(retry - 1, 62))
        return ceiling * (0.5 + min(max(jitter, 0.0), 1.0) / 2)

    def retry_after(self, header: str | None, now: datetime) -> float | None:
        """Seconds a ``Retry-After`` header asks for (delta-seconds or an HTTP date), capped
        at ``max_retry_after``; None when absent or unreadable."""
        if header is None or not header.strip() or len(header) > 100:
            return None
        value = header.strip()
        if value.isascii() and value.isdigit():
            return min(float(int(value)), self.max_retry_after)
        try:
            when = parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError):
            return None
        if when.tzinfo is None:
            when = when.replace(tzinfo=UTC)
        seconds = (when - now).total_seconds()
        return min(max(seconds, 0.0), self.max_retry_after)
