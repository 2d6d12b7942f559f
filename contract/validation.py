"""How a validation failure is worded, the same for every adapter and the router: the golden
rejection texts depend on it."""

from __future__ import annotations

from pydantic import ValidationError


def describe_validation_error(exc: ValidationError, limit: int = 5) -> str:
    """One line naming each failing field by its path, e.g. ``data.persons.0.birth_date``."""
    parts = []
    for error in exc.errors()[:limit]:
        path = ".".join(str(p) for p in error["loc"]) or "(root)"
        parts.append(f"{path}: {error['msg']}")
    more = exc.error_count() - limit
    if more > 0:
        parts.append(f"and {more} more")
    return "; ".join(parts)
