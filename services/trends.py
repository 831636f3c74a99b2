"""The trend series: one bucket per local hour, day or week, empty buckets as zeros."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlmodel import Session

from domain.buckets import Interval, bucket_bounds
from models.reports import Bucketing, Totals, Window, bucket_totals
from models.tables import Brand
from services.errors import InvalidInputError

DEFAULT_SPAN = {"hour": timedelta(hours=48), "day": timedelta(days=30), "week": timedelta(weeks=26)}


@dataclass(frozen=True)
class TrendBucketData:
    start: datetime
    mentions: int
    positive: int
    neutral: int
    negative: int
    avg_sentiment: float | None  # None in an empty bucket: no mention, no mean
    net_sentiment: float


def net_sentiment(positive: int, negative: int, mentions: int) -> float:
    return round((positive - negative) / mentions * 100, 2) if mentions else 0.0


def default_window(
    since: datetime | None, until: datetime | None, interval: Interval, now: datetime
) -> tuple[datetime, datetime]:
    until = until or now
    since = since or until - DEFAULT_SPAN[interval]
    if since >= until:
        raise InvalidInputError("since must be before until")
    return since, until


def build_trend(
    session: Session,
    brand: Brand,
    *,
    since: datetime,
    until: datetime,
    interval: Interval,
    source_kind: str | None = None,
    label: str | None = None,
) -> list[TrendBucketData]:
    try:
        bounds = bucket_bounds(since, until, interval, brand.timezone)
    except ValueError as exc:
        raise InvalidInputError(str(exc)) from exc
    # `since` is inclusive and `until` exclusive for every endpoint, so the first and last
    # buckets only count what falls inside the window. Counts come from the hourly rollup
    # plus the partial hours at the edges (models.reports), grouped by local bucket in SQL.
    assert brand.id is not None
    bucketing = Bucketing.for_window(interval, brand.timezone, since, until)
    window = Window(
        (brand.id,),
        since,
        until,
        source_kind=source_kind,
        cuts=bucketing.cuts([start for start, _ in bounds[1:]]),
    )
    totals = bucket_totals(session, window, bucketing)
    empty = Totals()
    return [
        trend_bucket(start, totals.get((brand.id, bucketing.key_of(start)), empty).only(label))
        for start, _end in bounds
    ]


def trend_bucket(start: datetime, totals: Totals) -> TrendBucketData:
    """The bucket starting at `start` holding `totals`."""
    mentions = totals.mentions
    return TrendBucketData(
        start=start,
        mentions=mentions,
        positive=totals.positive,
        neutral=totals.neutral,
        negative=totals.negative,
        avg_sentiment=round(totals.compound_micro / 1_000_000 / mentions, 4) if mentions else None,
        net_sentiment=net_sentiment(totals.positive, totals.negative, mentions),
    )
