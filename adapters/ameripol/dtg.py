"""Date-time groups with Spanish months: ``28NOV2026 1430Z`` (UTC) and ``02ABR1984``.

Birth dates may be partial (``ABR1984``, ``1984``): a police record often lacks the day."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

from adapters.sdk.contract import Reject
from adapters.sdk.normalize import dates
from adapters.sdk.normalize.text import fold

MONTHS = ("ENE", "FEB", "MAR", "ABR", "MAY", "JUN", "JUL", "AGO", "SEP", "OCT", "NOV", "DIC")
#: ``SET`` is how several Spanish-speaking forces abbreviate septiembre
_NUMBERS = {name: index for index, name in enumerate(MONTHS, start=1)} | {"SET": 9}
_DAY = re.compile(r"(?:(\d{1,2}) ?)?(?:([A-Z]{3}) ?)?(\d{4})")


def _upper(text: str) -> str:
    return fold(text).upper()


def _month(name: str, text: str, field: str) -> int:
    try:
        return _NUMBERS[name]
    except KeyError:
        raise Reject(
            f"month '{name}' of '{text}' in {field}: not a Spanish month abbreviation "
            "(ENE FEB MAR ABR MAY JUN JUL AGO SEP OCT NOV DIC)"
        ) from None


def parse_dtg(text: str, field: str) -> datetime:
    """``DDMMMYYYY HHMMZ`` → aware UTC datetime."""
    try:
        return dates.parse_dtg(text)
    except ValueError as exc:
        raise Reject(f"date-time group in {field}: {exc}") from None


def parse_day(text: str, field: str) -> str:
    """``DDMMMYYYY`` → ISO date; ``MMMYYYY`` and ``YYYY`` give a partial date."""
    match = _DAY.fullmatch(_upper(text))
    if match is None or (match.group(1) and not match.group(2)):
        raise Reject(f"date '{text}' in {field}: expected DDMMMYYYY")
    day, name, year = match.groups()
    month = _month(name, text, field) if name else 0
    try:
        born = date(int(year), month or 1, int(day or 1))
    except ValueError as exc:
        raise Reject(f"impossible date '{text}' in {field}: {exc}") from None
    if not month:
        return year
    return born.isoformat() if day else f"{year}-{month:02d}"


def format_dtg(when: datetime) -> str:
    """Aware datetime → ``DDMMMYYYY HHMMZ`` in UTC."""
    utc = when.astimezone(UTC)
    return f"{utc.day:02d}{MONTHS[utc.month - 1]}{utc.year:04d} {utc:%H%M}Z"
