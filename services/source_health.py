"""The health of the sources behind a volume: which failed and where polling had gaps
(rules in domain.poll_health), from the poll_daily rollup."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlmodel import Session

from domain.poll_health import SourceHealth, failed_hours, find_gaps, gap_hours
from models.report_details import poll_days, sources_of

DAY = 86400


@dataclass(frozen=True)
class HealthSummary:
    sources: int  # sources that existed during the period
    failing: int  # of those, sources with failed attempts in the period
    with_gaps: int  # of those, sources with gaps in polling in the period
    issues: list[SourceHealth]  # the sources that failed or had gaps

    @property
    def ok(self) -> bool:
        return not self.issues


def summarize(healths: Sequence[SourceHealth]) -> HealthSummary:
    return HealthSummary(
        sources=len(healths),
        failing=sum(1 for h in healths if h.failed_hours),
        with_gaps=sum(1 for h in healths if h.gaps),
        issues=[h for h in healths if not h.ok],
    )


def health_by_source(
    session: Session, brand_ids: list[int], *, since: datetime, until: datetime, now: datetime
) -> list[SourceHealth]:
    """One entry per source of these brands that existed in [since, until)."""
    end = min(until, now)
    sources = [s for s in sources_of(session, brand_ids) if s.created_at < until]
    if not sources:
        return []
    lookback = max(gap_hours(s.interval_seconds) for s in sources)
    first_day = int((since - timedelta(hours=lookback)).timestamp()) // DAY
    last_day = int(end.timestamp()) // DAY
    ok_masks: dict[int, dict[int, int]] = {}
    failed_masks: dict[int, dict[int, int]] = {}
    ids = [s.id for s in sources]
    for source_id, day, ok_hours, failed in poll_days(session, ids, first_day, last_day):
        ok_masks.setdefault(source_id, {})[day] = ok_hours
        failed_masks.setdefault(source_id, {})[day] = failed
    healths = []
    for source in sources:
        start = max(since, source.created_at)
        active = start < end
        healths.append(
            SourceHealth(
                source_id=source.id,
                brand_id=source.brand_id,
                kind=source.kind,
                status=source.status,
                last_error=source.last_error,
                failed_hours=failed_hours(failed_masks.get(source.id, {}), start=start, end=end)
                if active
                else 0,
                gaps=find_gaps(
                    ok_masks.get(source.id, {}),
                    start=start,
                    end=end,
                    interval_seconds=source.interval_seconds,
                )
                if active
                else (),
            )
        )
    return healths
