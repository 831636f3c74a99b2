"""Queries for sources and their polling state.

A poll holds a lease on its source row (`lease_until`); taking it is one conditional UPDATE,
atomic on PostgreSQL and SQLite alike, so two workers never poll one source at once.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import orjson
from sqlalchemy import and_, bindparam, case, insert, or_, text, update
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


@dataclass(slots=True)
class LeasedSource:
    """What a poll needs of a source row, as the lease statement returned it."""

    id: int
    brand_id: int
    kind: str
    url: str | None
    search: str | None
    locale: str | None
    subreddit: str | None
    instance: str | None
    hashtag: str | None
    cursor: dict[str, Any]
    interval_seconds: int


_SOURCE = Source.__table__  # type: ignore[attr-defined]
_LEASED_COLUMNS = [_SOURCE.c[name] for name in LeasedSource.__slots__]


def take_leases(
    session: Session, *, source_ids: list[int], now: datetime, seconds: float, only_ok: bool
) -> list[LeasedSource]:
    """Lease every source of `source_ids` that no live lease holds (and, with `only_ok`,
    that is not failing or disabled), in one statement; return those leased."""
    if not source_ids:
        return []
    condition = and_(
        _SOURCE.c.id.in_(source_ids),
        or_(_SOURCE.c.lease_until.is_(None), _SOURCE.c.lease_until < now),
    )
    if only_ok:
        condition = and_(condition, _SOURCE.c.status == "ok")
    statement = (
        update(_SOURCE)
        .where(condition)
        .values(lease_until=now + timedelta(seconds=seconds))
        .returning(*_LEASED_COLUMNS)
    )
    return [LeasedSource(*row) for row in session.execute(statement)]


def lease_states(session: Session, source_ids: list[int]) -> dict[int, tuple[str, datetime | None]]:
    """(status, lease_until) of each of `source_ids` still there."""
    statement = select(_SOURCE.c.id, _SOURCE.c.status, _SOURCE.c.lease_until).where(
        _SOURCE.c.id.in_(source_ids)
    )
    return {row.id: (row.status, row.lease_until) for row in session.execute(statement)}


def existing_source_ids(session: Session, source_ids: list[int]) -> set[int]:
    """The ids of `source_ids` still there, their rows locked until the unit of work ends."""
    statement = select(Source.id).where(col(Source.id).in_(source_ids)).with_for_update()
    return {source_id for source_id in session.exec(statement).all() if source_id is not None}


@dataclass(slots=True)
class Attempt:
    """One poll attempt, as `poll_attempt` stores it (built without the ORM: a batch
    records many, and an ORM object costs ten times as much to build)."""

    source_id: int
    started_at: datetime
    finished_at: datetime
    ok: bool
    not_modified: bool = False
    items: int = 0
    new_mentions: int = 0
    error: str | None = None
    items_skipped: int = 0


_INSERT_ATTEMPT = insert(PollAttempt.__table__)  # type: ignore[attr-defined]


def record_attempts(session: Session, attempts: list[Attempt]) -> None:
    if attempts:
        session.execute(_INSERT_ATTEMPT, [_fields(one) for one in attempts])


@dataclass(slots=True)
class SourcePolled:
    """A successful poll: the source's new state, and the attempt to record."""

    source_id: int
    cursor: dict[str, Any]
    started_at: datetime
    polled_at: datetime
    next_poll_at: datetime
    not_modified: bool
    items: int
    new_mentions: int
    items_skipped: int = 0

    def attempt(self) -> Attempt:
        return Attempt(
            self.source_id,
            self.started_at,
            self.polled_at,
            ok=True,
            not_modified=self.not_modified,
            items=self.items,
            new_mentions=self.new_mentions,
            items_skipped=self.items_skipped,
        )


def _fields(one: Attempt | SourcePolled) -> dict[str, Any]:
    """A slotted dataclass's fields by name, not copied (``dataclasses.asdict`` deep-copies)."""
    return {name: getattr(one, name) for name in one.__slots__}


def record_polls(
    session: Session, polled: list[SourcePolled], *, locked: set[int] | None = None
) -> set[int]:
    """Record each success: a success ends a failing streak and frees the lease, and every
    attempt is kept. Returns the ids of the sources recorded: one deleted while it was being
    polled is not there any more, and gets nothing recorded. ``locked``: the ids the caller
    already found and locked (``existing_source_ids``), so they are not looked up again."""
    if not polled:
        return set()
    if session.get_bind().dialect.name == "postgresql":
        return _record_polls_postgres(session, polled)
    present = (
        locked
        if locked is not None
        else existing_source_ids(session, [one.source_id for one in polled])
    )
    kept = [one for one in polled if one.source_id in present]
    if kept:
        session.execute(_MARK_POLLED, [_fields(one) for one in kept])
        record_attempts(session, [one.attempt() for one in kept])
    return {one.source_id for one in kept}


_MARK_POLLED = (
    update(_SOURCE)
    .where(_SOURCE.c.id == bindparam("source_id"))
    .values(
        cursor=bindparam("cursor", type_=_SOURCE.c.cursor.type),
        last_polled_at=bindparam("polled_at", type_=_SOURCE.c.last_polled_at.type),
        next_poll_at=bindparam("next_poll_at", type_=_SOURCE.c.next_poll_at.type),
        lease_until=None,
        consecutive_failures=0,
        last_error=None,
        status=case((_SOURCE.c.status == "failing", "ok"), else_=_SOURCE.c.status),
        mentions_found=_SOURCE.c.mentions_found + bindparam("new_mentions"),
    )
)

# PostgreSQL: the whole batch in one statement from one JSON parameter (the UPDATE locks the
# rows it finds; attempts are inserted for those only): one round trip instead of three,
# and no per-row statement in the pipeline.
_RECORD_POLLS_POSTGRES = text(
    """
    WITH polled AS (
        SELECT * FROM json_to_recordset(CAST(:polls AS json)) AS p(
            source_id integer, cursor json, started_at timestamptz, polled_at timestamptz,
            next_poll_at timestamptz, not_modified boolean, items integer, new_mentions integer,
            items_skipped integer
        )
    ), marked AS (
        UPDATE source SET
            cursor = polled.cursor,
            last_polled_at = polled.polled_at,
            next_poll_at = polled.next_poll_at,
            lease_until = NULL,
            consecutive_failures = 0,
            last_error = NULL,
            status = CASE WHEN source.status = 'failing' THEN 'ok' ELSE source.status END,
            mentions_found = source.mentions_found + polled.new_mentions
        FROM polled
        WHERE source.id = polled.source_id
        RETURNING source.id
    )
    INSERT INTO poll_attempt
        (source_id, started_at, finished_at, ok, not_modified, items, new_mentions, items_skipped)
    SELECT polled.source_id, polled.started_at, polled.polled_at, true, polled.not_modified,
        polled.items, polled.new_mentions, polled.items_skipped
    FROM polled JOIN marked ON marked.id = polled.source_id
    RETURNING source_id
    """
)


def _record_polls_postgres(session: Session, polled: list[SourcePolled]) -> set[int]:
    payload = orjson.dumps([_fields(one) for one in polled]).decode()
    return set(session.execute(_RECORD_POLLS_POSTGRES, {"polls": payload}).scalars())


def all_source_ids(
    session: Session, *, brand_id: int | None = None, source_id: int | None = None
) -> list[int]:
    statement = select(Source.id).order_by(col(Source.id))
    if brand_id is not None:
        statement = statement.where(Source.brand_id == brand_id)
    if source_id is not None:
        statement = statement.where(Source.id == source_id)
    return [sid for sid in session.exec(statement).all() if sid is not None]
