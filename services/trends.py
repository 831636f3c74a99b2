"""The trend series: one bucket per local hour, day or week, empty buckets as zeros."""

import bisect
import math
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import reduce

from sqlmodel import Session

from domain.buckets import Interval, bucket_bounds
from models.mentions import MentionFilter, SlotCounts, slot_counts
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


def slot_seconds_for(bounds: list[tuple[datetime, datetime]]) -> int:
    """The largest UTC slot (at most a day) that every bucket boundary falls on: 86400 for
    UTC days, 3600 for whole-hour offsets, 1800 or 900 for India or Nepal."""
    edges = [int(start.timestamp()) for start, _ in bounds] + [int(bounds[-1][1].timestamp())]
    return reduce(math.gcd, edges, 86400)


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
    # buckets only count what falls inside the window.
    f = MentionFilter(
        workspace_id=brand.workspace_id,
        brand_id=brand.id,
        since=since,
        until=until,
        source_kind=source_kind,
        label=label,
    )
    slot = slot_seconds_for(bounds)
    starts = [start.timestamp() for start, _ in bounds]
    totals: dict[int, list[float]] = {}
    for counts in slot_counts(session, f, slot_seconds=slot):
        index = bisect.bisect_right(starts, counts.slot * slot) - 1
        _add(totals.setdefault(index, [0, 0, 0, 0, 0.0]), counts)
    return [_bucket(start, totals.get(index)) for index, (start, _end) in enumerate(bounds)]


def _add(total: list[float], counts: SlotCounts) -> None:
    total[0] += counts.mentions
    total[1] += counts.positive
    total[2] += counts.neutral
    total[3] += counts.negative
    total[4] += counts.compound_sum


def _bucket(start: datetime, total: list[float] | None) -> TrendBucketData:
    mentions, positive, neutral, negative, compound = (
        (int(total[0]), int(total[1]), int(total[2]), int(total[3]), total[4])
        if total
        else (0, 0, 0, 0, 0.0)
    )
    return TrendBucketData(
        start=start,
        mentions=mentions,
        positive=positive,
        neutral=neutral,
        negative=negative,
        avg_sentiment=round(compound / mentions, 4) if mentions else 0.0,
        net_sentiment=net_sentiment(positive, negative, mentions),
    )
