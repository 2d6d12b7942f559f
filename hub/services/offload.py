"""Large native messages are translated in a worker process, off the event loop.

A batch file at the top of its size limit takes seconds of CPU and a lot of memory to
translate; on the event loop that would stop every other consumer of the process (all the
networks' adapters, their heartbeats and their transactions) and could cost more memory
than the host has. So messages over ``HUB_OFFLOAD_BYTES`` go to a fresh worker process:

* the event loop keeps running while it works (the other networks keep flowing, the group
  session stays alive, so no rebalance hands the file to a second instance);
* each worker translates one message and exits, giving its memory back;
* its address space is bounded (``HUB_TRANSLATE_MEMORY_MB``): a message that needs more is
  refused with that reason and dead-lettered, never retried forever; a worker that dies
  is reported the same way.

Signing stays in the service (a private key never crosses into a worker, which parses
untrusted input): the worker gives back each event's wire form (:class:`Prepared`, bytes
and strings, not models, so the service does not pay the models' memory again) and the
service signs them in a thread, the event loop still turning.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import resource
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from datetime import datetime

from adapters.sdk.contract import Rejected
from adapters.sdk.registry import get_adapter
from hub.core.adapter_core import Prepared, prepare

MIB = 1024 * 1024
ERROR_CLASS = "hub.services.offload.OverMemoryBound"


def _bound_memory(limit_bytes: int) -> None:
    """Runs first in each worker: its address space may not grow past the bound."""
    resource.setrlimit(resource.RLIMIT_AS, (limit_bytes, limit_bytes))


def over_bound(size: int, limit_mb: int) -> Rejected:
    return Rejected(
        f"message of {size} bytes needs more than the {limit_mb} MiB a translation may use",
        error_class=ERROR_CLASS,
    )


def prepare_in_worker(
    slug: str, native: bytes, received: datetime, receipt_at: datetime | None, limit_mb: int
) -> Prepared | Rejected:
    """What runs in the worker: the message translated to its wire form, or the refusal
    when it needs more memory than the bound."""
    try:
        return prepare(get_adapter(slug), native, received, receipt_at)
    except MemoryError:
        return over_bound(len(native), limit_mb)


class Offloader:
    """Translates large messages in fresh worker processes, one message per worker; the
    workers of one service process are shared by its adapters (so the memory they may
    use together is ``workers`` × ``memory_mb``)."""

    def __init__(self, *, workers: int = 1, memory_mb: int = 2048) -> None:
        self.workers = workers
        self.memory_mb = memory_mb
        self._pool: ProcessPoolExecutor | None = None

    def _executor(self) -> ProcessPoolExecutor:
        if self._pool is None:
            self._pool = ProcessPoolExecutor(
                max_workers=self.workers,
                mp_context=multiprocessing.get_context("spawn"),
                initializer=_bound_memory,
                initargs=(self.memory_mb * MIB,),
                max_tasks_per_child=1,
            )
        return self._pool

    async def prepare(
        self, slug: str, native: bytes, received: datetime, receipt_at: datetime | None
    ) -> Prepared | Rejected:
        loop = asyncio.get_running_loop()
        try:
            return await loop.run_in_executor(
                self._executor(),
                prepare_in_worker,
                slug,
                native,
                received,
                receipt_at,
                self.memory_mb,
            )
        except BrokenProcessPool:  # the worker died on this message (e.g. killed for memory)
            self.close()
            return over_bound(len(native), self.memory_mb)

    def close(self) -> None:
        pool, self._pool = self._pool, None
        if pool is not None:
            pool.shutdown(wait=False, cancel_futures=True)
