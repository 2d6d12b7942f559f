"""INTERPOL-style notice feed: red, yellow and UN notices polled over HTTP (JSON, HAL)."""

from adapters.interpol.adapter import InterpolAdapter

__all__ = ["InterpolAdapter"]
