"""The period a page shows, read from its URL.

- `since` / `until`: datetimes as the API takes them (`since` inclusive, `until`
  exclusive; without an offset they are the brand's local time), which chart links use;
- `from` / `to`: the custom-range form's local dates, both included;
- `days`: a preset (7, 30 or 90) ending now;
- nothing: the API's default, the last 30 days.
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from domain.buckets import Interval
from services.charts.spec import granularity
from services.errors import InvalidInputError
from services.situation import situation_window

PRESETS = (7, 30, 90)


@dataclass(frozen=True)
class Period:
    since: datetime
    until: datetime
    preset: int | None

    @property
    def interval(self) -> Interval:
        """Hours up to 3 days, days up to 120, weeks beyond (the spec's granularity)."""
        return granularity(self.since, self.until)


def _moment(text: str, zone: ZoneInfo, *, name: str) -> datetime:
    try:
        value = datetime.fromisoformat(text.replace(" ", "+") if "T" in text else text)
    except ValueError as exc:
        raise InvalidInputError(f"{name} is not a date or datetime: {text!r}") from exc
    return value.replace(tzinfo=zone) if value.tzinfo is None else value


def _local_day(text: str, zone: ZoneInfo, *, name: str) -> datetime:
    try:
        day = date.fromisoformat(text)
    except ValueError as exc:
        raise InvalidInputError(f"{name} is not a date (YYYY-MM-DD): {text!r}") from exc
    return datetime.combine(day, time(), tzinfo=zone)


def read_period(
    *,
    since: str | None,
    until: str | None,
    from_day: str | None,
    to_day: str | None,
    days: int | None,
    timezone: str,
    now: datetime,
) -> Period:
    zone = ZoneInfo(timezone)
    start = _moment(since, zone, name="since") if since else None
    end = _moment(until, zone, name="until") if until else None
    if from_day:
        start = _local_day(from_day, zone, name="from")
    if to_day:
        end = _local_day(to_day, zone, name="to") + timedelta(days=1)
    preset = None
    if days is not None and start is None and end is None:
        if days not in PRESETS:
            raise InvalidInputError(f"days must be one of {', '.join(map(str, PRESETS))}")
        preset, end, start = days, now, now - timedelta(days=days)
    if start is None and end is None:
        preset = 30
    start_utc, end_utc = situation_window(start, end, now)
    return Period(
        start_utc.astimezone(ZoneInfo("UTC")), end_utc.astimezone(ZoneInfo("UTC")), preset
    )


def local_days(since: datetime, until: datetime, timezone: str) -> tuple[date, date]:
    """The first and last local days of [since, until) (both included)."""
    zone = ZoneInfo(timezone)
    last = until.astimezone(zone) - timedelta(microseconds=1)
    return since.astimezone(zone).date(), max(last.date(), since.astimezone(zone).date())


def form_days(period: Period, timezone: str) -> tuple[str, str]:
    """The custom-range form's first and last local days of the period (both included)."""
    first, last = local_days(period.since, period.until, timezone)
    return first.isoformat(), last.isoformat()


def read_range(
    *,
    since: str | None,
    until: str | None,
    from_day: str | None,
    to_day: str | None,
    timezone: str,
) -> tuple[datetime | None, datetime | None]:
    """An optional [since, until) for the mention list (no default period)."""
    zone = ZoneInfo(timezone)
    start = _moment(since, zone, name="since") if since else None
    end = _moment(until, zone, name="until") if until else None
    if from_day:
        start = _local_day(from_day, zone, name="from")
    if to_day:
        end = _local_day(to_day, zone, name="to") + timedelta(days=1)
    return start, end
