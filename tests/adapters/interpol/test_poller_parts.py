"""The poller's small parts on their own: backoff and Retry-After, link checks, the state
file, and the client through httpx.MockTransport."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest

from adapters.interpol.backoff import RetryPolicy, Timing
from adapters.interpol.client import FeedClient
from adapters.interpol.errors import FetchFailed, NotFound, ResponseTooLarge, StateError, UnsafeLink
from adapters.interpol.links import LinkGuard
from adapters.interpol.state import NoticeState

NOW = datetime(2026, 11, 30, 12, 0, 0, tzinfo=UTC)
DIGEST = "0f" * 32


def test_backoff_doubles_up_to_its_cap_and_jitter_stays_within_half_and_full() -> None:
    policy = RetryPolicy(base_delay=1.0, max_delay=10.0)
    assert [policy.backoff(n, 1.0) for n in range(1, 6)] == [1.0, 2.0, 4.0, 8.0, 10.0]
    assert policy.backoff(3, 0.0) == 2.0
    assert policy.backoff(10_000, 0.5) == 7.5


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("30", 30.0),
        ("0", 0.0),
        ("100000", 300.0),
        ("Mon, 30 Nov 2026 12:01:00 GMT", 60.0),
        ("Mon, 30 Nov 2026 11:00:00 GMT", 0.0),
        ("soon", None),
        ("", None),
        (None, None),
        ("-5", None),
    ],
)
def test_retry_after_reads_seconds_or_an_http_date_and_is_capped(
    header: str | None, expected: float | None
) -> None:
    assert RetryPolicy(max_retry_after=300.0).retry_after(header, NOW) == expected


def test_a_retry_policy_refuses_nonsense_settings() -> None:
    with pytest.raises(ValueError, match="max_attempts"):
        RetryPolicy(max_attempts=0)


@pytest.mark.parametrize(
    "href",
    [
        "https://other.example/notices/v1/red?page=2",
        "http://notices.example/notices/v1/red?page=2",
        "https://notices.example:8443/notices/v1/red?page=2",
        "https://user:pw@notices.example/notices/v1/red?page=2",
        "file:///etc/passwd",
        "//other.example/x",
        "https://notices.example/a b",
    ],
)
def test_links_off_the_base_origin_are_refused(href: str) -> None:
    guard = LinkGuard("https://notices.example/")
    with pytest.raises(UnsafeLink):
        guard.follow("https://notices.example/notices/v1/red?page=1", href)


def test_relative_and_same_origin_links_are_resolved_against_their_page() -> None:
    guard = LinkGuard("https://Notices.example:443")
    page = "https://notices.example/notices/v1/red?page=1&resultPerPage=20"
    assert guard.follow(page, "?page=2&resultPerPage=20") == (
        "https://notices.example/notices/v1/red?page=2&resultPerPage=20"
    )
    assert (
        guard.follow(page, "red/2021-75051") == "https://notices.example/notices/v1/red/2021-75051"
    )


def test_state_round_trips_through_its_file(tmp_path: Path) -> None:
    path = tmp_path / "state.json"
    state = NoticeState.load(path)
    state.put("RED", "2021/75051", DIGEST)
    state.put("UN", "2019/1", DIGEST)
    state.save()
    again = NoticeState.load(path)
    assert again.get("RED", "2021/75051") == DIGEST
    assert again.ids("UN") == {"2019/1"}
    assert again.ids("YELLOW") == set()
    assert [p.name for p in tmp_path.iterdir()] == ["state.json"]


@pytest.mark.parametrize(
    "content",
    [
        b"{not json",
        b'{"version": 99, "notices": {}}',
        b'{"version": 1, "notices": {"RED": {"a": "x"}}}',
    ],
)
def test_an_unreadable_state_file_stops_the_poller_instead_of_being_reset(
    tmp_path: Path, content: bytes
) -> None:
    path = tmp_path / "state.json"
    path.write_bytes(content)
    with pytest.raises(StateError):
        NoticeState.load(path)


def test_a_failed_save_leaves_the_previous_state_and_no_temporary_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "state.json"
    state = NoticeState.load(path)
    state.put("RED", "2021/1", DIGEST)
    state.save()
    state.put("RED", "2021/2", DIGEST)

    def broken(src: object, dst: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr("adapters.interpol.state.os.replace", broken)
    with pytest.raises(OSError, match="disk full"):
        state.save()
    assert NoticeState.load(path).ids("RED") == {"2021/1"}
    assert [p.name for p in tmp_path.iterdir()] == ["state.json"]


def _client(
    handler: httpx.MockTransport, delays: list[float], max_response_bytes: int = 1 << 20
) -> FeedClient:
    async def sleep(seconds: float) -> None:
        delays.append(seconds)

    return FeedClient(
        "https://notices.example",
        transport=handler,
        policy=RetryPolicy(max_attempts=3, base_delay=1.0),
        timing=Timing(sleep=sleep, now=lambda: NOW, random=lambda: 0.0),
        max_response_bytes=max_response_bytes,
    )


async def test_the_client_gives_up_after_its_attempts_and_says_why() -> None:
    calls: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(str(request.url))
        return httpx.Response(502)

    delays: list[float] = []
    async with _client(httpx.MockTransport(handler), delays) as client:
        with pytest.raises(FetchFailed, match="gave up after 3 attempts"):
            await client.get("https://notices.example/notices/v1/red?page=1")
        assert client.stats.server_errors == 3
    assert len(calls) == 3
    assert delays == [0.5, 1.0]


@pytest.mark.parametrize(
    ("status", "error"), [(404, NotFound), (403, FetchFailed), (301, FetchFailed)]
)
async def test_the_client_does_not_retry_refusals(status: int, error: type[Exception]) -> None:
    calls: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(str(request.url))
        return httpx.Response(status, headers={"Location": "https://elsewhere.example/"})

    async with _client(httpx.MockTransport(handler), []) as client:
        with pytest.raises(error):
            await client.get("https://notices.example/notices/v1/red/2021-1")
    assert len(calls) == 1


async def test_the_client_refuses_a_body_over_its_bound_even_without_content_length() -> None:
    async def chunks() -> AsyncIterator[bytes]:
        for _ in range(10):
            yield b"x" * 1000

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, content=chunks())

    async with _client(httpx.MockTransport(handler), [], max_response_bytes=5000) as client:
        with pytest.raises(ResponseTooLarge):
            await client.get("https://notices.example/notices/v1/red/2021-1")


async def test_the_client_refuses_a_url_off_its_origin_before_any_request() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        raise AssertionError("no request may be sent")

    async with _client(httpx.MockTransport(handler), []) as client:
        with pytest.raises(UnsafeLink):
            await client.get("https://evil.example/notices/v1/red")


async def test_the_client_answers_the_body_of_a_200() -> None:
    document = {"total": 0, "_embedded": {"notices": []}}

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json=document)

    async with _client(httpx.MockTransport(handler), []) as client:
        body = await client.get(client.list_url("UN", 20))
    assert json.loads(body) == document
