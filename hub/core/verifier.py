"""Verify batches of signatures on every core.

Signature verification is the most expensive step per message (≈120 µs for
one Ed25519 verify with ``cryptography`` here, against a few µs for the rest
of :meth:`KeyRegistry.verify`). ``cryptography`` releases the GIL inside
``Ed25519PublicKey.verify``: measured with ``bench/signing.py``, two threads
verify 1.85–1.95× as fast as one on an idle 2-core machine, and this verifier
reaches ≈1.8× on batches of 128 and more. So a thread pool is enough — no
process pool, no pickling of events or of the registry — and the registry
with its parsed key objects is simply shared. Batches that cannot give every
worker ``inline_below`` items are verified inline: the hop costs more than it
saves. When the cores are already busy (e.g. a broker on the same host),
threads gain nothing and the GIL hand-offs can cost more than they save:
run with ``workers=1`` there.

The batch is cut into one contiguous chunk per worker and the answers are
joined back in input order, so ``results[i]`` is the answer for ``items[i]``.
"""

from __future__ import annotations

import asyncio
import math
import os
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from types import TracebackType
from typing import Self

from contract.keys.registry import KeyRegistry
from contract.signing import VerificationError
from hub.core.poison import poison_reason

__all__ = ["DEFAULT_INLINE_BELOW", "ParallelVerifier", "VerifyItem", "verify_items"]

DEFAULT_INLINE_BELOW = 8
"""Smaller batches are verified on the calling thread (≈1 ms of work at most)."""


@dataclass(frozen=True, slots=True)
class VerifyItem:
    """One event to verify: what :meth:`KeyRegistry.verify` takes, minus the clock."""

    network: str
    key_id: str
    attributes: Mapping[str, str]
    data: bytes
    signature: str
    at: datetime | None = None  # the event time; None: parsed from attributes["time"]


def verify_items(
    registry: KeyRegistry, items: Sequence[VerifyItem], now: datetime
) -> list[VerificationError | None]:
    """Serial reference: one answer per item, None when it verifies."""
    results: list[VerificationError | None] = []
    for item in items:
        try:
            registry.verify(
                item.network,
                item.key_id,
                item.attributes,
                item.data,
                item.signature,
                item.at,
                now=now,
            )
        except VerificationError as error:
            results.append(error)
        except Exception as exc:  # one record's malformed attributes: its failure alone
            results.append(VerificationError("malformed", poison_reason(exc)))
        else:
            results.append(None)
    return results


def _available_cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - platforms without affinity
        return os.cpu_count() or 1


class ParallelVerifier:
    """Spreads each batch over a thread pool; one instance per process is enough.

    ``registry`` is either a :class:`KeyRegistry` or a function returning the
    current one (e.g. ``RegistryReloader(path).current``), read once per batch
    so a revocation takes effect from the next batch on.
    """

    def __init__(
        self,
        registry: KeyRegistry | Callable[[], KeyRegistry],
        *,
        workers: int | None = None,
        inline_below: int = DEFAULT_INLINE_BELOW,
    ) -> None:
        self._registry: Callable[[], KeyRegistry] = (
            (lambda: registry) if isinstance(registry, KeyRegistry) else registry
        )
        self._workers = max(1, workers if workers is not None else _available_cores())
        self._inline_below = max(1, inline_below)
        self._executor: ThreadPoolExecutor | None = None

    @property
    def workers(self) -> int:
        return self._workers

    def _pool(self) -> ThreadPoolExecutor:
        if self._executor is None:
            self._executor = ThreadPoolExecutor(self._workers, thread_name_prefix="hub-verify")
        return self._executor

    async def verify_many(self, items: Sequence[VerifyItem]) -> list[VerificationError | None]:
        """One answer per item, in order: None when it verifies, else the error with its reason."""
        registry = self._registry()
        now = datetime.now(UTC)
        count = len(items)
        # every chunk gets at least inline_below items; one chunk is done inline
        chunks = min(self._workers, count // self._inline_below)
        if chunks <= 1:
            return verify_items(registry, items, now)
        size = math.ceil(count / chunks)
        loop = asyncio.get_running_loop()
        pool = self._pool()
        parts = await asyncio.gather(
            *(
                loop.run_in_executor(pool, verify_items, registry, items[start : start + size], now)
                for start in range(0, count, size)
            )
        )
        return [result for part in parts for result in part]

    def close(self) -> None:
        """Stop the threads (waiting for running chunks); the verifier may be used again."""
        if self._executor is not None:
            self._executor.shutdown(wait=True)
            self._executor = None

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"ParallelVerifier(workers={self._workers}, inline_below={self._inline_below})"
