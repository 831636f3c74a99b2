from datetime import UTC, datetime, timedelta

import pytest

from domain.buckets import bucket_bounds


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


def test_days_are_local_days_in_the_brand_timezone() -> None:
    bounds = bucket_bounds(utc(2026, 3, 1, 12), utc(2026, 3, 3, 12), "day", "America/Mexico_City")
    # Mexico City is UTC-6 all year since 2022: local midnight is 06:00 UTC.
    assert [start for start, _ in bounds] == [
        utc(2026, 3, 1, 6),
        utc(2026, 3, 2, 6),
        utc(2026, 3, 3, 6),
    ]


def test_a_day_across_spring_forward_lasts_23_hours() -> None:
    bounds = bucket_bounds(utc(2026, 3, 28, 12), utc(2026, 3, 30, 12), "day", "Europe/Madrid")
    lengths = [end - start for start, end in bounds]
    assert bounds[0][0] == utc(2026, 3, 27, 23)  # 28 March 00:00 CET
    assert lengths == [timedelta(hours=24), timedelta(hours=23), timedelta(hours=24)]


def test_a_day_across_fall_back_lasts_25_hours() -> None:
    bounds = bucket_bounds(utc(2026, 10, 25, 0), utc(2026, 10, 26, 0), "day", "Europe/Madrid")
    assert bounds[0] == (utc(2026, 10, 24, 22), utc(2026, 10, 25, 23))


def test_hours_never_repeat_or_vanish_at_dst() -> None:
    bounds = bucket_bounds(utc(2026, 10, 25, 0), utc(2026, 10, 25, 3), "hour", "Europe/Madrid")
    assert [end - start for start, end in bounds] == [timedelta(hours=1)] * 3


def test_weeks_start_on_monday_local() -> None:
    bounds = bucket_bounds(utc(2026, 11, 26), utc(2026, 12, 1), "week", "UTC")
    assert bounds[0][0] == utc(2026, 11, 23)
    assert bounds[1][0] == utc(2026, 11, 30)


def test_half_hour_offsets_are_exact() -> None:
    bounds = bucket_bounds(utc(2026, 1, 1, 12), utc(2026, 1, 2, 12), "day", "Asia/Kolkata")
    assert bounds[0][0] == utc(2025, 12, 31, 18, 30)


def test_too_many_buckets_is_refused() -> None:
    with pytest.raises(ValueError, match="buckets"):
        bucket_bounds(utc(2000, 1, 1), utc(2026, 1, 1), "hour", "UTC")
