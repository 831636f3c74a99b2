"""The trend series: one bucket per local hour, day or week, empty buckets as zeros."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlmodel import Session

from domain.buckets import Interval, bucket_bounds
from models.mentions import MentionFilter, bucket_counts
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
    avg_sentiment: float
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
    # The first and last buckets are clipped to [since, until): `since` is inclusive,
    # `until` exclusive, for every endpoint.
    clipped = [(max(start, since), min(end, until)) for start, end in bounds]
    f = MentionFilter(
        workspace_id=brand.workspace_id, brand_id=brand.id, source_kind=source_kind, label=label
    )
    counts = bucket_counts(session, f, clipped)
    series = []
    for index, (start, _end) in enumerate(bounds):
        c = counts.get(index)
        mentions = c.mentions if c else 0
        series.append(
            TrendBucketData(
                start=start,
                mentions=mentions,
                positive=c.positive if c else 0,
                neutral=c.neutral if c else 0,
                negative=c.negative if c else 0,
                avg_sentiment=round(c.compound_sum / mentions, 4) if c and mentions else 0.0,
                net_sentiment=net_sentiment(c.positive, c.negative, mentions) if c else 0.0,
            )
        )
    return series
