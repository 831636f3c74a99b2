"""Share of voice over time: the mentions of the brand and of each competitor per local
bucket, from the hourly rollup (one grouped query for all of them). The overview reads its
volume trend from the same statement (`build_series`): the brand's buckets are among them."""

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session

from domain.buckets import Interval, bucket_bounds
from models import report_details as details
from models.reports import Bucketing, Totals, Window, bucket_totals
from models.tables import Brand
from services.errors import InvalidInputError
from services.trends import TrendBucketData, trend_bucket


@dataclass(frozen=True)
class VoiceTrend:
    interval: Interval
    until: datetime
    starts: list[datetime]
    brands: list[tuple[int, str]]  # the brand first, then its competitors that exist
    counts: dict[int, list[int]]  # per brand id, one count per bucket


def build_voice_trend(
    session: Session, brand: Brand, *, since: datetime, until: datetime, interval: Interval
) -> VoiceTrend:
    return build_series(session, brand, since=since, until=until, interval=interval)[1]


def build_series(
    session: Session, brand: Brand, *, since: datetime, until: datetime, interval: Interval
) -> tuple[list[TrendBucketData], VoiceTrend]:
    """The brand's trend (as `services.trends.build_trend` without filters) and the share
    of voice over time, from one grouped query over the brand and its competitors."""
    assert brand.id is not None
    ids = list(dict.fromkeys([brand.id, *brand.competitor_ids]))
    names = details.brand_names(session, workspace_id=brand.workspace_id, ids=ids)
    brands = [(i, names[i]) for i in ids if i in names]
    try:
        bounds = bucket_bounds(since, until, interval, brand.timezone)
    except ValueError as exc:
        raise InvalidInputError(str(exc)) from exc
    bucketing = Bucketing.for_window(interval, brand.timezone, since, until)
    read = tuple(dict.fromkeys([brand.id, *(i for i, _ in brands)]))
    window = Window(read, since, until, cuts=bucketing.cuts([s for s, _ in bounds[1:]]))
    totals = bucket_totals(session, window, bucketing)
    keys = [bucketing.key_of(start) for start, _ in bounds]
    empty = Totals()
    counts = {b: [totals.get((b, key), empty).mentions for key in keys] for b, _ in brands}
    trend = [
        trend_bucket(start, totals.get((brand.id, key), empty))
        for (start, _), key in zip(bounds, keys, strict=True)
    ]
    voices = VoiceTrend(interval, until, [start for start, _ in bounds], brands, counts)
    return trend, voices
