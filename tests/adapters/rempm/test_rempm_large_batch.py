"""A full 20 MB / 5,000-row batch translates row by row in bounded memory.

Measured: the streaming translation of the whole batch peaks at well under 0.1 MB of
traced memory (the input bytes themselves are allocated before tracing starts). The bound,
a tenth of the file, is far above that and far below one copy of the file, so decoding or
splitting the whole batch at once, or keeping anything per row, fails the test.
"""

from __future__ import annotations

import tracemalloc

from adapters.rempm import RempmAdapter
from adapters.sdk.contract import Translated
from adapters.sdk.kit import RECEIVED
from adapters.sdk.pipeline import iter_translate
from tests.adapters.rempm.large_batch import ROWS, TARGET_BYTES, large_batch


def test_a_full_size_batch_translates_every_row_in_bounded_memory() -> None:
    adapter = RempmAdapter()
    native = large_batch()
    assert TARGET_BYTES * 0.95 < len(native) <= adapter.max_bytes
    # warm up: first-use caches (country tables, vocabulary, model schemas) are not per batch
    assert all(isinstance(r, Translated) for r in iter_translate(adapter, large_batch(10, 40_000)))
    tracemalloc.start()
    try:
        translated = sum(
            isinstance(item, Translated)
            for item in iter_translate(adapter, native, received=RECEIVED)
        )
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert translated == ROWS
    assert peak < len(native) // 10, f"peak {peak} bytes for a {len(native)}-byte batch"
