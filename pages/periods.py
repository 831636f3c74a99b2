"""The period a page shows, read from its URL.

- `since` / `until`: datetimes as the API takes them (`since` inclusive, `until`
  exclusive; without an offset they are the brand's local time), which chart links use;
- `from` / `to`: the custom-range form's local dates, both included, written as the
  page's locale writes a day (01/12/2026 in es-MX, 12/1/2026 in en-US) or as ISO 8601;
- `days`: a preset (7, 30 or 90) ending now;
- nothing: the API's default, the last 30 days.
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from starlette.datastructures import URL, QueryParams

from core.i18n import Formats
from domain.buckets import Interval
from pages.i18n import Gettext
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


@dataclass(frozen=True)
class DayReader:
    """Reads a date field as the page's locale writes it; a refusal says, in the page's
    language, how to write it."""

    fmt: Formats
    gettext: Gettext

    def __call__(self, text: str) -> date:
        try:
            return self.fmt.read_day_field(text)
        except ValueError as exc:
            raise InvalidInputError(self.refusal(text)) from exc

    def refusal(self, text: str) -> str:
        message = self.gettext(
            "“%(text)s” is not a date: write it as %(pattern)s, e.g. %(example)s"
        )
        example = self.fmt.day_field(datetime.now(ZoneInfo(self.fmt.timezone)).date())
        return message % {"text": text, "pattern": self.fmt.day_field_hint, "example": example}


DAY_FIELDS = ("from", "to")


def iso_days_url(url: URL, read_day: DayReader) -> str | None:
    """The URL with its typed ``from``/``to`` days in ISO 8601, when one was typed otherwise
    (12/1/2026): a page redirects there, so that a bookmark, a shared link or a switch of
    language reads the same days. None when there is nothing to rewrite."""
    params = QueryParams(url.query)
    typed = {name: params.get(name) or "" for name in DAY_FIELDS}
    iso = {name: read_day(text).isoformat() for name, text in typed.items() if text}
    if all(typed[name] == day for name, day in iso.items()):
        return None
    return str(url.include_query_params(**iso))


def shown_days(url: URL, fmt: Formats) -> dict[str, str]:
    """The date fields' values as the locale writes them (as typed when they are no date)."""
    shown, params = {}, QueryParams(url.query)
    for name in DAY_FIELDS:
        text = params.get(name) or ""
        try:
            shown[name] = fmt.day_field(date.fromisoformat(text)) if text else ""
        except ValueError:
            shown[name] = text
    return shown


def local_day_start(text: str, zone: ZoneInfo, read_day: DayReader) -> datetime:
    """The start, in `zone`, of the day typed in a date field."""
    return datetime.combine(read_day(text), time(), tzinfo=zone)


def read_period(
    *,
    since: str | None,
    until: str | None,
    from_day: str | None,
    to_day: str | None,
    days: int | None,
    timezone: str,
    now: datetime,
    read_day: DayReader,
) -> Period:
    zone = ZoneInfo(timezone)
    start = _moment(since, zone, name="since") if since else None
    end = _moment(until, zone, name="until") if until else None
    if from_day:
        start = local_day_start(from_day, zone, read_day)
    if to_day:
        end = local_day_start(to_day, zone, read_day) + timedelta(days=1)
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


def form_days(period: Period, fmt: Formats) -> tuple[str, str]:
    """The custom-range form's first and last local days of the period (both included), as
    the locale writes them."""
    first, last = local_days(period.since, period.until, fmt.timezone)
    return fmt.day_field(first), fmt.day_field(last)


def read_range(
    *,
    since: str | None,
    until: str | None,
    from_day: str | None,
    to_day: str | None,
    timezone: str,
    read_day: DayReader,
) -> tuple[datetime | None, datetime | None]:
    """An optional [since, until) for the mention list (no default period)."""
    zone = ZoneInfo(timezone)
    start = _moment(since, zone, name="since") if since else None
    end = _moment(until, zone, name="until") if until else None
    if from_day:
        start = local_day_start(from_day, zone, read_day)
    if to_day:
        end = local_day_start(to_day, zone, read_day) + timedelta(days=1)
    return start, end
