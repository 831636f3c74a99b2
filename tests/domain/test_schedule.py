from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from domain.schedule import covered_window, next_send_time, parse_hhmm


def utc(
    year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0
) -> datetime:
    return datetime(year, month, day, hour, minute, second, tzinfo=UTC)


def sends(start: datetime, count: int, **rule: object) -> list[datetime]:
    found, after = [], start
    for _ in range(count):
        after = next_send_time(after, **rule)  # type: ignore[arg-type]
        found.append(after)
    return found


def test_daily_0800_in_madrid_stays_0800_local_across_spring_forward() -> None:
    times = sends(utc(2026, 3, 27, 12), 3, schedule="daily", at=time(8), timezone="Europe/Madrid")
    assert times == [utc(2026, 3, 28, 7), utc(2026, 3, 29, 6), utc(2026, 3, 30, 6)]
    zone = ZoneInfo("Europe/Madrid")
    assert [t.astimezone(zone).strftime("%H:%M %Z") for t in times] == [
        "08:00 CET",
        "08:00 CEST",
        "08:00 CEST",
    ]


def test_daily_0800_in_madrid_across_fall_back() -> None:
    times = sends(utc(2026, 10, 23, 12), 3, schedule="daily", at=time(8), timezone="Europe/Madrid")
    assert times == [utc(2026, 10, 24, 6), utc(2026, 10, 25, 7), utc(2026, 10, 26, 7)]


@pytest.mark.parametrize(
    ("zone", "day", "expected"),
    [
        ("Europe/Madrid", (2026, 3, 29), utc(2026, 3, 29, 1, 30)),  # 03:30 CEST
        ("America/New_York", (2026, 3, 8), utc(2026, 3, 8, 7, 30)),  # 03:30 EDT
    ],
)
def test_a_local_time_skipped_by_spring_forward_goes_out_a_gap_later(
    zone: str, day: tuple[int, int, int], expected: datetime
) -> None:
    before = datetime(*day, tzinfo=UTC) - timedelta(hours=12)
    sent = next_send_time(before, schedule="daily", at=time(2, 30), timezone=zone)
    assert sent == expected
    assert sent.astimezone(ZoneInfo(zone)).strftime("%H:%M") == "03:30"


def test_a_repeated_local_time_goes_out_once_at_its_first_occurrence() -> None:
    # New York, 1 Nov 2026: 01:30 happens at 05:30 UTC (EDT) and again at 06:30 UTC (EST).
    times = sends(
        utc(2026, 10, 31, 12), 2, schedule="daily", at=time(1, 30), timezone="America/New_York"
    )
    assert times == [utc(2026, 11, 1, 5, 30), utc(2026, 11, 2, 6, 30)]


def test_weekly_on_its_weekday_and_strictly_after() -> None:
    rule = {
        "schedule": "weekly",
        "at": time(9),
        "timezone": "America/Mexico_City",
        "weekday": "wednesday",
    }
    first = next_send_time(utc(2026, 6, 1, 0), **rule)  # type: ignore[arg-type]
    assert first == utc(2026, 6, 3, 15)  # Wednesday 09:00 CST (UTC-6)
    assert (
        first.astimezone(ZoneInfo("America/Mexico_City")).strftime("%A %H:%M") == "Wednesday 09:00"
    )
    assert next_send_time(first, **rule) == first + timedelta(days=7)  # type: ignore[arg-type]
    assert next_send_time(first - timedelta(seconds=1), **rule) == first  # type: ignore[arg-type]


def test_windows_cover_the_day_or_week_before_the_send() -> None:
    sent = utc(2026, 3, 29, 6)
    assert covered_window(sent, "daily") == (utc(2026, 3, 28, 6), sent)
    assert covered_window(sent, "weekly") == (utc(2026, 3, 22, 6), sent)


@pytest.mark.parametrize("bad", ["8:00", "24:00", "08:60", "0800", "ab:cd", "08:00:00", ""])
def test_times_must_be_hh_mm(bad: str) -> None:
    with pytest.raises(ValueError, match="HH:MM"):
        parse_hhmm(bad)
    assert parse_hhmm("23:59") == time(23, 59)
