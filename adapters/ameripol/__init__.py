"""Adapter of the ameripol network (American Police Community)."""

from adapters.ameripol.adapter import AmeripolAdapter

__all__ = ["AmeripolAdapter"]
