"""The fuzz targets: one per adapter (named by its slug) and the router's intake."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from adapters.sdk import slugs

FUZZ = Path(__file__).resolve().parent
CORPUS = FUZZ / "corpus"
CRASHES = FUZZ / "crashes"
ROUTER = "router"

Harness = Callable[[bytes], None]


def names() -> list[str]:
    """Every target: the installed adapters, then the router."""
    return [*slugs(), ROUTER]


def harness(name: str) -> Harness:
    """The target's one-input function; it raises on a finding. Builds the target (imports
    the adapter), so an engine that instruments imports calls this inside its hook."""
    if name == ROUTER:
        from tests.fuzz.router_target import router_harness

        return router_harness()
    if name not in slugs():
        raise KeyError(f"no fuzz target '{name}' (known: {', '.join(names())})")
    from tests.fuzz.adapter_target import adapter_harness

    return adapter_harness(name)


def corpus_dir(name: str) -> Path:
    return CORPUS / name


def corpus(name: str) -> list[Path]:
    """The committed corpus of a target, in a stable order."""
    folder = corpus_dir(name)
    return sorted(p for p in folder.iterdir() if p.is_file()) if folder.is_dir() else []
