"""Parameter types shared by every endpoint: moments (dates and datetimes) and ids."""

from datetime import datetime
from typing import Annotated

from pydantic import Field, PlainValidator, WithJsonSchema

from domain.moments import RANGE_TEXT, read_moment, to_utc
from services.errors import InvalidInputError

MAX_ID = 2**63 - 1  # the largest id a row can have (a signed 64-bit key)

MOMENT_DESCRIPTION = (
    "An ISO date or datetime; a date or a datetime without an offset is read in the brand's "
    f"timezone (UTC where the request names no brand); {RANGE_TEXT}."
)

Moment = Annotated[
    datetime,
    PlainValidator(read_moment),
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "string", "format": "date"},
                {"type": "string", "format": "date-time"},
            ],
            "description": MOMENT_DESCRIPTION,
        }
    ),
]
"""A date or datetime as given: naive when it had no offset (see ``in_zone``)."""

Id = Annotated[int, Field(ge=1, le=MAX_ID)]


def in_zone(moment: datetime | None, timezone: str = "UTC") -> datetime | None:
    """A ``Moment`` as an aware UTC instant, a local time read in `timezone`."""
    return None if moment is None else to_utc(moment, timezone)


def window_in(
    since: datetime | None, until: datetime | None, timezone: str = "UTC"
) -> tuple[datetime | None, datetime | None]:
    """`since` and `until` read in `timezone`; `since` after `until` is refused (422)."""
    low, high = in_zone(since, timezone), in_zone(until, timezone)
    if low is not None and high is not None and low > high:
        raise InvalidInputError("since must not be after until")
    return low, high
