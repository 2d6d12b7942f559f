"""Polling the notices service: publish what is new or changed, announce what vanished.

For each kind (red, yellow, UN) the poller walks the whole list (``_links.next`` until
absent), then GETs each listed notice's detail, hashes its canonical content and yields an
``Update`` only when the hash differs from the one recorded for that notice. After a
complete, consistent listing, every notice recorded before but no longer listed yields a
WITHDRAWN update; a listing that failed or does not add up withdraws nothing.

The poller never publishes itself. The caller publishes each update, then ``confirm``s it;
``commit`` persists the confirmed hashes. A crash between publishing and committing
publishes those updates again on restart (at-least-once); their event ids are unchanged, so
the hub drops the duplicates.

    async for update in poller.poll():
        await publish(update)
        poller.confirm(update)
    await poller.commit()

or ``await poller.run_once(publish)``, which does exactly that. ``notice_poller`` builds
one from the hub's generic settings (``adapters.sdk.polled.Poller`` is what the hub uses).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncGenerator, AsyncIterator, Awaitable, Callable
from contextlib import aclosing
from dataclasses import dataclass, field, replace
from typing import Any

from adapters.interpol.client import FeedClient
from adapters.interpol.document import canonical_bytes, content_hash, load_json
from adapters.interpol.errors import FeedError, NotFound, UnsafeLink
from adapters.interpol.kinds import NoticeKind, entity_id_from_href, href_of
from adapters.interpol.parse import parse_detail
from adapters.interpol.state import NoticeState
from adapters.interpol.withdrawal import withdrawal_bytes, withdrawn_draft
from adapters.sdk.contract import Draft, Reject, Rejected
from adapters.sdk.polled import PollConfig

log = logging.getLogger(__name__)

#: errors kept per kind and poll in its report
MAX_ERRORS = 50
#: the poller's state file, in the folder the hub gives the network
STATE_FILE = "notices.json"


@dataclass(frozen=True)
class Update:
    """One thing to publish: a new or changed notice, an unreadable one, or a withdrawal."""

    kind: NoticeKind
    entity_id: str
    #: what the state records once the update is confirmed
    digest: str
    #: the draft to publish, or why the detail could not be translated (to dead-letter)
    item: Draft | Rejected
    #: the detail's canonical JSON (= the draft's record bytes); for a rejection, the body
    #: as served; for a withdrawal, its marker bytes
    native: bytes
    withdrawn: bool = False


@dataclass
class KindReport:
    """What one poll of one kind did."""

    kind: NoticeKind
    pages: int = 0
    listed: int = 0
    new: int = 0
    changed: int = 0
    unchanged: int = 0
    rejected: int = 0
    withdrawn: int = 0
    gone: int = 0
    failed: int = 0
    #: the listing was followed to its end, matched the service's total, and the details
    #: were not given up on: only such a poll publishes withdrawals
    complete: bool = False
    #: what went wrong, first ``MAX_ERRORS`` only (``errors_dropped`` counts the rest)
    errors: list[str] = field(default_factory=list)
    errors_dropped: int = 0

    def note(self, error: str) -> None:
        log.warning("%s notices: %s", self.kind, error)
        if len(self.errors) < MAX_ERRORS:
            self.errors.append(error)
        else:
            self.errors_dropped += 1


@dataclass(frozen=True)
class PollerSettings:
    kinds: tuple[NoticeKind, ...] = ("RED", "YELLOW", "UN")
    result_per_page: int = 160
    #: list pages followed per kind before the listing is given up as runaway
    max_pages: int = 1000
    #: notices listed per kind before the listing is given up as runaway
    max_notices: int = 200_000
    #: detail failures in a row after which the kind's poll stops (service down)
    max_consecutive_failures: int = 3
    #: confirmed updates after which ``run_once`` commits without waiting for the end
    commit_every: int = 500


class ListingFailed(Exception):
    """The list of a kind could not be walked to its end."""


@dataclass
class _Listing:
    #: entity id → detail URL (None when its link was refused), in list order
    entries: dict[str, str | None] = field(default_factory=dict)
    totals: set[int] = field(default_factory=set)
    pages: int = 0
    refused: list[str] = field(default_factory=list)


class NoticePoller:
    def __init__(
        self, client: FeedClient, state: NoticeState, settings: PollerSettings | None = None
    ) -> None:
        self.client = client
        self.state = state
        self.settings = settings or PollerSettings()
        self.reports: list[KindReport] = []
        self._confirmed = 0

    @property
    def kinds(self) -> tuple[NoticeKind, ...]:
        return self.settings.kinds

    async def aclose(self) -> None:
        """Close the client's connections."""
        await self.client.aclose()

    async def poll(self) -> AsyncGenerator[Update, None]:
        """One pass over every configured kind; ``reports`` tells how it went."""
        self.reports = []
        for kind in self.settings.kinds:
            report = KindReport(kind)
            self.reports.append(report)
            async for update in self._poll_kind(kind, report):
                yield update

    def confirm(self, update: Update) -> None:
        """``update`` has been published: record it (persisted by ``commit``)."""
        if update.withdrawn:
            self.state.drop(update.kind, update.entity_id)
        else:
            self.state.put(update.kind, update.entity_id, update.digest)
        self._confirmed += 1

    async def commit(self) -> None:
        """Persist every confirmed update (atomically)."""
        await asyncio.to_thread(self.state.save)
        self._confirmed = 0

    async def run_once(self, publish: Callable[[Update], Awaitable[None]]) -> list[KindReport]:
        """Poll once, publishing each update through ``publish`` before recording it.

        An update whose ``publish`` raises is not recorded (it comes again next poll); what
        was published before it is committed, and the error propagates."""
        try:
            async with aclosing(self.poll()) as updates:
                async for update in updates:
                    await publish(update)
                    self.confirm(update)
                    if self._confirmed >= self.settings.commit_every:
                        await self.commit()
        finally:
            if self._confirmed:
                await self.commit()
        return self.reports

    async def _poll_kind(self, kind: NoticeKind, report: KindReport) -> AsyncIterator[Update]:
        listing = _Listing()
        try:
            await self._walk(kind, listing)
            report.complete = self._consistent(listing, report)
        except (ListingFailed, FeedError) as exc:
            report.note(f"listing incomplete, nothing withdrawn: {exc}")
        report.pages, report.listed = listing.pages, len(listing.entries)
        for refusal in listing.refused:
            report.note(refusal)
        failures = 0
        for entity_id, url in listing.entries.items():
            if url is None:
                report.failed += 1
                continue
            try:
                body = await self.client.get(url)
            except NotFound:
                report.gone += 1
                failures = 0
                continue
            except FeedError as exc:
                report.failed += 1
                failures += 1
                report.note(f"notice {entity_id}: {exc}")
                if failures >= self.settings.max_consecutive_failures:
                    report.note(f"stopped after {failures} failed details in a row")
                    report.complete = False
                    break
                continue
            failures = 0
            update = self._detail_update(kind, entity_id, body)
            previous = self.state.get(kind, entity_id)
            if previous == update.digest:
                report.unchanged += 1
                continue
            if isinstance(update.item, Rejected):
                report.rejected += 1
            elif previous is None:
                report.new += 1
            else:
                report.changed += 1
            yield update
        if not report.complete:
            return
        for entity_id in sorted(self.state.ids(kind) - listing.entries.keys()):
            last = self.state.get(kind, entity_id)
            if last is None:
                continue
            marker = withdrawal_bytes(kind, entity_id, last)
            report.withdrawn += 1
            yield Update(
                kind=kind,
                entity_id=entity_id,
                digest=content_hash(marker),
                item=withdrawn_draft(kind, entity_id, last),
                native=marker,
                withdrawn=True,
            )

    async def _walk(self, kind: NoticeKind, listing: _Listing) -> None:
        """Every page of a kind's list, following ``_links.next`` on the same origin."""
        url: str | None = self.client.list_url(kind, self.settings.result_per_page)
        visited: set[str] = set()
        while url is not None:
            if url in visited:
                raise ListingFailed(f"page {url} links back to a page already read")
            if listing.pages >= self.settings.max_pages:
                raise ListingFailed(f"more than {self.settings.max_pages} pages")
            visited.add(url)
            page = _page_document(await self.client.get(url), url)
            listing.pages += 1
            total = page.get("total")
            if isinstance(total, int) and not isinstance(total, bool):
                listing.totals.add(total)
            for summary in _summaries(page, url):
                if isinstance(summary, dict):
                    self._add(listing, url, summary)
                else:
                    listing.refused.append(f"page {url} lists a non-object as a notice")
            if len(listing.entries) > self.settings.max_notices:
                raise ListingFailed(f"more than {self.settings.max_notices} notices")
            following = href_of(page, "next")
            url = self.client.links.follow(url, following) if following else None

    def _add(self, listing: _Listing, page_url: str, summary: dict[str, Any]) -> None:
        href = href_of(summary)
        value = summary.get("entity_id")
        entity_id = value.strip() if isinstance(value, str) else entity_id_from_href(href)
        if not entity_id or len(entity_id) > 64:
            listing.refused.append(f"a summary on {page_url} names no usable entity_id")
            return
        if entity_id in listing.entries:
            return
        detail: str | None = None
        if href is None:
            listing.refused.append(f"notice {entity_id}: no self link to its detail")
        else:
            try:
                detail = self.client.links.follow(page_url, href)
            except UnsafeLink as exc:
                listing.refused.append(f"notice {entity_id}: {exc}")
        listing.entries[entity_id] = detail

    @staticmethod
    def _consistent(listing: _Listing, report: KindReport) -> bool:
        """A walked listing counts as complete when every page reported the same total
        and that total is the number of distinct notices seen (a list that shifted while
        it was read could otherwise hide a notice and withdraw it wrongly)."""
        if not listing.totals:
            return True
        if len(listing.totals) == 1 and len(listing.entries) in listing.totals:
            return True
        totals = ", ".join(str(t) for t in sorted(listing.totals))
        report.note(
            f"listing not consistent, nothing withdrawn: {len(listing.entries)} notices seen,"
            f" total {totals}"
        )
        return False

    @staticmethod
    def _detail_update(kind: NoticeKind, entity_id: str, body: bytes) -> Update:
        try:
            detail = load_json(body)
            native = canonical_bytes(detail)
        except Reject as exc:
            rejected = Rejected(exc.reason, reference=entity_id)
            return Update(kind, entity_id, content_hash(body), rejected, body)
        except (ValueError, RecursionError) as exc:
            rejected = Rejected(f"unreadable notice detail: {exc}"[:300], reference=entity_id)
            return Update(kind, entity_id, content_hash(body), rejected, body)
        digest = content_hash(native)
        item = parse_detail(detail, kind)
        if isinstance(item, Rejected):  # dead-lettered as served, recorded by content
            return Update(kind, entity_id, digest, replace(item, reference=entity_id), body)
        return Update(kind, entity_id, digest, item, native)


def _page_document(body: bytes, url: str) -> dict[str, Any]:
    try:
        page = load_json(body)
    except Reject as exc:
        raise ListingFailed(f"page {url}: {exc.reason}") from None
    if not isinstance(page, dict):
        raise ListingFailed(f"page {url} is not a JSON object")
    return page


def _summaries(page: dict[str, Any], url: str) -> list[Any]:
    embedded = page.get("_embedded")
    notices = embedded.get("notices") if isinstance(embedded, dict) else None
    if notices is None and isinstance(page.get("total"), int) and page["total"] == 0:
        return []
    if not isinstance(notices, list):
        raise ListingFailed(f"page {url} has no _embedded.notices list")
    return notices


def notice_poller(config: PollConfig) -> NoticePoller:
    """The poller of the notices service at ``config.base_url``, its state kept in
    ``config.state_dir``."""
    state = NoticeState.load(config.state_dir / STATE_FILE)
    return NoticePoller(FeedClient(config.base_url), state)
