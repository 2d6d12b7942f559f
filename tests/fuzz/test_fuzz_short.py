"""The short fuzz run of CI: the whole committed corpus replayed through every harness,
then a few thousand mutated inputs per target from a fixed seed (:mod:`tests.fuzz.mutate`).
The long, coverage-guided run is ``scripts/fuzz``."""

from __future__ import annotations

import hashlib
import random
import zlib

import pytest

from tests.fuzz.mutate import mutate
from tests.fuzz.reader import ByteReader
from tests.fuzz.router_target import PLACED, REPEAT, Spec, read_specs, write_specs
from tests.fuzz.targets import CORPUS, CRASHES, ROUTER, corpus, harness, names

SHORT_RUNS = 3000
SEED = 20261130
MAX_FILES = 500
MAX_BYTES = 2 * 1024 * 1024


@pytest.fixture(scope="module", params=names())
def target(request: pytest.FixtureRequest) -> str:
    return str(request.param)


def test_every_target_has_a_small_committed_corpus(target: str) -> None:
    assert corpus(target), f"tests/fuzz/corpus/{target} is empty"


def test_the_committed_corpus_stays_small() -> None:
    files = [p for p in CORPUS.rglob("*") if p.is_file()]
    assert len(files) <= MAX_FILES, f"{len(files)} corpus files: minimise (scripts/fuzz --merge)"
    assert sum(p.stat().st_size for p in files) <= MAX_BYTES


def test_the_whole_corpus_replays_without_a_finding(target: str) -> None:
    one_input = harness(target)
    for path in corpus(target):
        try:
            one_input(path.read_bytes())
        except BaseException as exc:
            raise AssertionError(f"{path.relative_to(CORPUS)}: {exc!r}") from exc


def test_a_short_fuzz_run_finds_nothing(target: str) -> None:
    one_input = harness(target)
    inputs = [p.read_bytes() for p in corpus(target)]
    rng = random.Random(SEED ^ zlib.crc32(target.encode()))
    for _ in range(SHORT_RUNS):
        data = mutate(rng, inputs)
        try:
            one_input(data)
        except Exception as exc:
            CRASHES.mkdir(parents=True, exist_ok=True)
            saved = CRASHES / f"{target}-short-{hashlib.sha1(data).hexdigest()}"
            saved.write_bytes(data)
            raise AssertionError(f"finding saved as {saved}: {exc!r}") from exc


# ---- the router harness's own input format --------------------------------------------------


def test_router_specs_read_back_as_written() -> None:
    specs = [
        Spec(PLACED, 3, b"CCA-1", b"{}", (("ce_id", b"x"), ("x-null", None))),
        Spec(REPEAT, 0, None, None, ()),
    ]
    assert read_specs(write_specs(specs)) == specs


def test_any_bytes_read_as_a_batch_of_one_to_four_records() -> None:
    rng = random.Random(SEED)
    for size in (0, 1, 2, 7, 100, 1000):
        specs = read_specs(bytes(rng.getrandbits(8) for _ in range(size)))
        assert 1 <= len(specs) <= 4


def test_a_reader_past_its_end_reads_empty_fields() -> None:
    reader = ByteReader(b"\x00\x05ab")
    assert reader.chunk() == b"ab"
    assert reader.exhausted
    assert reader.byte() == 0
    assert reader.chunk() == b""


def test_the_router_corpus_routes_refuses_and_drops() -> None:
    """The seeds reach every fate, so the fuzzer starts from all three paths."""
    from tests.fuzz.router_target import build_records, make_keys, new_core, run_batch

    keys = make_keys()
    fates: set[str] = set()
    for path in corpus(ROUTER):
        fates.update(
            run_batch(new_core(), keys, build_records(read_specs(path.read_bytes()), keys))
        )
    assert fates == {"routed", "refused", "duplicate"}
