"""When a digest goes out: a local wall-clock time in the brand's IANA timezone.

`next_send_time` is the first send strictly after a moment, returned in UTC. A daily digest
goes out every local day at HH:MM, a weekly one on its weekday. The UTC instant moves with
daylight saving time, the local time does not (08:00 is 07:00 UTC in Madrid's winter and
06:00 UTC in its summer). Two local times need a rule:

* a time that does not exist that day (it falls in the hour skipped when clocks go
  forward) is sent as many minutes later as the gap is long: 02:30 on the spring-forward
  day goes out at 03:30 local time, which is what a clock that skipped the hour reads;
* a time that happens twice (the hour repeated when clocks go back) is sent once, at its
  first occurrence (the earlier UTC instant, Python's fold=0).
"""

from datetime import UTC, date, datetime, time, timedelta
from typing import Literal
from zoneinfo import ZoneInfo

Schedule = Literal["daily", "weekly"]
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
PERIOD = {"daily": timedelta(days=1), "weekly": timedelta(days=7)}


def parse_hhmm(value: str) -> time:
    """'08:00' -> time(8, 0); ValueError for anything else."""
    hours, sep, minutes = value.partition(":")
    if not (sep and len(hours) == 2 and len(minutes) == 2 and (hours + minutes).isdigit()):
        raise ValueError(f"time must be HH:MM (24-hour), not {value!r}")
    try:
        return time(int(hours), int(minutes))
    except ValueError:
        raise ValueError(f"time must be HH:MM (24-hour), not {value!r}") from None


def local_send_instant(day: date, at: time, zone: ZoneInfo) -> datetime:
    """The UTC instant of local `day` at `at`, with the gap and overlap rules above."""
    wall = datetime.combine(day, at).replace(tzinfo=zone, fold=0)
    # fold=0 reads a skipped time with the offset from before the gap, which lands it
    # gap-length later; a repeated time gets its first (pre-transition) offset.
    return wall.astimezone(UTC)


def next_send_time(
    after: datetime,
    *,
    schedule: Schedule,
    at: time,
    timezone: str,
    weekday: str | None = None,
) -> datetime:
    """The first send strictly after `after` (an aware datetime), in UTC."""
    zone = ZoneInfo(timezone)
    wanted = WEEKDAYS.index(weekday or "monday") if schedule == "weekly" else None
    start = after.astimezone(zone).date() - timedelta(days=1)
    for offset in range(10):
        day = start + timedelta(days=offset)
        if wanted is not None and day.weekday() != wanted:
            continue
        instant = local_send_instant(day, at, zone)
        if instant > after:
            return instant
    raise AssertionError("unreachable: a week always contains the weekday")  # pragma: no cover


def covered_window(send_time: datetime, schedule: Schedule) -> tuple[datetime, datetime]:
    """A daily digest covers the 24 hours before it is sent, a weekly one the 7 days."""
    return send_time - PERIOD[schedule], send_time
