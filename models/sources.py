"""Queries for sources and their polling state.

A poll holds a lease on its source row (`lease_until`); taking it is one conditional UPDATE,
atomic on PostgreSQL and SQLite alike, so two workers never poll one source at once.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import bindparam, case, insert, or_, update
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


def take_leases(
    session: Session, *, source_ids: list[int], now: datetime, seconds: float
) -> set[int]:
    """Lease every source of `source_ids` that no live lease holds; return those leased."""
    if not source_ids:
        return set()
    statement = (
        update(Source)
        .where(
            col(Source.id).in_(source_ids),
            or_(col(Source.lease_until).is_(None), col(Source.lease_until) < now),
        )
        .values(lease_until=now + timedelta(seconds=seconds))
        .returning(col(Source.id))
        .execution_options(synchronize_session=False)
    )
    return {row[0] for row in session.execute(statement)}


def existing_source_ids(session: Session, source_ids: list[int]) -> set[int]:
    """The ids of `source_ids` still there, their rows locked until the unit of work ends."""
    statement = select(Source.id).where(col(Source.id).in_(source_ids)).with_for_update()
    return {source_id for source_id in session.exec(statement).all() if source_id is not None}


@dataclass(frozen=True)
class SourcePolled:
    source_id: int
    cursor: dict[str, Any]
    polled_at: datetime
    next_poll_at: datetime
    new_mentions: int


_SOURCE = Source.__table__  # type: ignore[attr-defined]
_MARK_POLLED = (
    update(_SOURCE)
    .where(_SOURCE.c.id == bindparam("p_id"))
    .values(
        cursor=bindparam("p_cursor", type_=_SOURCE.c.cursor.type),
        last_polled_at=bindparam("p_polled_at", type_=_SOURCE.c.last_polled_at.type),
        next_poll_at=bindparam("p_next_poll_at", type_=_SOURCE.c.next_poll_at.type),
        lease_until=None,
        consecutive_failures=0,
        last_error=None,
        status=case((_SOURCE.c.status == "failing", "ok"), else_=_SOURCE.c.status),
        mentions_found=_SOURCE.c.mentions_found + bindparam("p_new"),
    )
)


def mark_sources_polled(session: Session, polled: list[SourcePolled]) -> None:
    """A success ends a failing streak and frees the lease; one statement for the batch."""
    if not polled:
        return
    session.execute(
        _MARK_POLLED,
        [
            {
                "p_id": one.source_id,
                "p_cursor": one.cursor,
                "p_polled_at": one.polled_at,
                "p_next_poll_at": one.next_poll_at,
                "p_new": one.new_mentions,
            }
            for one in polled
        ],
    )


def record_attempt(session: Session, attempt: PollAttempt) -> None:
    session.add(attempt)


def record_attempts(session: Session, attempts: list[PollAttempt]) -> None:
    if attempts:
        table = PollAttempt.__table__  # type: ignore[attr-defined]
        columns = [column.name for column in table.columns if column.name != "id"]
        rows = [{name: getattr(attempt, name) for name in columns} for attempt in attempts]
        session.execute(insert(table), rows)


def all_source_ids(
    session: Session, *, brand_id: int | None = None, source_id: int | None = None
) -> list[int]:
    statement = select(Source.id).order_by(col(Source.id))
    if brand_id is not None:
        statement = statement.where(Source.brand_id == brand_id)
    if source_id is not None:
        statement = statement.where(Source.id == source_id)
    return [sid for sid in session.exec(statement).all() if sid is not None]
