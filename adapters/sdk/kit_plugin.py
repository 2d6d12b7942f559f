"""pytest plugin of the conformance kit: adds ``--update-golden``."""

from __future__ import annotations

import pytest


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-golden",
        action="store_true",
        default=False,
        help="rewrite adapters' golden canonical.jsonl, rejected.txt and reply files",
    )
