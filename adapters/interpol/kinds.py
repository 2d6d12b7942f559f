"""Which kind of notice a document is, told by the path of its HAL links.

The service files each notice under its kind: ``/notices/v1/red/…``, ``/notices/v1/yellow/…``
and ``/notices/v1/un/persons/…``. A detail's own ``_links.self.href`` therefore names its
kind; a list page's ``_links`` (self, first, next, last) name the kind of every summary
on it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Final, Literal
from urllib.parse import urlsplit

from schemas.models.parts import Role

NoticeKind = Literal["RED", "YELLOW", "UN"]

#: The list path of each kind under ``{base}/notices/v1/``.
FEED_PATHS: Final[dict[NoticeKind, str]] = {"RED": "red", "YELLOW": "yellow", "UN": "un/persons"}

#: The canonical role of a notice's subject.
ROLES: Final[dict[NoticeKind, Role]] = {"RED": "WANTED", "YELLOW": "MISSING", "UN": "SUBJECT"}

#: How each kind reads in summaries and titles.
NAMES: Final[dict[NoticeKind, str]] = {"RED": "Red", "YELLOW": "Yellow", "UN": "UN special"}

#: What the notice is about, for summaries.
PURPOSES: Final[dict[NoticeKind, str]] = {
    "RED": "wanted person",
    "YELLOW": "missing person",
    "UN": "person subject to United Nations Security Council sanctions",
}

_SEGMENTS: Final[dict[str, NoticeKind]] = {"red": "RED", "yellow": "YELLOW", "un": "UN"}
_PAGE_LINKS: Final[tuple[str, ...]] = ("self", "first", "next", "last")


def href_of(obj: Mapping[str, object], name: str = "self") -> str | None:
    """``obj._links.<name>.href`` when it is text, else None."""
    links = obj.get("_links")
    link = links.get(name) if isinstance(links, Mapping) else None
    href = link.get("href") if isinstance(link, Mapping) else None
    return href if isinstance(href, str) and href.strip() else None


def kind_from_href(href: str | None) -> NoticeKind | None:
    """The kind named by a link's path: the segment after ``notices/v1`` when the path has
    one, else the first segment that is ``red``, ``yellow`` or ``un``."""
    if href is None or len(href) > 4096:
        return None
    try:
        path = urlsplit(href.strip()).path
    except ValueError:
        return None
    segments = [s.lower() for s in path.split("/") if s]
    for i in range(len(segments) - 2):
        if segments[i : i + 2] == ["notices", "v1"]:
            return _SEGMENTS.get(segments[i + 2])
    return next((_SEGMENTS[s] for s in segments if s in _SEGMENTS), None)


def kind_of_page(page: Mapping[str, object]) -> NoticeKind | None:
    """The kind a list page's own links name (self first, then first/next/last)."""
    for name in _PAGE_LINKS:
        kind = kind_from_href(href_of(page, name))
        if kind is not None:
            return kind
    return None


def entity_id_from_href(href: str | None) -> str | None:
    """The entity id a detail link names: its last segment ``2021-75051`` → ``2021/75051``."""
    if href is None:
        return None
    try:
        last = urlsplit(href.strip()).path.rstrip("/").rsplit("/", 1)[-1]
    except ValueError:
        return None
    match = re.fullmatch(r"([0-9]{4})-([0-9]{1,12})", last)
    return f"{match[1]}/{match[2]}" if match else None
