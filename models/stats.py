"""Aggregates for /metrics, computed in the database."""

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from models.reports import MentionHourly
from models.tables import Brand, Mention, PollAttempt, Source


@dataclass(frozen=True)
class BrandMentions:
    """A brand's stored mentions of one source kind, by sentiment label."""

    brand_id: int
    brand: str
    kind: str
    positive: int
    neutral: int
    negative: int


@dataclass(frozen=True)
class BrandSources:
    """A brand's sources of one kind and status, and the oldest last poll among them."""

    brand_id: int
    brand: str
    kind: str
    status: str
    count: int
    consecutive_failures: int
    oldest_poll: datetime | None


def poll_counts(session: Session) -> list[tuple[str, bool, bool, int, float]]:
    """(kind, ok, not_modified, attempts, total seconds) per group."""
    duration = func.sum(
        func.extract("epoch", col(PollAttempt.finished_at))
        - func.extract("epoch", col(PollAttempt.started_at))
    )
    if session.get_bind().dialect.name == "sqlite":
        duration = func.sum(
            (
                func.julianday(col(PollAttempt.finished_at))
                - func.julianday(col(PollAttempt.started_at))
            )
            * 86400.0
        )
    statement: Any = (
        sa_select(
            col(Source.kind),
            col(PollAttempt.ok),
            col(PollAttempt.not_modified),
            func.count(),
            duration,
        )
        .join(Source, col(Source.id) == col(PollAttempt.source_id))
        .group_by(col(Source.kind), col(PollAttempt.ok), col(PollAttempt.not_modified))
    )
    return [
        (r[0], bool(r[1]), bool(r[2]), int(r[3]), float(r[4] or 0.0))
        for r in session.execute(statement)
    ]


def skipped_by_kind(session: Session) -> list[tuple[str, int]]:
    """(kind, items skipped as unreadable) over every recorded attempt."""
    statement: Any = (
        sa_select(col(Source.kind), func.coalesce(func.sum(col(PollAttempt.items_skipped)), 0))
        .join(Source, col(Source.id) == col(PollAttempt.source_id))
        .group_by(col(Source.kind))
    )
    return [(r[0], int(r[1])) for r in session.execute(statement)]


def mentions_by_kind(session: Session) -> list[tuple[str, int]]:
    statement: Any = select(Mention.source_kind, func.count()).group_by(col(Mention.source_kind))
    return [(r[0], int(r[1])) for r in session.execute(statement)]


def sources_by_status(session: Session) -> list[tuple[str, str, int]]:
    statement: Any = select(Source.kind, Source.status, func.count()).group_by(
        col(Source.kind), col(Source.status)
    )
    return [(r[0], r[1], int(r[2])) for r in session.execute(statement)]


def brand_mentions(session: Session) -> list[BrandMentions]:
    """Per brand and source kind, from the hourly rollup (a few rows per brand and hour,
    never the mention table)."""
    h = MentionHourly
    statement: Any = (
        sa_select(
            col(h.brand_id),
            col(Brand.name),
            col(h.source_kind),
            func.sum(col(h.positive)),
            func.sum(col(h.neutral)),
            func.sum(col(h.negative)),
        )
        .join(Brand, col(Brand.id) == col(h.brand_id))
        .where(col(h.source_kind) != "*")
        .group_by(col(h.brand_id), col(Brand.name), col(h.source_kind))
        .order_by(col(h.brand_id), col(h.source_kind))
    )
    return [
        BrandMentions(int(r[0]), r[1], r[2], int(r[3] or 0), int(r[4] or 0), int(r[5] or 0))
        for r in session.execute(statement)
    ]


def brand_sources(session: Session) -> list[BrandSources]:
    statement: Any = (
        sa_select(
            col(Source.brand_id),
            col(Brand.name),
            col(Source.kind),
            col(Source.status),
            func.count(),
            func.sum(col(Source.consecutive_failures)),
            func.min(col(Source.last_polled_at)),
        )
        .join(Brand, col(Brand.id) == col(Source.brand_id))
        .group_by(col(Source.brand_id), col(Brand.name), col(Source.kind), col(Source.status))
        .order_by(col(Source.brand_id), col(Source.kind), col(Source.status))
    )
    return [
        BrandSources(int(r[0]), r[1], r[2], r[3], int(r[4]), int(r[5] or 0), _utc_or_none(r[6]))
        for r in session.execute(statement)
    ]


def _utc_or_none(value: datetime | None) -> datetime | None:
    """min() keeps the column's type, so this is an aware datetime already on PostgreSQL
    and SQLite; a naive one is UTC."""
    if value is None or value.tzinfo is not None:
        return value
    return value.replace(tzinfo=UTC)
