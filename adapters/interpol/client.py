"""HTTP access to the notices service: bounded, same-origin, retried.

``FeedClient.get`` answers the body of a 200, having waited out 429s (``Retry-After``) and
retried 5xx answers and connection errors with backoff, on the same URL, so a caller
walking a list never loses its place. The transport is a seam: production uses httpx's
default, tests may pass ``httpx.MockTransport``.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from types import TracebackType
from typing import Self

import httpx

from adapters.interpol.backoff import RetryPolicy, Timing
from adapters.interpol.errors import FetchFailed, NotFound, ResponseTooLarge
from adapters.interpol.kinds import FEED_PATHS, NoticeKind
from adapters.interpol.links import LinkGuard

log = logging.getLogger(__name__)

#: The largest response read: a list page of 160 summaries or one detail is far smaller.
MAX_RESPONSE_BYTES = 1024 * 1024


@dataclass
class ClientStats:
    """What the client went through, for reports and tests."""

    requests: int = 0
    throttled: int = 0
    server_errors: int = 0
    connection_errors: int = 0
    retries: int = 0
    waited_seconds: float = 0.0


class FeedClient:
    """GETs on one notices service (``base_url``), with retries and size bounds."""

    def __init__(
        self,
        base_url: str,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
        policy: RetryPolicy | None = None,
        timing: Timing | None = None,
        max_response_bytes: int = MAX_RESPONSE_BYTES,
        timeout: float = 30.0,
        user_agent: str = "cca-hub-interpol-poller/1",
    ) -> None:
        self.links = LinkGuard(base_url)
        self.policy = policy or RetryPolicy()
        self.timing = timing or Timing()
        self.max_response_bytes = max_response_bytes
        self.stats = ClientStats()
        self._http = httpx.AsyncClient(
            transport=transport,
            timeout=timeout,
            follow_redirects=False,
            trust_env=False,
            headers={"Accept": "application/json", "User-Agent": user_agent},
        )

    @property
    def base_url(self) -> str:
        return self.links.base_url

    def list_url(self, kind: NoticeKind, result_per_page: int) -> str:
        """The first list page of a kind."""
        return (
            f"{self.base_url}/notices/v1/{FEED_PATHS[kind]}?page=1&resultPerPage={result_per_page}"
        )

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        await self._http.aclose()

    async def get(self, url: str) -> bytes:
        """The body of a 200 answer to ``GET url``.

        Raises UnsafeLink (off-origin URL), NotFound (404), ResponseTooLarge, or FetchFailed
        (another refused status, or every attempt used up)."""
        self.links.check(url)
        last = "no attempt made"
        for attempt in range(1, self.policy.max_attempts + 1):
            if attempt > 1:
                self.stats.retries += 1
            self.stats.requests += 1
            try:
                async with self._http.stream("GET", url) as response:
                    status = response.status_code
                    if status == 200:
                        return await self._read(response, url)
                    delay, last = self._verdict(response, url, attempt)
            except httpx.InvalidURL as exc:
                raise FetchFailed(f"GET {url}: not a URL the client can use ({exc})") from None
            except httpx.RequestError as exc:  # connection, timeout, protocol, decoding
                self.stats.connection_errors += 1
                last = f"connection error: {type(exc).__name__}"
                delay = self.policy.backoff(attempt, self.timing.random())
            if attempt < self.policy.max_attempts:
                log.info("GET %s: %s; retrying in %.1f s", url, last, delay)
                self.stats.waited_seconds += delay
                await self.timing.sleep(delay)
        raise FetchFailed(f"GET {url}: gave up after {self.policy.max_attempts} attempts ({last})")

    def _verdict(self, response: httpx.Response, url: str, attempt: int) -> tuple[float, str]:
        """The delay before retrying a non-200 answer, or the error that ends the request."""
        status = response.status_code
        if status == 429:
            self.stats.throttled += 1
            asked = self.policy.retry_after(response.headers.get("Retry-After"), self.timing.now())
            delay = (
                asked if asked is not None else self.policy.backoff(attempt, self.timing.random())
            )
            return delay, "429 too many requests"
        if 500 <= status <= 599:
            self.stats.server_errors += 1
            return self.policy.backoff(attempt, self.timing.random()), f"server error {status}"
        if status == 404:
            raise NotFound(f"GET {url}: 404 not found")
        if 300 <= status <= 399:
            raise FetchFailed(f"GET {url}: redirect {status} refused (configure the final URL)")
        raise FetchFailed(f"GET {url}: refused with status {status}")

    async def _read(self, response: httpx.Response, url: str) -> bytes:
        limit = self.max_response_bytes
        declared = response.headers.get("Content-Length", "")
        if declared.isascii() and declared.isdigit() and int(declared) > limit:
            raise ResponseTooLarge(f"GET {url}: {declared} bytes announced, over {limit}")
        body = bytearray()
        async for chunk in response.aiter_bytes():
            body += chunk
            if len(body) > limit:
                raise ResponseTooLarge(f"GET {url}: response over {limit} bytes, not read further")
        return bytes(body)
