"""Shared test support: fixtures and helpers that several test packages use."""
