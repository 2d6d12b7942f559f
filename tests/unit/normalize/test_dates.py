"""Dates and times as networks write them, to ISO dates and aware UTC datetimes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from adapters.sdk.normalize.dates import (
    from_epoch_ms,
    local_to_utc,
    parse_dtg,
    parse_iso_datetime,
    parse_spanish_day,
    partial_date,
    to_rfc3339,
)


def test_refco_local_time_in_utc_minus_6_becomes_utc() -> None:
    got = local_to_utc("27/11/2026 09:15", "%d/%m/%Y %H:%M", timedelta(hours=-6))
    assert got == datetime(2026, 11, 27, 15, 15, tzinfo=UTC)
    assert got.tzinfo is UTC


def test_local_time_crossing_midnight_moves_the_date() -> None:
    got = local_to_utc("28/11/2026 22:40", "%d/%m/%Y %H:%M", timedelta(hours=-4))
    assert got == datetime(2026, 11, 29, 2, 40, tzinfo=UTC)


@pytest.mark.parametrize("text", ["31/02/2026 09:15", "27/11/2026", "27-11-2026 09:15", ""])
def test_local_time_that_does_not_fit_the_format_is_refused(text: str) -> None:
    with pytest.raises(ValueError, match="cannot read"):
        local_to_utc(text, "%d/%m/%Y %H:%M", timedelta(hours=-6))


def test_epoch_milliseconds_are_exact_utc() -> None:
    got = from_epoch_ms(1764356400123)
    assert got == datetime(2025, 11, 28, 19, 0, 0, 123000, tzinfo=UTC)
    assert got.tzinfo is UTC


@pytest.mark.parametrize("value", [True, 1.5, "1764356400000", 10**20])
def test_epoch_milliseconds_that_are_not_a_sane_integer_are_refused(value: object) -> None:
    with pytest.raises(ValueError, match="epoch milliseconds"):
        from_epoch_ms(value)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-11-27T16:42:10-06:00", datetime(2026, 11, 27, 22, 42, 10, tzinfo=UTC)),
        ("2026-11-29T10:05:00-03:00", datetime(2026, 11, 29, 13, 5, tzinfo=UTC)),
        ("2026-11-28T13:05:00.000Z", datetime(2026, 11, 28, 13, 5, tzinfo=UTC)),
        ("2026-11-28T13:05:00z", datetime(2026, 11, 28, 13, 5, tzinfo=UTC)),
    ],
)
def test_iso_datetimes_with_offset_or_z_become_utc(text: str, expected: datetime) -> None:
    got = parse_iso_datetime(text)
    assert got == expected
    assert got.utcoffset() == timedelta(0)


@pytest.mark.parametrize("text", ["2026-11-27T16:42:10", "2026-11-27", "yesterday", ""])
def test_naive_or_unreadable_datetimes_are_refused(text: str) -> None:
    with pytest.raises(ValueError, match=r"offset|ISO 8601"):
        parse_iso_datetime(text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("28NOV2026 1430Z", datetime(2026, 11, 28, 14, 30, tzinfo=UTC)),
        ("02ENE2026 0005Z", datetime(2026, 1, 2, 0, 5, tzinfo=UTC)),
        ("15ago2026 2359z", datetime(2026, 8, 15, 23, 59, tzinfo=UTC)),
        ("31DIC2026 1200Z", datetime(2026, 12, 31, 12, 0, tzinfo=UTC)),
    ],
)
def test_ameripol_date_time_groups_use_spanish_months(text: str, expected: datetime) -> None:
    assert parse_dtg(text) == expected


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("31FEB2026 1430Z", "impossible date"),
        ("28XYZ2026 1430Z", "unknown month"),
        ("28NOV2026 2530Z", "impossible time"),
        ("28NOV2026 1430", "date-time group"),
        ("2026-11-28T14:30Z", "date-time group"),
    ],
)
def test_bad_date_time_groups_say_what_is_wrong(text: str, reason: str) -> None:
    with pytest.raises(ValueError, match=reason):
        parse_dtg(text)


@pytest.mark.parametrize(
    ("text", "iso"),
    [("02ABR1984", "1984-04-02"), ("17ene1979", "1979-01-17"), ("9SEP2001", "2001-09-09")],
)
def test_spanish_day_becomes_iso(text: str, iso: str) -> None:
    assert parse_spanish_day(text) == iso


def test_spanish_day_that_does_not_exist_is_refused() -> None:
    with pytest.raises(ValueError, match="impossible date '30FEB1984'"):
        parse_spanish_day("30FEB1984")


@pytest.mark.parametrize(
    ("text", "iso"),
    [
        ("1979/01/17", "1979-01-17"),  # interpol
        ("1991", "1991"),  # interpol and oas-hien: year only
        ("1985-07-21", "1985-07-21"),  # aiamp
        ("05/09/1988", "1988-09-05"),  # refco dd/mm/yyyy
        ("12/02/1975", "1975-02-12"),  # rempm
        ("2026-02", "2026-02"),
        ("2026/02", "2026-02"),
        ("2024-02-29", "2024-02-29"),
        (" 1983 ", "1983"),
    ],
)
def test_partial_dates_are_normalised_to_iso(text: str, iso: str) -> None:
    assert partial_date(text) == iso


@pytest.mark.parametrize("text", [None, "", "   "])
def test_empty_partial_date_is_none(text: str | None) -> None:
    assert partial_date(text) is None


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("31/02/2026", "impossible date '31/02/2026'"),
        ("2026-02-30", "impossible date '2026-02-30'"),
        ("2025-02-29", "impossible date"),
        ("2026-13", "impossible date"),
        ("0000", "impossible date"),
        ("17.01.1979", "unrecognised date"),
        ("January 1979", "unrecognised date"),
    ],
)
def test_impossible_or_unreadable_partial_dates_say_why(text: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        partial_date(text)


def test_rfc3339_is_utc_with_z_and_no_zero_fraction() -> None:
    local = datetime(2026, 11, 27, 9, 15, tzinfo=timezone(timedelta(hours=-6)))
    assert to_rfc3339(local) == "2026-11-27T15:15:00Z"


def test_rfc3339_keeps_milliseconds_when_present() -> None:
    assert to_rfc3339(from_epoch_ms(1764356400123)) == "2025-11-28T19:00:00.123Z"
    assert to_rfc3339(datetime(2026, 1, 1, 0, 0, 0, 5000, tzinfo=UTC)) == "2026-01-01T00:00:00.005Z"


def test_rfc3339_refuses_naive_datetimes() -> None:
    with pytest.raises(ValueError, match="naive"):
        to_rfc3339(datetime(2026, 1, 1))
