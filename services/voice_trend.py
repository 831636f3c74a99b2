"""Share of voice over time: the mentions of the brand and of each competitor per local
bucket, from the hourly rollup (one grouped query for all of them)."""

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session

from domain.buckets import Interval, bucket_bounds
from models import report_details as details
from models.reports import Bucketing, Window, bucket_totals
from models.tables import Brand
from services.errors import InvalidInputError


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
    assert brand.id is not None
    ids = list(dict.fromkeys([brand.id, *brand.competitor_ids]))
    names = details.brand_names(session, workspace_id=brand.workspace_id, ids=ids)
    brands = [(i, names[i]) for i in ids if i in names]
    try:
        bounds = bucket_bounds(since, until, interval, brand.timezone)
    except ValueError as exc:
        raise InvalidInputError(str(exc)) from exc
    bucketing = Bucketing.for_window(interval, brand.timezone, since, until)
    window = Window(
        tuple(i for i, _ in brands), since, until, cuts=bucketing.cuts([s for s, _ in bounds[1:]])
    )
    totals = bucket_totals(session, window, bucketing)
    counts = {
        brand_id: [
            totals[(brand_id, key)].mentions if (brand_id, key) in totals else 0
            for key in (bucketing.key_of(start) for start, _ in bounds)
        ]
        for brand_id, _ in brands
    }
    return VoiceTrend(interval, until, [start for start, _ in bounds], brands, counts)
