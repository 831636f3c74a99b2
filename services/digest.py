"""The digest's content, from the Situation report over the period it covers and the
Control report as of its send time: volume and change, sentiment, share of voice, top
terms, objective status, top mentions, and the health of the brand's sources."""

from datetime import datetime
from typing import Any

from sqlmodel import Session

from domain.poll_health import SourceHealth
from models.sources import list_sources
from models.tables import Brand, Source
from services.alert_message import mention_snapshot
from services.control import build_control
from services.situation import build_situation

TOP_MENTIONS = 5
TOP_TERMS = 5


def _source_name(source: Source) -> str:
    where = source.url or source.search or source.hashtag or source.subreddit or source.locale
    return f"{source.kind} {where}" if where else source.kind


def _source_health(source: Source, issue: SourceHealth | None) -> str:
    """The period's polling record (failed hours, gaps) and the source's state now."""
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


def _sources(session: Session, brand: Brand, issues: list[SourceHealth]) -> list[dict[str, Any]]:
    by_id = {issue.source_id: issue for issue in issues}
    return [
        {
            "id": s.id,
            "name": _source_name(s),
            "status": s.status,
            "health": _source_health(s, by_id.get(s.id or 0)),
            "last_error": s.last_error,
            "consecutive_failures": s.consecutive_failures,
        }
        for s in list_sources(session, workspace_id=brand.workspace_id, brand_id=brand.id)
    ]


def _objectives(session: Session, brand: Brand, *, as_of: datetime, now: datetime) -> list[Any]:
    return [
        {
            "id": r.objective.id,
            "name": r.objective.name,
            "metric": r.objective.metric,
            "direction": r.objective.direction,
            "target": r.objective.target,
            "current": r.current,
            "projected": r.projected,
            "progress_pct": r.progress_pct,
            "status": r.status,
        }
        for r in build_control(session, brand, as_of=as_of, now=now)
    ]


def build_digest(
    session: Session, brand: Brand, *, since: datetime, until: datetime, now: datetime
) -> dict[str, Any]:
    report = build_situation(session, brand, since=since, until=until, now=now)
    s, previous = report.sentiment, report.previous_period
    return {
        "timezone": brand.timezone,
        "mentions": report.mentions,
        "previous_period": {"mentions": previous.mentions, "change_pct": previous.change_pct},
        "sentiment": {
            "positive": s.positive,
            "neutral": s.neutral,
            "negative": s.negative,
            "avg": s.avg,
            "net": s.net,
        },
        "share_of_voice": [
            {
                "brand_id": v.brand_id,
                "name": v.name,
                "mentions": v.mentions,
                "share": round(v.share, 4),
            }
            for v in report.share_of_voice
        ],
        "top_terms": [{"term": t.term, "count": t.count} for t in report.top_terms[:TOP_TERMS]],
        "objectives": _objectives(session, brand, as_of=min(until, now), now=now),
        "sample_mentions": [mention_snapshot(m) for m in report.top_mentions[:TOP_MENTIONS]],
        "sources": _sources(session, brand, report.health.issues),
    }
