"""Hostile XML (the spec's "Hostile input" rule): every document with a DOCTYPE, an entity
or an external reference is refused quickly, in little memory, and without anything being
expanded, read from disk or fetched from the network."""

from __future__ import annotations

import select
import socket
import sys
import time
import tracemalloc
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from adapters.oas_hien import OasHienAdapter
from adapters.oas_hien.parse import parse_document
from adapters.sdk.contract import Reject, Rejected, Translated
from adapters.sdk.kit import RECEIVED
from adapters.sdk.pipeline import translate

ADAPTER = OasHienAdapter()
GOLDEN = Path(__file__).parent / "golden"
MLA_EXAMPLE = (GOLDEN / "mla_request_in_prefixed_namespace" / "native.xml").read_bytes()
TIME_LIMIT_SECONDS = 0.1
MEMORY_LIMIT_BYTES = 10 * 1024 * 1024
BODY = (
    b'<Request xmlns="urn:oas:hien:1.0" kind="MLA">'
    b"<RequestId>HIEN-MLA-2026-000001</RequestId>"
    b"<Sent>2026-11-27T16:42:10-06:00</Sent>"
    b"<RequestingState>GTM</RequestingState><RequestedState>MEX</RequestedState>"
    b"<Confidentiality>PUBLIC</Confidentiality>"
    b"<Facts>%s</Facts></Request>"
)


def hien(doctype: bytes, facts: bytes) -> bytes:
    """A HIEN request whose Facts use what the DOCTYPE declares."""
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + doctype + b"\n" + BODY % facts


def billion_laughs() -> bytes:
    entities = [b'<!ENTITY lol0 "lol">']
    for level in range(1, 10):
        refs = b"".join(b"&lol%d;" % (level - 1) for _ in range(10))
        entities.append(b'<!ENTITY lol%d "%s">' % (level, refs))
    return hien(b"<!DOCTYPE Request [" + b"".join(entities) + b"]>", b"&lol9;")


def quadratic_blowup() -> bytes:
    """One 100 kB entity referenced 40 000 times: 4 GB once expanded, 300 kB as sent."""
    entity = b'<!ENTITY a "' + b"a" * 100_000 + b'">'
    return hien(b"<!DOCTYPE Request [" + entity + b"]>", b"&a;" * 40_000)


def external_entity(url: str) -> bytes:
    return hien(b'<!DOCTYPE Request [<!ENTITY x SYSTEM "%s">]>' % url.encode(), b"&x;")


def parameter_entity(url: str) -> bytes:
    return hien(b'<!DOCTYPE Request [<!ENTITY %% pe SYSTEM "%s"> %%pe;]>' % url.encode(), b"x")


def external_dtd(url: str) -> bytes:
    return hien(b'<!DOCTYPE Request SYSTEM "%s">' % url.encode(), b"x")


# --- watching what the process does: audit events and a loopback listener -------------

_seen: list[tuple[str, tuple[Any, ...]]] | None = None
_WATCHED = ("open", "socket.connect", "socket.getaddrinfo", "urllib.Request", "os.system")


def _audit(event: str, args: tuple[Any, ...]) -> None:
    if _seen is not None and event in _WATCHED:
        _seen.append((event, args))


_hook_installed = False


@contextmanager
def watching() -> Iterator[list[tuple[str, tuple[Any, ...]]]]:
    """Records every file open, connection and URL request the process makes meanwhile."""
    global _seen, _hook_installed
    if not _hook_installed:
        sys.addaudithook(_audit)  # audit hooks cannot be removed: it only records when asked
        _hook_installed = True
    _seen = []
    try:
        yield _seen
    finally:
        _seen = None


@pytest.fixture
def listener() -> Iterator[socket.socket]:
    """A loopback TCP server that never accepts on its own: a connection attempt would sit
    in its backlog, where ``select`` sees it."""
    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.bind(("127.0.0.1", 0))
    server.listen(8)
    try:
        yield server
    finally:
        server.close()


@pytest.fixture
def closed_port() -> int:
    """A loopback port where nothing listens (bound once, then released)."""
    probe = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    probe.bind(("127.0.0.1", 0))
    port: int = probe.getsockname()[1]
    probe.close()
    return port


def was_contacted(server: socket.socket) -> bool:
    # A fetch would have connected synchronously inside parse; the handshake completes in
    # the kernel, so the pending connection is already there when parse returns.
    readable, _, _ = select.select([server], [], [], 0)
    return bool(readable)


def port_of(server: socket.socket) -> int:
    port: int = server.getsockname()[1]
    return port


def refuse(native: bytes) -> Rejected:
    results = translate(ADAPTER, native, received=RECEIVED)
    assert len(results) == 1
    (result,) = results
    assert isinstance(result, Rejected), "a hostile document was translated"
    return result


def cost(native: bytes) -> tuple[float, int]:
    """(seconds, peak traced bytes) of refusing ``native``, each measured on its own run."""
    refuse(native)  # warm: imports and caches are not the document's cost
    start = time.perf_counter()
    refuse(native)
    elapsed = time.perf_counter() - start
    tracemalloc.start()
    try:
        refuse(native)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return elapsed, peak


