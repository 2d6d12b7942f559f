"""Seeding the corpus: the golden native files of each adapter, and for the router one
signed record of every event the goldens translate to, plus batches that exercise the
duplicate and misplacement rules.

``python -m tests.fuzz.seeds`` writes them into ``tests/fuzz/corpus/<target>/`` under their
SHA-1 (libFuzzer's naming), beside whatever the fuzzer has added.
"""

from __future__ import annotations

import hashlib
import sys
from collections.abc import Iterator
from pathlib import Path

from adapters.sdk import Translated, get_adapter, slugs, translate
from contract.envelope.binary import to_kafka
from contract.envelope.sealing import sign_event
from tests.fuzz.adapter_target import RECEIVED
from tests.fuzz.router_target import (
    CASE_KEY,
    DERIVE_ID,
    HOME,
    PLACED,
    REPEAT,
    SIGN,
    Spec,
    make_keys,
    write_specs,
)
from tests.fuzz.targets import ROUTER, corpus_dir

ROOT = Path(__file__).resolve().parents[2]
GOLDEN = ROOT / "tests" / "adapters"


def golden_natives(slug: str) -> list[Path]:
    folder = GOLDEN / slug.replace("-", "_") / "golden"
    return sorted(folder.glob("*/native.*"))


def adapter_seeds(slug: str) -> Iterator[bytes]:
    for path in golden_natives(slug):
        yield path.read_bytes()


def router_seeds() -> Iterator[bytes]:
    keys = make_keys()
    for slug in slugs():
        adapter = get_adapter(slug)
        for path in golden_natives(slug):
            events = [
                r.event
                for r in translate(adapter, path.read_bytes(), received=RECEIVED)
                if isinstance(r, Translated)
            ]
            for event in events[:1]:
                key, value, headers = to_kafka(sign_event(event, keys.signers[slug]))
                signed = Spec(PLACED, 0, key, value, tuple(headers))
                yield write_specs([signed])
                unsigned = tuple(
                    (n, v) for n, v in headers if n not in ("ce_signature", "ce_keyid")
                )
                if path == golden_natives(slug)[0]:  # one as the adapter signed it
                    yield write_specs([Spec(CASE_KEY | HOME, 0, key, value, tuple(headers))])
                if slug == "oas-hien":
                    again = Spec(REPEAT, 0, None, None, ())
                    moved = Spec(SIGN | CASE_KEY | DERIVE_ID, 1, key, value, unsigned)
                    yield write_specs([Spec(PLACED, 0, key, value, unsigned), again, moved])


def seeds(name: str) -> Iterator[bytes]:
    return router_seeds() if name == ROUTER else adapter_seeds(name)


def write(name: str, inputs: Iterator[bytes]) -> int:
    folder = corpus_dir(name)
    folder.mkdir(parents=True, exist_ok=True)
    count = 0
    for data in inputs:
        path = folder / hashlib.sha1(data).hexdigest()
        if not path.exists():
            path.write_bytes(data)
            count += 1
    return count


def main(argv: list[str]) -> int:
    from tests.fuzz.targets import names

    for name in argv or names():
        print(f"{name}: {write(name, seeds(name))} new seeds")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
