"""Trend buckets in a brand's timezone: a day is a local day (23 or 25 hours across DST)."""

from datetime import UTC, datetime, timedelta
from typing import Literal
from zoneinfo import ZoneInfo

Interval = Literal["hour", "day", "week"]
MAX_BUCKETS = 5000


def _floor_local(moment: datetime, interval: Interval, zone: ZoneInfo) -> datetime:
    local = moment.astimezone(zone)
    if interval == "hour":
        return local.replace(minute=0, second=0, microsecond=0)
    day = local.replace(hour=0, minute=0, second=0, microsecond=0, tzinfo=None)
    if interval == "week":
        day -= timedelta(days=day.weekday())  # weeks start on Monday (ISO 8601)
    return day.replace(tzinfo=zone)


def _next_start(start: datetime, interval: Interval, zone: ZoneInfo) -> datetime:
    if interval == "hour":
        # Step in UTC: local hours repeat or vanish at DST changes, UTC hours never do.
        return (start.astimezone(UTC) + timedelta(hours=1)).astimezone(zone)
    step = timedelta(days=7 if interval == "week" else 1)
    naive = start.replace(tzinfo=None) + step
    return naive.replace(tzinfo=zone)


def bucket_bounds(
    since: datetime, until: datetime, interval: Interval, timezone: str
) -> list[tuple[datetime, datetime]]:
    """[start, end) pairs in UTC covering [since, until), the first aligned to the local
    interval that contains `since`. Raises ValueError past MAX_BUCKETS."""
    zone = ZoneInfo(timezone)
    start = _floor_local(since, interval, zone)
    bounds: list[tuple[datetime, datetime]] = []
    while start.astimezone(UTC) < until.astimezone(UTC):
        end = _next_start(start, interval, zone)
        bounds.append((start.astimezone(UTC), end.astimezone(UTC)))
        if len(bounds) > MAX_BUCKETS:
            raise ValueError(f"more than {MAX_BUCKETS} {interval} buckets; narrow since/until")
        start = end
    return bounds
