"""The digest's content, from the Situation report over the period it covers and the
Control report as of its send time: volume and change (with its chart), sentiment, share of
voice, top terms, objective status, top mentions, and the health of the brand's sources."""

from datetime import datetime

from sqlmodel import Session

from domain.buckets import Interval
from models.alert_figures import (
    BrandVoice,
    DigestFigures,
    ObjectiveLine,
    PeriodChange,
    SourceLine,
    VolumeBucket,
)
from models.report_types import SourceIssue
from models.sources import list_sources
from models.tables import Brand, Source
from services.alert_message import mention_snapshot
from services.charts.spec import granularity
from services.control import build_control
from services.situation import build_situation
from services.trends import build_trend

TOP_MENTIONS = 5
TOP_TERMS = 5


def _where(source: Source) -> str:
    return source.url or source.search or source.hashtag or source.subreddit or source.locale or ""


def _source_name(source: Source) -> str:
    where = _where(source)
    return f"{source.kind} {where}" if where else source.kind


def _source_health(source: Source, issue: SourceIssue | None) -> str:
    """The period's polling record (failed hours, gaps) and the source's state now, in
    English (the messages write it in the reader's language from the fields beside it)."""
    parts = []
    if issue is not None and issue.failed_hours:
        parts.append(f"failed polls in {issue.failed_hours} h of the period")
    if issue is not None and issue.gaps:
        parts.append(f"{len(issue.gaps)} gap(s) in polling")
    state = source.status
    if source.consecutive_failures:
        state += f", {source.consecutive_failures} failures in a row"
    if source.status != "ok" or source.consecutive_failures:
        state += f": {source.last_error}" if source.last_error else ""
    elif source.last_polled_at is None:
        state += ", not polled yet"
    return "; ".join([*parts, f"now {state}"])


def _sources(session: Session, brand: Brand, issues: list[SourceIssue]) -> list[SourceLine]:
    by_id = {issue.source_id: issue for issue in issues}
    lines = []
    for s in list_sources(session, workspace_id=brand.workspace_id, brand_id=brand.id):
        issue = by_id.get(s.id or 0)
        lines.append(
            SourceLine(
                id=s.id,
                name=_source_name(s),
                kind=s.kind,
                where=_where(s),
                status=s.status,
                health=_source_health(s, issue),
                last_error=s.last_error,
                consecutive_failures=s.consecutive_failures,
                failed_hours=issue.failed_hours if issue else 0,
                gaps=len(issue.gaps) if issue else 0,
                polled=s.last_polled_at is not None,
            )
        )
    return lines


def _objectives(
    session: Session, brand: Brand, *, as_of: datetime, now: datetime
) -> list[ObjectiveLine]:
    return [
        ObjectiveLine(
            id=r.id,
            name=r.name,
            metric=r.metric,
            direction=r.direction,
            target=r.target,
            current=r.current,
            projected=r.projected,
            progress_pct=r.progress_pct,
            status=r.status,
        )
        for r in build_control(session, brand, as_of=as_of, now=now)
    ]


def volume(
    session: Session, brand: Brand, *, since: datetime, until: datetime
) -> tuple[list[VolumeBucket], Interval]:
    """The chart's bars: mentions by sentiment per local hour (a daily digest) or day."""
    interval = granularity(since, until)
    buckets = build_trend(session, brand, since=since, until=until, interval=interval)
    bars = [
        VolumeBucket(start=b.start, positive=b.positive, neutral=b.neutral, negative=b.negative)
        for b in buckets
    ]
    return bars, interval


def build_digest(
    session: Session, brand: Brand, *, since: datetime, until: datetime, now: datetime
) -> DigestFigures:
    report = build_situation(session, brand, since=since, until=until, now=now)
    previous = report.previous_period
    bars, interval = volume(session, brand, since=since, until=until)
    return DigestFigures(
        timezone=brand.timezone,
        mentions=report.mentions,
        previous_period=PeriodChange(mentions=previous.mentions, change_pct=previous.change_pct),
        sentiment=report.sentiment,
        share_of_voice=[
            BrandVoice(
                brand_id=v.brand_id, name=v.name, mentions=v.mentions, share=round(v.share, 4)
            )
            for v in report.share_of_voice
        ],
        top_terms=report.top_terms[:TOP_TERMS],
        objectives=_objectives(session, brand, as_of=min(until, now), now=now),
        sample_mentions=[mention_snapshot(m) for m in report.top_mentions[:TOP_MENTIONS]],
        sources=_sources(session, brand, report.health.issues),
        volume=bars,
        volume_interval=interval,
    )
