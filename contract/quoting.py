"""The one way an untrusted value is repeated inside a rejection reason.

A reason travels in dead-letter headers, logs and native replies, and the value it names
may be hostile: it is shown on one line (runs of white space become one space) and cut
short, so it can neither split a header nor flood the dead-letter topic. Callers put the
surrounding quotes themselves (``f"country '{quote(value)}' in pais"``).
"""

from __future__ import annotations

#: the longest quoted value a rejection reason repeats
QUOTE_LIMIT = 80
#: the mark a shortened value ends with
ELLIPSIS = "…"


def quote(value: object, limit: int = QUOTE_LIMIT) -> str:
    """``value`` as text, on one line and at most ``limit`` characters long."""
    text = " ".join(str(value).split())
    return text if len(text) <= limit else text[: limit - len(ELLIPSIS)] + ELLIPSIS
