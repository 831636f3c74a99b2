"""Aggregates for /metrics, computed in the database."""

from typing import Any

from sqlalchemy import func
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from models.tables import Mention, PollAttempt, Source


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


def source_health(session: Session) -> list[Source]:
    """Every source's polling state, for the per-source health gauges."""
    return list(session.exec(select(Source).order_by(col(Source.id))).all())
