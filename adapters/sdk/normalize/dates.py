"""Dates and times as networks write them, to ISO 8601 dates and timezone-aware UTC datetimes.

Every function refuses what it cannot read with a ``ValueError`` that quotes the input and
says what was wrong ("impossible date '31/02/2026'"), so the adapter can put that reason
on the dead letter as it is.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta, timezone

_MAX_CHARS = 64
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)

# Spanish abbreviations as AMERIPOL writes them; SET is the Peruvian/Portuguese September.
# The English forms that differ (JAN APR AUG DEC) are accepted too: no abbreviation means
# one month in one language and another in the other.
_MONTHS = {
    "ENE": 1, "JAN": 1, "FEB": 2, "MAR": 3, "ABR": 4, "APR": 4, "MAY": 5, "JUN": 6,
    "JUL": 7, "AGO": 8, "AUG": 8, "SEP": 9, "SET": 9, "OCT": 10, "NOV": 11, "DIC": 12,
    "DEC": 12,
}  # fmt: skip
_SPANISH_DAY = re.compile(r"(\d{1,2})\s*([A-Za-z]{3})\s*(\d{4})", re.ASCII)
_DTG = re.compile(r"(\d{1,2})\s*([A-Za-z]{3})\s*(\d{4})\s+(\d{2}):?(\d{2})\s*[Zz]", re.ASCII)
_PARTIAL = (
    (re.compile(r"(\d{4})", re.ASCII), ("y",)),
    (re.compile(r"(\d{4})[-/](\d{1,2})", re.ASCII), ("y", "m")),
    (re.compile(r"(\d{4})[-/](\d{1,2})[-/](\d{1,2})", re.ASCII), ("y", "m", "d")),
    (re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})", re.ASCII), ("d", "m", "y")),
)


def _bounded(text: str, what: str) -> str:
    if not isinstance(text, str):
        raise ValueError(f"{what} must be text, not {type(text).__name__}")
    if len(text) > _MAX_CHARS:
        raise ValueError(f"{what} too long ({len(text)} characters)")
    return text.strip()


def _day(year: int, month: int, day: int, original: str) -> date:
    try:
        return date(year, month, day)
    except ValueError:
        raise ValueError(f"impossible date {original!r}") from None


def _month(abbreviation: str, original: str) -> int:
    month = _MONTHS.get(abbreviation.upper())
    if month is None:
        raise ValueError(f"unknown month {abbreviation!r} in {original!r}")
    return month


def local_to_utc(text: str, fmt: str, offset: timedelta) -> datetime:
    """Read a local wall-clock time in ``fmt`` (strptime codes, no zone) at a fixed UTC offset.

    ``local_to_utc("27/11/2026 09:15", "%d/%m/%Y %H:%M", timedelta(hours=-6))`` is
    15:15 UTC. The offsets are fixed because the refco states keep no daylight saving time.
    """
    value = _bounded(text, "local time")
    try:
        naive = datetime.strptime(value, fmt)
    except ValueError as exc:
        raise ValueError(f"cannot read {value!r} as {fmt!r}: {exc}") from None
    if naive.tzinfo is not None:
        raise ValueError(f"{value!r} carries its own offset; the format must not read one")
    try:
        return naive.replace(tzinfo=timezone(offset)).astimezone(UTC)
    except (ValueError, OverflowError) as exc:
        raise ValueError(f"{value!r} at offset {offset} is out of range: {exc}") from None


def from_epoch_ms(ms: int) -> datetime:
    """Unix epoch milliseconds (UTC) to a UTC datetime, exactly (no float rounding)."""
    if isinstance(ms, bool) or not isinstance(ms, int):
        raise ValueError(f"epoch milliseconds must be an integer, not {ms!r}")
    try:
        return _EPOCH + timedelta(milliseconds=ms)
    except OverflowError:
        raise ValueError(f"epoch milliseconds {ms} out of range") from None


def parse_iso_datetime(text: str) -> datetime:
    """ISO 8601 date-time with an offset or ``Z``, converted to UTC. Naive times are refused:
    guessing their zone would shift the event by hours."""
    value = _bounded(text, "date-time")
    if value[-1:] == "z":
        value = value[:-1] + "Z"
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise ValueError(f"not an ISO 8601 date-time: {value!r}") from None
    if parsed.tzinfo is None or parsed.utcoffset() is None:
        raise ValueError(f"date-time without offset or Z: {value!r}")
    return parsed.astimezone(UTC)


def parse_dtg(text: str) -> datetime:
    """AMERIPOL date-time group ``DDMMMYYYY HHMMZ`` (Spanish months) to a UTC datetime."""
    value = _bounded(text, "date-time group")
    match = _DTG.fullmatch(value)
    if match is None:
        raise ValueError(f"not a date-time group DDMMMYYYY HHMMZ: {value!r}")
    day_s, month_s, year_s, hour_s, minute_s = match.groups()
    day = _day(int(year_s), _month(month_s, value), int(day_s), value)
    hour, minute = int(hour_s), int(minute_s)
    if hour > 23 or minute > 59:
        raise ValueError(f"impossible time {hour_s}{minute_s} in {value!r}")
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=UTC)


def parse_spanish_day(text: str) -> str:
    """``02ABR1984`` (Spanish month abbreviations) to ``1984-04-02``."""
    value = _bounded(text, "date")
    match = _SPANISH_DAY.fullmatch(value)
    if match is None:
        raise ValueError(f"not a date DDMMMYYYY: {value!r}")
    day_s, month_s, year_s = match.groups()
    return _day(int(year_s), _month(month_s, value), int(day_s), value).isoformat()


def partial_date(text: str | None) -> str | None:
    """A possibly partial date to ISO (``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``); empty -> None.

    Accepts ``YYYY``, ``YYYY-MM``, ``YYYY-MM-DD``, ``YYYY/MM``, ``YYYY/MM/DD`` and
    ``dd/mm/yyyy``, and checks that the date exists.
    """
    if text is None:
        return None
    value = _bounded(text, "date")
    if not value:
        return None
    for pattern, fields in _PARTIAL:
        match = pattern.fullmatch(value)
        if match is None:
            continue
        parts = dict(zip(fields, map(int, match.groups()), strict=True))
        year, month = parts["y"], parts.get("m")
        if year < 1:
            raise ValueError(f"impossible date {value!r}")
        if month is None:
            return f"{year:04d}"
        if not 1 <= month <= 12:
            raise ValueError(f"impossible date {value!r}")
        if "d" not in parts:
            return f"{year:04d}-{month:02d}"
        return _day(year, month, parts["d"], value).isoformat()
    raise ValueError(
        f"unrecognised date {value!r} (expected YYYY, YYYY-MM, YYYY-MM-DD or dd/mm/yyyy)"
    )


def to_rfc3339(dt: datetime) -> str:
    """UTC, ``Z`` suffix; milliseconds only when the time has a fraction (truncated to ms)."""
    if dt.tzinfo is None or dt.utcoffset() is None:
        raise ValueError(f"naive datetime {dt.isoformat()}: give it a timezone first")
    utc = dt.astimezone(UTC)
    base = utc.strftime("%Y-%m-%dT%H:%M:%S")
    if utc.microsecond:
        return f"{base}.{utc.microsecond // 1000:03d}Z"
    return f"{base}Z"
