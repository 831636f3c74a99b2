"""Queries for sources and their polling state.

A poll holds a lease on its source row (`lease_until`); taking it is one conditional UPDATE,
atomic on PostgreSQL and SQLite alike, so two workers never poll one source at once.
"""

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import or_, update
from sqlmodel import Session, col, select

from models.tables import PollAttempt, Source


def get_source(session: Session, *, workspace_id: int, source_id: int) -> Source | None:
    source = session.get(Source, source_id)
    return source if source is not None and source.workspace_id == workspace_id else None


def list_sources(session: Session, *, workspace_id: int, brand_id: int | None) -> list[Source]:
    statement = select(Source).where(Source.workspace_id == workspace_id)
    if brand_id is not None:
        statement = statement.where(Source.brand_id == brand_id)
    return list(session.exec(statement.order_by(col(Source.id))).all())


def claim_due_sources(session: Session, *, now: datetime, limit: int) -> list[Source]:
    """Pick sources due for polling and push their next_poll_at forward, so the next
    scheduler tick does not queue them again while their poll is waiting in the queue."""
    statement = (
        select(Source)
        .where(
            Source.status == "ok",
            or_(col(Source.next_poll_at).is_(None), col(Source.next_poll_at) <= now),
            or_(col(Source.lease_until).is_(None), col(Source.lease_until) < now),
        )
        .order_by(col(Source.next_poll_at))
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    due = list(session.exec(statement).all())
    for source in due:
        source.next_poll_at = now + timedelta(seconds=source.interval_seconds)
    session.flush()
    return due


def take_lease(session: Session, *, source_id: int, now: datetime, seconds: float) -> bool:
    statement = (
        update(Source)
        .where(
            col(Source.id) == source_id,
            or_(col(Source.lease_until).is_(None), col(Source.lease_until) < now),
        )
        .values(lease_until=now + timedelta(seconds=seconds))
    )
    result: Any = session.execute(statement)
    return bool(result.rowcount == 1)


def record_attempt(session: Session, attempt: PollAttempt) -> None:
    session.add(attempt)


def all_source_ids(
    session: Session, *, brand_id: int | None = None, source_id: int | None = None
) -> list[int]:
    statement = select(Source.id).order_by(col(Source.id))
    if brand_id is not None:
        statement = statement.where(Source.brand_id == brand_id)
    if source_id is not None:
        statement = statement.where(Source.id == source_id)
    return [sid for sid in session.exec(statement).all() if sid is not None]
