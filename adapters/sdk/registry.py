"""Finding adapters: every installed distribution may add one through the entry-point group
``cca_hub.adapters`` (``slug = "package.module:AdapterClass"``). Only the adapter asked
for is imported, so one broken plugin does not take the others down."""

from __future__ import annotations

from functools import cache
from importlib.metadata import EntryPoint, entry_points

from adapters.sdk.contract import Adapter
from adapters.sdk.polled import is_polled

ENTRY_POINT_GROUP = "cca_hub.adapters"


class UnknownAdapter(LookupError):
    pass


@cache
def _entry_points() -> dict[str, EntryPoint]:
    return {ep.name: ep for ep in entry_points(group=ENTRY_POINT_GROUP)}


@cache
def adapter_class(slug: str) -> type[Adapter]:
    try:
        ep = _entry_points()[slug]
    except KeyError:
        known = ", ".join(slugs()) or "none"
        raise UnknownAdapter(f"no adapter for network '{slug}' (installed: {known})") from None
    cls = ep.load()
    if not (isinstance(cls, type) and issubclass(cls, Adapter)):
        raise TypeError(f"entry point '{ep.name}' = {ep.value} is not an Adapter class")
    if cls.slug != ep.name:
        raise TypeError(f"entry point '{ep.name}' loads an adapter whose slug is '{cls.slug}'")
    return cls


def slugs() -> list[str]:
    """Slugs of every installed adapter, sorted."""
    return sorted(_entry_points())


def get_adapter(slug: str) -> Adapter:
    return adapter_class(slug)()


def polled_slugs() -> list[str]:
    """Slugs of the installed adapters whose network is polled, sorted (imports every
    adapter: for whole-hub commands, not for one service)."""
    return [slug for slug in slugs() if is_polled(adapter_class(slug))]
