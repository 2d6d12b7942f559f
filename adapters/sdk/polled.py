"""Polled sources: networks the hub reads by polling a service instead of a topic.

A polled network is still one declarative adapter class, found through the same
``cca_hub.adapters`` entry point; it subclasses :class:`PolledAdapter` and builds its
poller from generic settings. The poller, its state and its HTTP client belong to the
network's package; the hub knows only the small :class:`Poller` protocol below, so a
second polled network needs no code in the hub.

The poller never publishes itself. The hub publishes each update (one Kafka transaction
per group of updates), then ``confirm``s it, then ``commit``s what was confirmed. A crash
in between publishes those updates again on restart with unchanged event ids, and the
router drops the duplicates: nothing lost, nothing twice.
"""

from __future__ import annotations

from abc import abstractmethod
from collections.abc import AsyncIterator, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar, Protocol, TypeVar

from adapters.sdk.contract import Adapter, Draft, Rejected


@dataclass(frozen=True)
class PollConfig:
    """What the hub tells a polled adapter when it builds its poller."""

    #: base URL of the service to poll
    base_url: str
    #: a folder of the network's own for the poller's state (created on first save)
    state_dir: Path
    #: seconds between two polls (the hub waits them; a poller may use it for budgets)
    interval_s: float


class PolledUpdate(Protocol):
    """One thing to publish: a draft (becomes a canonical event) or a rejection (becomes a
    dead letter of ``native``, keyed by ``entity_id``)."""

    @property
    def item(self) -> Draft | Rejected: ...

    #: the native bytes behind the update, dead-lettered as they are when it is rejected
    @property
    def native(self) -> bytes: ...

    #: the source's id of the polled thing: the dead letter's key
    @property
    def entity_id(self) -> str: ...

    #: which list of the source it came from (bounded: a metrics label)
    @property
    def kind(self) -> str: ...


class PollReport(Protocol):
    """How one poll of one kind went: only a complete one was read to its end."""

    @property
    def kind(self) -> str: ...

    @property
    def complete(self) -> bool: ...


UpdateT = TypeVar("UpdateT", bound=PolledUpdate)


class Poller(Protocol[UpdateT]):
    """What the hub needs from a network's poller."""

    #: the kinds one poll walks, announced as metric series before the first poll
    @property
    def kinds(self) -> Sequence[str]: ...

    #: one report per kind of the last poll
    @property
    def reports(self) -> Sequence[PollReport]: ...

    def poll(self) -> AsyncIterator[UpdateT]:
        """One pass over the source, yielding what changed since the committed state."""
        ...

    def confirm(self, update: UpdateT) -> None:
        """``update`` has been published: record it (persisted by :meth:`commit`)."""

    async def commit(self) -> None:
        """Persist every confirmed update."""

    async def aclose(self) -> None:
        """Release the poller's connections."""


class PolledAdapter(Adapter):
    """An adapter whose network is polled by the hub rather than read from
    ``net.<slug>.in``. It gets no replies (nothing to answer on) and no consumer group;
    its ``parse`` still translates the native documents offline (``hub translate``)."""

    replies: ClassVar[bool] = False

    @abstractmethod
    def poller(self, config: PollConfig) -> Poller[Any]:
        """A poller of the network's service; its update type is the network's own."""

    def demo_source(self) -> AbstractContextManager[str] | None:
        """A stand-in service on loopback with a few sample documents, for ``hub demo``:
        entering it starts the service and gives its base URL. None: nothing to poll."""
        return None


def is_polled(cls: type[Adapter]) -> bool:
    """Whether the hub polls this adapter's network instead of consuming its topic."""
    return issubclass(cls, PolledAdapter)
