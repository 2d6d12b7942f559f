"""pytest plugin of the conformance kit: adds ``--update-golden``.

Registered under ``pytest11``, so pytest loads it wherever the hub is installed; it needs
only pytest itself, and the kit's other test tools come with the ``testing`` extra."""

from __future__ import annotations

import pytest


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-golden",
        action="store_true",
        default=False,
        help="rewrite adapters' golden canonical.jsonl, rejected.txt and reply files",
    )
