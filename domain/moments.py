"""How a date or datetime given to the API is read: one rule for every endpoint.

An ISO date (`2026-11-30`) or a datetime without an offset (`2026-11-30T08:00:00`) is a
local time, read in the brand's timezone (UTC where no brand is named); a datetime with an
offset or `Z` is that instant. Only years 1900 to 2199 are taken, so that every window,
default and bucket built from a moment stays inside the calendar.
"""

import re
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

EARLIEST_YEAR = 1900
LATEST_YEAR = 2199
RANGE_TEXT = f"years {EARLIEST_YEAR} to {LATEST_YEAR}"

_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_DATETIME = re.compile(
    r"\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?([Zz]|[+-]\d{2}:?\d{2})?"
)


def read_moment(value: object) -> datetime:
    """An ISO date or datetime (a string, or a date/datetime object) as a datetime: naive
    when the input had no offset. Raises ValueError naming what is accepted."""
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, date):
        moment = datetime(value.year, value.month, value.day)
    elif isinstance(value, str):
        moment = _parse(value.strip())
    else:
        raise ValueError(_EXPECTED)
    if not EARLIEST_YEAR <= moment.year <= LATEST_YEAR:
        raise ValueError(f"dates must fall in {RANGE_TEXT}")
    return moment


_EXPECTED = (
    "expected an ISO date (2026-11-30) or datetime (2026-11-30T08:00:00, "
    "2026-11-30T08:00:00-06:00, 2026-11-30T14:00:00Z)"
)


def _parse(text: str) -> datetime:
    try:
        if _DATE.fullmatch(text):
            day = date.fromisoformat(text)
            return datetime(day.year, day.month, day.day)
        if _DATETIME.fullmatch(text):
            return datetime.fromisoformat(text.upper().replace("Z", "+00:00"))
    except ValueError:
        pass
    raise ValueError(_EXPECTED)


def to_utc(moment: datetime, timezone: str = "UTC") -> datetime:
    """The instant `moment` names: a naive one is read as a local time in `timezone`."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=ZoneInfo(timezone))
    return moment.astimezone(UTC)
