"""CLACIP (Latin American and Caribbean Community of Police Intelligence): STIX 2.1 bundles."""

from adapters.clacip.adapter import ClacipAdapter

__all__ = ["ClacipAdapter"]
