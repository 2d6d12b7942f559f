"""Adapter of the rempm network (Specialized Meeting of Mercosur Public Prosecutors)."""

from adapters.rempm.adapter import RempmAdapter

__all__ = ["RempmAdapter"]
