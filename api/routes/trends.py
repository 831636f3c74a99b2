from typing import Annotated
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Query

from api.deps import SessionDep, WorkspaceIdDep
from api.params import window_in
from api.schemas import TrendBucket, TrendsPublic, TrendsQuery
from models.types import utcnow
from services.brands import get_brand_or_404
from services.trends import build_trend, default_window

router = APIRouter(tags=["reports"])


@router.get("/v1/brands/{brand_id}/trends", response_model=TrendsPublic)
def get_trends(
    brand_id: int,
    params: Annotated[TrendsQuery, Query()],
    session: SessionDep,
    workspace_id: WorkspaceIdDep,
) -> TrendsPublic:
    """One bucket per hour, day or week in the brand's timezone, oldest first, empty ones as
    zeros. A day is a local calendar day (23 or 25 hours when DST changes); weeks start on
    Monday. `since` is inclusive and `until` exclusive (dates and datetimes without an offset
    are local times in the brand's timezone); the defaults are the last 48 hours,
    30 days or 26 weeks. `start` is the bucket's local start, with its UTC offset.
    `net_sentiment` = (positive - negative) / mentions x 100 (0 in an empty bucket);
    `avg_sentiment` is null in an empty bucket."""
    brand = get_brand_or_404(session, workspace_id=workspace_id, brand_id=brand_id)
    since, until = window_in(params.since, params.until, brand.timezone)
    since, until = default_window(since, until, params.interval, utcnow())
    series = build_trend(
        session,
        brand,
        since=since,
        until=until,
        interval=params.interval,
        source_kind=params.source_kind,
        label=params.label,
    )
    zone = ZoneInfo(brand.timezone)
    return TrendsPublic(
        interval=params.interval,
        timezone=brand.timezone,
        since=since,
        until=until,
        buckets=[
            TrendBucket(
                start=b.start.astimezone(zone),
                mentions=b.mentions,
                positive=b.positive,
                neutral=b.neutral,
                negative=b.negative,
                avg_sentiment=b.avg_sentiment,
                net_sentiment=b.net_sentiment,
            )
            for b in series
        ],
    )
