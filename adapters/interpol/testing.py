"""A notices web service on loopback, in the exact JSON shape of the notices API: the
poller's tests script faults into it, the hub's end-to-end tests poll it, and ``hub demo``
polls it through :meth:`InterpolAdapter.demo_source` (:func:`demo_feed`).
ThreadingHTTPServer on 127.0.0.1 (ephemeral port), with faults on demand. Its paths are
written out here rather than taken from the client, so a client that asks for the wrong
path fails the tests.

Each URL (path + query) has a steady answer and, before it, an optional script of one-shot
answers (a 429, a 500, a dropped connection…). Every request is logged in order.
"""

from __future__ import annotations

import json
import socket
import threading
from collections import deque
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

KIND_PATHS = {"RED": "red", "YELLOW": "yellow", "UN": "un/persons"}


@dataclass(frozen=True)
class Answer:
    status: int = 200
    body: bytes = b""
    headers: tuple[tuple[str, str], ...] = ()
    #: close the connection without answering (a connection error for the client)
    drop: bool = False


def json_answer(document: Any, status: int = 200) -> Answer:
    body = json.dumps(document, ensure_ascii=False).encode("utf-8")
    return Answer(status, body, (("Content-Type", "application/json"),))


@dataclass
class FeedServer:
    base_url: str = ""
    steady: dict[str, Answer] = field(default_factory=dict)
    scripts: dict[str, deque[Answer]] = field(default_factory=dict)
    requests: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def answer(self, target: str) -> Answer:
        with self.lock:
            self.requests.append(target)
            script = self.scripts.get(target)
            if script:
                return script.popleft()
            return self.steady.get(target, json_answer({"error": "not found"}, 404))

    def set(self, target: str, answer: Answer) -> None:
        with self.lock:
            self.steady[target] = answer

    def remove(self, target: str) -> None:
        with self.lock:
            self.steady.pop(target, None)

    def script(self, target: str, *answers: Answer) -> None:
        with self.lock:
            self.scripts.setdefault(target, deque()).extend(answers)

    def count(self, target: str) -> int:
        with self.lock:
            return self.requests.count(target)

    def url(self, target: str) -> str:
        return self.base_url + target


def _handler(feed: FeedServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def setup(self) -> None:
            super().setup()
            # headers and body go out in two writes: without this, delayed ACKs stall each
            # keep-alive answer by ~40 ms
            self.request.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

        def do_GET(self) -> None:
            answer = feed.answer(self.path)
            if answer.drop:
                self.close_connection = True
                return
            self.send_response(answer.status)
            for name, value in answer.headers:
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(answer.body)))
            self.end_headers()
            self.wfile.write(answer.body)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    return Handler


@contextmanager
def running_feed() -> Iterator[FeedServer]:
    """A started server; stopped (and its thread joined) on exit."""
    feed = FeedServer()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(feed))
    server.daemon_threads = True
    host, port = server.server_address[:2]
    feed.base_url = f"http://{host!s}:{port}"
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.02}, name="feed-server", daemon=True
    )
    thread.start()
    try:
        yield feed
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


@contextmanager
def demo_feed() -> Iterator[str]:
    """A started service with six red notices, one yellow and no UN notice; gives its base
    URL."""
    with running_feed() as feed:
        publish_notices(feed, "RED", [red_detail(f"2026/7{i:04d}") for i in range(6)], 160)
        publish_notices(feed, "YELLOW", [yellow_detail("2026/60001")], 160)
        publish_notices(feed, "UN", [], 160)
        yield feed.base_url


def list_target(kind: str, page: int, per_page: int) -> str:
    return f"/notices/v1/{KIND_PATHS[kind]}?page={page}&resultPerPage={per_page}"


def detail_target(kind: str, entity_id: str) -> str:
    return f"/notices/v1/{KIND_PATHS[kind]}/{entity_id.replace('/', '-')}"


SUMMARY_KEYS = ("forename", "name", "date_of_birth", "entity_id", "nationalities")


def publish_notices(
    feed: FeedServer, kind: str, details: list[dict[str, Any]], per_page: int
) -> list[str]:
    """Serve ``details`` as the kind's list (pages of ``per_page``) and detail documents,
    with self/first/next/last links in the spec's shape. Returns the list page targets."""
    pages = [details[i : i + per_page] for i in range(0, len(details), per_page)] or [[]]
    targets = [list_target(kind, n, per_page) for n in range(1, len(pages) + 1)]
    for number, chunk in enumerate(pages, start=1):
        links = {
            "self": {"href": feed.url(targets[number - 1])},
            "first": {"href": feed.url(targets[0])},
            "last": {"href": feed.url(targets[-1])},
        }
        if number < len(pages):
            links["next"] = {"href": feed.url(targets[number])}
        summaries = []
        for detail in chunk:
            summary = {key: detail.get(key) for key in SUMMARY_KEYS}
            summary["_links"] = {
                "self": {"href": feed.url(detail_target(kind, detail["entity_id"]))}
            }
            summaries.append(summary)
        page = {
            "total": len(details),
            "query": {"page": number, "resultPerPage": per_page},
            "_embedded": {"notices": summaries},
            "_links": links,
        }
        feed.set(targets[number - 1], json_answer(page))
    for detail in details:
        target = detail_target(kind, detail["entity_id"])
        document = {**detail, "_links": {"self": {"href": feed.url(target)}}}
        feed.set(target, json_answer(document))
    return targets


def red_detail(entity_id: str, **changes: Any) -> dict[str, Any]:
    """A red notice detail in the spec's shape (the spec's example with another id)."""
    detail: dict[str, Any] = {
        "entity_id": entity_id,
        "forename": "EDGAR GONZALO",
        "name": "PINTOS MONTERO",
        "date_of_birth": "1979/01/17",
        "nationalities": ["UY"],
        "sex_id": "M",
        "place_of_birth": "MONTEVIDEO",
        "country_of_birth_id": "UY",
        "height": 1.75,
        "weight": 80,
        "eyes_colors_id": ["BRO"],
        "hairs_id": ["BLA"],
        "languages_spoken_ids": ["SPA"],
        "distinguishing_marks": None,
        "arrest_warrants": [
            {
                "issuing_country_id": "UY",
                "charge": "Tráfico internacional de estupefacientes",
                "charge_translation": "International drug trafficking",
            }
        ],
    }
    detail.update(changes)
    return detail


def yellow_detail(entity_id: str, **changes: Any) -> dict[str, Any]:
    detail: dict[str, Any] = {
        "entity_id": entity_id,
        "forename": "MARIA",
        "name": "QUISPE MAMANI",
        "date_of_birth": "1991",
        "nationalities": None,
        "sex_id": "F",
        "place_of_birth": None,
        "country_of_birth_id": "BO",
        "height": None,
        "weight": None,
        "eyes_colors_id": None,
        "hairs_id": None,
        "languages_spoken_ids": None,
        "distinguishing_marks": None,
    }
    detail.update(changes)
    return detail
