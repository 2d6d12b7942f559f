"""The poller against a real HTTP server on loopback: paging, change detection across a
restart, withdrawals (and none after a failed listing), 429, 5xx, dropped connections and
foreign links. Sleeps are recorded, never slept."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from adapters.interpol.backoff import RetryPolicy, Timing
from adapters.interpol.client import FeedClient
from adapters.interpol.document import content_hash
from adapters.interpol.poller import KindReport, NoticePoller, PollerSettings, Update
from adapters.interpol.state import NoticeState
from adapters.interpol.testing import (
    Answer,
    FeedServer,
    detail_target,
    json_answer,
    list_target,
    publish_notices,
    red_detail,
    running_feed,
    yellow_detail,
)
from adapters.sdk.contract import Draft, Rejected
from schemas import Notice

NOW = datetime(2026, 11, 30, 12, 0, 0, tzinfo=UTC)
PER_PAGE = 3
RED_IDS = [f"2026/{n}" for n in range(10001, 10008)]  # 7 notices: pages of 3, 3 and 1


@dataclass
class Sleeps:
    """An injected sleep that records what it was asked to wait."""

    delays: list[float] = field(default_factory=list)

    async def sleep(self, seconds: float) -> None:
        self.delays.append(seconds)


@dataclass
class Harness:
    feed: FeedServer
    state_path: Path
    sleeps: Sleeps = field(default_factory=Sleeps)
    policy: RetryPolicy = field(
        default_factory=lambda: RetryPolicy(max_attempts=4, base_delay=0.5, max_delay=8.0)
    )

    def timing(self) -> Timing:
        return Timing(sleep=self.sleeps.sleep, now=lambda: NOW, random=lambda: 1.0)

    async def poll(self, **settings: object) -> tuple[list[Update], list[KindReport]]:
        """One poll by a fresh poller (as after a restart) over the saved state."""
        published: list[Update] = []

        async def publish(update: Update) -> None:
            published.append(update)

        options = PollerSettings(result_per_page=PER_PAGE, **settings)  # type: ignore[arg-type]
        async with FeedClient(
            self.feed.base_url, policy=self.policy, timing=self.timing()
        ) as client:
            poller = NoticePoller(client, NoticeState.load(self.state_path), options)
            reports = await poller.run_once(publish)
        return published, reports


@pytest.fixture
def feed() -> Iterator[FeedServer]:
    with running_feed() as server:
        yield server


@pytest.fixture
def harness(feed: FeedServer, tmp_path: Path) -> Harness:
    publish_notices(feed, "RED", [red_detail(i) for i in RED_IDS], PER_PAGE)
    publish_notices(feed, "YELLOW", [yellow_detail("2025/4418")], PER_PAGE)
    publish_notices(feed, "UN", [], PER_PAGE)
    return Harness(feed, tmp_path / "state" / "interpol.json")


def ids(updates: list[Update]) -> list[str]:
    return [u.entity_id for u in updates]


def notice_of(update: Update) -> Notice:
    assert isinstance(update.item, Draft)
    assert isinstance(update.item.data, Notice)
    return update.item.data


def report_of(reports: list[KindReport], kind: str) -> KindReport:
    return next(r for r in reports if r.kind == kind)


async def test_the_first_poll_walks_all_three_pages_and_publishes_every_notice(
    harness: Harness,
) -> None:
    published, reports = await harness.poll()
    assert ids(published) == [*RED_IDS, "2025/4418"]
    red = report_of(reports, "RED")
    assert (red.pages, red.listed, red.new, red.complete, red.errors) == (3, 7, 7, True, [])
    assert report_of(reports, "UN").complete
    first = notice_of(published[0])
    assert first.reference == "2026/10001"
    assert first.notice.kind == "RED"
    assert first.notice.status == "ACTIVE"
    assert first.persons[0].birth_date == "1979-01-17"
    assert [o.iccs for o in first.offences] == ["06012"]
    missing = notice_of(published[-1])
    assert missing.notice.kind == "YELLOW"
    assert (missing.persons[0].role, missing.persons[0].birth_date) == ("MISSING", "1991")
    assert missing.persons[0].nationalities == []
    assert harness.sleeps.delays == []


async def test_a_restarted_poller_publishes_nothing_for_unchanged_notices(
    harness: Harness,
) -> None:
    await harness.poll()
    published, reports = await harness.poll()
    assert published == []
    assert report_of(reports, "RED").unchanged == 7


async def test_after_a_restart_only_the_changed_notice_is_published_with_a_new_event_id(
    harness: Harness,
) -> None:
    first, _ = await harness.poll()
    changed = red_detail(
        RED_IDS[4],
        arrest_warrants=[{"issuing_country_id": "AR", "charge": "Lavado de activos"}],
    )
    publish_notices(
        harness.feed,
        "RED",
        [*(red_detail(i) for i in RED_IDS[:4]), changed, *(red_detail(i) for i in RED_IDS[5:])],
        PER_PAGE,
    )
    published, reports = await harness.poll()
    assert ids(published) == [RED_IDS[4]]
    assert report_of(reports, "RED").changed == 1
    before = next(u for u in first if u.entity_id == RED_IDS[4])
    assert published[0].digest != before.digest
    assert [o.iccs for o in notice_of(published[0]).offences] == ["07041"]


async def test_the_same_content_always_gives_the_same_record_bytes(harness: Harness) -> None:
    first, _ = await harness.poll()
    harness.state_path.unlink()
    again, _ = await harness.poll()
    assert [u.digest for u in again] == [u.digest for u in first]
    for update in again:
        assert isinstance(update.item, Draft)
        assert content_hash(update.item.record_bytes) == update.digest


async def test_a_notice_that_leaves_the_list_is_withdrawn_once(harness: Harness) -> None:
    first, _ = await harness.poll()
    gone = RED_IDS[2]
    publish_notices(harness.feed, "RED", [red_detail(i) for i in RED_IDS if i != gone], PER_PAGE)
    harness.feed.remove(list_target("RED", 3, PER_PAGE))  # the list is now two pages long
    published, reports = await harness.poll()
    assert ids(published) == [gone]
    withdrawal = published[0]
    assert withdrawal.withdrawn
    notice = notice_of(withdrawal)
    assert (notice.reference, notice.notice.kind, notice.notice.status) == (
        gone,
        "RED",
        "WITHDRAWN",
    )
    active = next(u for u in first if u.entity_id == gone)
    assert withdrawal.digest != active.digest
    assert withdrawal.native.startswith(b"WITHDRAWN\n")
    assert report_of(reports, "RED").withdrawn == 1
    assert gone not in NoticeState.load(harness.state_path).ids("RED")
    published, _ = await harness.poll()
    assert published == []


async def test_a_failed_listing_withdraws_nothing(harness: Harness) -> None:
    await harness.poll()
    page2 = list_target("RED", 2, PER_PAGE)
    harness.feed.set(page2, json_answer({"error": "unavailable"}, 503))
    before = harness.feed.count(page2)
    published, reports = await harness.poll()
    red = report_of(reports, "RED")
    assert not red.complete
    assert red.withdrawn == 0
    assert not any(u.withdrawn for u in published)
    assert harness.feed.count(page2) - before == harness.policy.max_attempts
    assert harness.sleeps.delays == [0.5, 1.0, 2.0]
    assert NoticeState.load(harness.state_path).ids("RED") == set(RED_IDS)


async def test_a_listing_whose_count_disagrees_with_its_total_withdraws_nothing(
    harness: Harness,
) -> None:
    await harness.poll()
    gone = RED_IDS[-1]
    publish_notices(harness.feed, "RED", [red_detail(i) for i in RED_IDS if i != gone], PER_PAGE)
    first_page = list_target("RED", 1, PER_PAGE)
    page = json_answer({**_document(harness.feed, first_page), "total": 7})
    harness.feed.set(first_page, page)
    published, reports = await harness.poll()
    assert published == []
    red = report_of(reports, "RED")
    assert not red.complete
    assert any("not consistent" in e for e in red.errors)


async def test_429_waits_the_retry_after_seconds_then_carries_on_with_the_same_page(
    harness: Harness,
) -> None:
    page2 = list_target("RED", 2, PER_PAGE)
    harness.feed.script(page2, Answer(429, b"slow down", (("Retry-After", "7"),)))
    published, reports = await harness.poll()
    assert harness.sleeps.delays == [7.0]
    assert harness.feed.count(page2) == 2
    assert ids(published)[:7] == RED_IDS
    assert report_of(reports, "RED").complete


async def test_429_with_an_http_date_waits_until_that_date_capped(harness: Harness) -> None:
    harness.policy = RetryPolicy(max_attempts=4, base_delay=0.5, max_retry_after=60.0)
    detail = detail_target("RED", RED_IDS[0])
    harness.feed.script(
        detail,
        Answer(429, b"", (("Retry-After", "Mon, 30 Nov 2026 12:00:42 GMT"),)),
        Answer(429, b"", (("Retry-After", "Tue, 01 Dec 2026 12:00:00 GMT"),)),
    )
    published, _ = await harness.poll()
    assert harness.sleeps.delays == [42.0, 60.0]
    assert ids(published)[0] == RED_IDS[0]


async def test_server_errors_are_retried_with_backoff_without_losing_the_place(
    harness: Harness,
) -> None:
    page2 = list_target("RED", 2, PER_PAGE)
    harness.feed.script(page2, json_answer({"e": 1}, 500), Answer(503))
    published, reports = await harness.poll()
    red_requests = [t for t in harness.feed.requests if t.startswith("/notices/v1/red?")]
    assert red_requests == [
        list_target("RED", 1, PER_PAGE),
        page2,
        page2,
        page2,
        list_target("RED", 3, PER_PAGE),
    ]
    assert harness.sleeps.delays == [0.5, 1.0]  # exponential; jitter factor pinned at 1
    assert ids(published)[:7] == RED_IDS
    assert report_of(reports, "RED").complete


async def test_a_dropped_connection_is_retried(harness: Harness) -> None:
    detail = detail_target("RED", RED_IDS[3])
    harness.feed.script(detail, Answer(drop=True))
    published, _reports = await harness.poll()
    assert harness.feed.count(detail) == 2
    assert ids(published)[:7] == RED_IDS
    assert harness.sleeps.delays == [0.5]


async def test_a_next_link_to_a_foreign_host_is_refused_and_nothing_is_withdrawn(
    harness: Harness,
) -> None:
    await harness.poll()
    first_page = list_target("RED", 1, PER_PAGE)
    document = _document(harness.feed, first_page)
    document["_links"]["next"] = {"href": "http://notices.evil.example/notices/v1/red?page=2"}
    harness.feed.set(first_page, json_answer(document))
    published, reports = await harness.poll()
    red = report_of(reports, "RED")
    assert not red.complete
    assert any("refused" in e and "notices.evil.example" in e for e in red.errors)
    assert published == []
    assert NoticeState.load(harness.state_path).ids("RED") == set(RED_IDS)


async def test_a_detail_link_to_another_port_is_not_followed(harness: Harness) -> None:
    first_page = list_target("RED", 1, PER_PAGE)
    document = _document(harness.feed, first_page)
    document["_embedded"]["notices"][0]["_links"]["self"]["href"] = "http://127.0.0.1:9/x"
    harness.feed.set(first_page, json_answer(document))
    published, reports = await harness.poll()
    assert RED_IDS[0] not in ids(published)
    red = report_of(reports, "RED")
    assert red.failed == 1
    assert any(RED_IDS[0] in e and "refused" in e for e in red.errors)


async def test_an_unreadable_detail_comes_out_as_a_rejection_once(harness: Harness) -> None:
    bad = detail_target("RED", RED_IDS[1])
    harness.feed.set(bad, json_answer(red_detail(RED_IDS[1], date_of_birth="1979/02/30")))
    published, reports = await harness.poll()
    rejected = [u for u in published if isinstance(u.item, Rejected)]
    assert [u.entity_id for u in rejected] == [RED_IDS[1]]
    assert "date_of_birth '1979/02/30'" in rejected[0].item.reason  # type: ignore[union-attr]
    assert report_of(reports, "RED").rejected == 1
    again, _ = await harness.poll()
    assert again == []


async def test_an_oversized_detail_is_not_read(harness: Harness) -> None:
    big = detail_target("RED", RED_IDS[0])
    harness.feed.set(big, Answer(200, b'{"entity_id": "' + b"x" * 2_000_000 + b'"}'))
    published, reports = await harness.poll()
    assert RED_IDS[0] not in ids(published)
    assert any("over" in e for e in report_of(reports, "RED").errors)
    assert harness.feed.count(big) == 1


async def test_a_notice_whose_detail_is_gone_is_skipped_not_withdrawn(harness: Harness) -> None:
    await harness.poll()
    harness.feed.remove(detail_target("RED", RED_IDS[0]))
    published, reports = await harness.poll()
    assert published == []
    assert report_of(reports, "RED").gone == 1


async def test_a_failed_publication_is_not_recorded_and_comes_again(harness: Harness) -> None:
    attempts: list[str] = []

    async def flaky(update: Update) -> None:
        attempts.append(update.entity_id)
        if update.entity_id == RED_IDS[2]:
            raise ConnectionError("broker unavailable")

    async with FeedClient(harness.feed.base_url, timing=harness.timing()) as client:
        poller = NoticePoller(
            client, NoticeState.load(harness.state_path), PollerSettings(result_per_page=PER_PAGE)
        )
        with pytest.raises(ConnectionError):
            await poller.run_once(flaky)
    assert attempts == RED_IDS[:3]
    assert NoticeState.load(harness.state_path).ids("RED") == set(RED_IDS[:2])
    published, _ = await harness.poll()
    assert ids(published) == [*RED_IDS[2:], "2025/4418"]


async def test_a_crash_before_commit_republishes_the_same_updates(harness: Harness) -> None:
    async with FeedClient(harness.feed.base_url, timing=harness.timing()) as client:
        poller = NoticePoller(
            client, NoticeState.load(harness.state_path), PollerSettings(result_per_page=PER_PAGE)
        )
        first = [u async for u in _confirming(poller)]  # published and confirmed, never committed
    again, _ = await harness.poll()
    assert [(u.entity_id, u.digest) for u in again] == [(u.entity_id, u.digest) for u in first]


async def _confirming(poller: NoticePoller) -> AsyncIterator[Update]:
    async for update in poller.poll():
        poller.confirm(update)
        yield update


def _document(feed: FeedServer, target: str) -> dict[str, Any]:
    document: dict[str, Any] = json.loads(feed.steady[target].body)
    return document


async def test_details_failing_in_a_row_stop_the_kind_and_withdraw_nothing(
    harness: Harness,
) -> None:
    await harness.poll()
    gone = RED_IDS[-1]
    publish_notices(harness.feed, "RED", [red_detail(i) for i in RED_IDS if i != gone], PER_PAGE)
    harness.feed.remove(list_target("RED", 3, PER_PAGE))
    for entity_id in RED_IDS:
        harness.feed.set(detail_target("RED", entity_id), Answer(500))
    published, reports = await harness.poll(max_consecutive_failures=2)
    red = report_of(reports, "RED")
    assert (red.listed, red.failed, red.withdrawn, red.complete) == (6, 2, 0, False)
    assert any("stopped after 2 failed details in a row" in e for e in red.errors)
    assert published == []
    assert gone in NoticeState.load(harness.state_path).ids("RED")


async def test_a_service_that_is_down_publishes_and_withdraws_nothing(harness: Harness) -> None:
    await harness.poll()
    with running_feed() as stopped:
        base = stopped.base_url  # a port that nothing listens on once the server stops
    harness.feed = FeedServer(base_url=base)
    published, reports = await harness.poll()
    assert published == []
    assert all(not r.complete and r.listed == 0 for r in reports)
    assert all("connection error" in r.errors[0] for r in reports)
    assert harness.sleeps.delays == [0.5, 1.0, 2.0] * 3
    assert NoticeState.load(harness.state_path).ids("RED") == set(RED_IDS)