# --- the tests ------------------------------------------------------------------------

Builder = Callable[[str], bytes]
SELF_CONTAINED: dict[str, Callable[[], bytes]] = {
    "billion_laughs": billion_laughs,
    "quadratic_blowup": quadratic_blowup,
}
FETCHING: dict[str, Builder] = {
    "external_entity": external_entity,
    "parameter_entity": parameter_entity,
    "external_dtd": external_dtd,
}


@pytest.mark.parametrize("name", sorted(SELF_CONTAINED))
def test_an_entity_expansion_bomb_is_refused_fast_and_small(name: str) -> None:
    native = SELF_CONTAINED[name]()
    assert refuse(native).reason.startswith("document has a DOCTYPE declaration")
    elapsed, peak = cost(native)
    assert elapsed < TIME_LIMIT_SECONDS, f"took {elapsed:.3f} s"
    assert peak < MEMORY_LIMIT_BYTES, f"peaked at {peak} bytes"


@pytest.mark.parametrize("name", sorted(FETCHING))
def test_an_http_reference_is_refused_without_connecting(
    name: str, listener: socket.socket
) -> None:
    port = port_of(listener)
    native = FETCHING[name](f"http://127.0.0.1:{port}/hien.dtd")
    with watching() as seen:
        reason = refuse(native).reason
    assert "DOCTYPE" in reason
    assert not was_contacted(listener), "the listener got a connection: something was fetched"
    assert [e for e in seen if e[0] != "open"] == []
    elapsed, peak = cost(native)
    assert elapsed < TIME_LIMIT_SECONDS
    assert peak < MEMORY_LIMIT_BYTES
    assert not was_contacted(listener)


@pytest.mark.parametrize("name", sorted(FETCHING))
def test_an_http_reference_to_a_closed_port_is_refused_without_trying_it(
    name: str, closed_port: int
) -> None:
    native = FETCHING[name](f"http://127.0.0.1:{closed_port}/hien.dtd")
    with watching() as seen:
        refuse(native)
    assert [e for e in seen if e[0] != "open"] == [], "a connection was attempted"
    elapsed, peak = cost(native)
    assert elapsed < TIME_LIMIT_SECONDS
    assert peak < MEMORY_LIMIT_BYTES


@pytest.mark.parametrize("name", sorted(FETCHING))
def test_a_file_reference_is_refused_without_reading_the_file(name: str, tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-MARKER", encoding="utf-8")
    native = FETCHING[name](secret.as_uri())
    with watching() as seen:
        results = translate(ADAPTER, native, received=RECEIVED)
    assert all(isinstance(r, Rejected) for r in results)
    assert "TOP-SECRET-MARKER" not in repr(results)
    opened = [args for event, args in seen if event == "open"]
    assert not any(str(secret) in str(args) for args in opened), "the file was opened"
    elapsed, peak = cost(native)
    assert elapsed < TIME_LIMIT_SECONDS
    assert peak < MEMORY_LIMIT_BYTES


def test_the_watchers_do_see_a_connection_when_one_is_made(listener: socket.socket) -> None:
    """The no-fetch tests above can fail: a real connection shows up in both watchers."""
    with watching() as seen, socket.create_connection(("127.0.0.1", port_of(listener))):
        pass
    assert any(event == "socket.connect" for event, _ in seen)
    assert was_contacted(listener)


def test_an_undeclared_entity_reference_is_refused_as_not_well_formed() -> None:
    reason = refuse(hien(b"", b"&undeclared;")).reason
    assert reason.startswith("document is not well-formed XML: undefined entity")


def test_a_document_over_5_mb_is_refused_unread() -> None:
    native = MLA_EXAMPLE + b" " * (5 * 1024 * 1024)
    rejected = refuse(native)
    assert rejected.error_class == "adapters.sdk.TooLarge"  # refused before parse is called
    assert ADAPTER.max_bytes == 5 * 1024 * 1024
    with pytest.raises(Reject, match="over the 5242880-byte limit"):
        parse_document(native)


def test_a_large_document_under_5_mb_is_still_translated() -> None:
    padding = b"<!--" + b" " * (3 * 1024 * 1024) + b"-->"
    native = MLA_EXAMPLE.replace(b"<hien:Persons>", padding + b"<hien:Persons>")
    assert 1024 * 1024 < len(native) < ADAPTER.max_bytes
    (result,) = translate(ADAPTER, native, received=RECEIVED)
    assert isinstance(result, Translated)


def test_deep_nesting_is_refused_at_the_first_element_deeper_than_the_format() -> None:
    native = (
        b'<Request xmlns="urn:oas:hien:1.0" kind="MLA">'
        + b"<Persons>" * 100_000
        + b"</Persons>" * 100_000
        + b"</Request>"
    )
    start = time.perf_counter()
    reason = refuse(native).reason
    assert time.perf_counter() - start < 1.0
    assert "nested 9 deep" in reason


def test_an_element_flood_is_refused() -> None:
    persons = b"<Persons>" + b"<Person><GivenNames>A</GivenNames></Person>" * 10_001 + b"</Persons>"
    native = BODY.replace(b"<Facts>%s</Facts>", persons)
    assert "more than 20000 elements" in refuse(native).reason
