"""What a harness raises when an input breaks the contract it checks."""

from __future__ import annotations


class Finding(AssertionError):
    """The input made the target break its contract in a way no exception showed (e.g. an
    adapter error that the SDK turned into a rejection, or a record that ended nowhere)."""
