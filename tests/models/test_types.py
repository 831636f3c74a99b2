"""Datetimes go into SQLite as SQLAlchemy writes them, whatever zone they come in."""

import random
from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy import DateTime
from sqlalchemy.dialects import sqlite

from models.types import UTCDateTime

SQLITE = sqlite.dialect()


def test_sqlite_datetimes_are_the_utc_text_sqlalchemy_writes() -> None:
    ours = UTCDateTime().dialect_impl(SQLITE).bind_processor(SQLITE)
    sqlalchemys = DateTime().dialect_impl(SQLITE).bind_processor(SQLITE)
    assert ours is not None and sqlalchemys is not None
    draw = random.Random(20261127)
    for _ in range(5000):
        zone = timezone(timedelta(minutes=draw.randint(-14 * 60, 14 * 60)))
        moment = datetime(1, 1, 2, tzinfo=UTC) + timedelta(
            seconds=draw.uniform(0, 315_000_000_000), microseconds=draw.choice([0, 1, 999_999])
        )
        given = moment.astimezone(draw.choice([UTC, zone]))
        assert ours(given) == sqlalchemys(moment.replace(tzinfo=None))
    assert ours(datetime(2026, 11, 1, 9, tzinfo=UTC)) == "2026-11-01 09:00:00.000000"
    assert ours(None) is None


def test_a_naive_datetime_is_refused() -> None:
    process = UTCDateTime().dialect_impl(SQLITE).bind_processor(SQLITE)
    assert process is not None
    with pytest.raises(ValueError, match="naive"):
        process(datetime(2026, 11, 1, 9))
