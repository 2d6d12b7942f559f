"""Poison isolation: a failure that belongs to one record is that record's alone.

Every place that reads records (the router's intake and verification, the receipts lanes,
the state loaders) runs the pure, per-record part of its work through :func:`isolate`: any
exception raised there is a fact about that record's bytes, so the record goes to its
dead-letter topic with the reason and the batch goes on. Failures that are not a record's
(the broker, the network) happen outside these functions and are retried by the consumer
loop instead, with back-off, and reported by ``/health``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from contract.quoting import quote

T = TypeVar("T")
R = TypeVar("R")

#: how much of an unexpected exception's text a reason repeats
REASON_CHARS = 300


@dataclass(frozen=True, slots=True)
class Poisoned:
    """A record whose processing raised: what to tell the dead-letter topic."""

    reason: str
    kind: str


def poison_reason(exc: BaseException) -> str:
    """An unexpected exception in words, short and on one line."""
    text = quote(exc, REASON_CHARS)
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def isolate(work: Callable[[T], R], item: T) -> R | Poisoned:
    """``work(item)``, or :class:`Poisoned` when it raises. ``work`` must be a pure function
    of the record (no I/O), so that whatever it raises is the record's fault."""
    try:
        return work(item)
    except Exception as exc:  # the record's own failure, by the contract above
        return Poisoned(poison_reason(exc), type(exc).__name__)
