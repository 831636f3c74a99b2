"""Queries for sources and their polling state.

A poll holds a lease on its source row (`lease_until`); taking it is one conditional UPDATE,
atomic on PostgreSQL and SQLite alike, so two workers never poll one source at once.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import orjson
from sqlalchemy import JSON, and_, bindparam, case, func, insert, or_, text, update
from sqlmodel import Session, col, select

from domain.poll_state import PollState, SourceStatus, Transition
from models.tables import PollAttempt, Source


def get_source(session: Session, *, workspace_id: int, source_id: int) -> Source | None:
    source = session.get(Source, source_id)
    return source if source is not None and source.workspace_id == workspace_id else None


def list_sources(session: Session, *, workspace_id: int, brand_id: int | None) -> list[Source]:
    statement = select(Source).where(Source.workspace_id == workspace_id)
    if brand_id is not None:
        statement = statement.where(Source.brand_id == brand_id)
    return list(session.exec(statement.order_by(col(Source.id))).all())


def next_due_at(session: Session, *, now: datetime) -> datetime | None:
    """When the next source that is not due yet becomes due (the scheduler sleeps till then)."""
    statement = select(func.min(Source.next_poll_at)).where(
        Source.status == SourceStatus.OK.value, col(Source.next_poll_at) > now
    )
    return session.exec(statement).one()


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
    status: str
    consecutive_failures: int
    last_error: str | None

    def state(self) -> PollState:
        return PollState(
            SourceStatus(self.status),
            self.consecutive_failures,
            self.last_error,
            self.interval_seconds,
        )


_SOURCE = Source.__table__  # type: ignore[attr-defined]
_LEASED_COLUMNS = [_SOURCE.c[name] for name in LeasedSource.__slots__]


def claim_due_source_ids(session: Session, *, now: datetime, limit: int) -> list[int]:
    """Pick sources due for polling and push their next_poll_at forward, so the next
    scheduler tick does not queue them again while their poll is waiting in the queue.
    Plain rows, not ORM objects (loading and flushing 500 of those was most of the time
    between sources falling due and their first poll): one locking SELECT, then one UPDATE
    per interval among them."""
    statement = (
        select(_SOURCE.c.id, _SOURCE.c.interval_seconds)
        .where(
            _SOURCE.c.status == SourceStatus.OK.value,
            or_(_SOURCE.c.next_poll_at.is_(None), _SOURCE.c.next_poll_at <= now),
            or_(_SOURCE.c.lease_until.is_(None), _SOURCE.c.lease_until < now),
        )
        .order_by(_SOURCE.c.next_poll_at)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    due: list[int] = []
    by_interval: dict[int, list[int]] = {}
    for source_id, interval in session.execute(statement):
        due.append(source_id)
        by_interval.setdefault(interval, []).append(source_id)
    for interval, source_ids in by_interval.items():
        session.execute(
            update(_SOURCE)
            .where(_SOURCE.c.id.in_(source_ids))
            .values(next_poll_at=now + timedelta(seconds=interval))
        )
    return due


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
        condition = and_(condition, _SOURCE.c.status == SourceStatus.OK.value)
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
class PollRecord:
    """One poll's write: the source's new state (`transition`) and, when a request was sent,
    the attempt to keep. Success only: the adapter's next `cursor` and the counts."""

    source_id: int
    transition: Transition
    started_at: datetime
    cursor: dict[str, Any] | None = None
    not_modified: bool = False
    items: int = 0
    new_mentions: int = 0
    items_skipped: int = 0  # items the source sent that could not be read (left out)

    def parameters(self) -> dict[str, Any]:
        t = self.transition
        return {
            "source_id": self.source_id,
            "cursor": self.cursor,
            "from_status": t.from_status.value,
            "status": t.status.value,
            "consecutive_failures": t.consecutive_failures,
            "last_error": t.last_error,
            "polled_at": t.polled_at,
            "next_poll_at": t.next_poll_at,
            "new_mentions": self.new_mentions,
            "started_at": self.started_at,
            "ok": t.last_error is None,
            "not_modified": self.not_modified,
            "items": self.items,
            "items_skipped": self.items_skipped,
        }


def record_polls(
    session: Session, records: list[PollRecord], *, locked: set[int] | None = None
) -> set[int]:
    """Write each poll's outcome (success, failure or deferral) and free its lease, in one
    statement for the batch; every attempt is kept. Returns the ids recorded: a source
    deleted while it was being polled is not there any more, and gets nothing recorded.
    ``locked``: the ids the caller already found and locked (``existing_source_ids``), so
    they are not looked up again."""
    if not records:
        return set()
    if session.get_bind().dialect.name == "postgresql":
        payload = orjson.dumps([one.parameters() for one in records]).decode()
        return set(session.execute(_RECORD_POLLS_POSTGRES, {"polls": payload}).scalars())
    present = (
        locked
        if locked is not None
        else existing_source_ids(session, [one.source_id for one in records])
    )
    kept = [one.parameters() for one in records if one.source_id in present]
    if kept:
        session.execute(_RECORD_POLL, kept)
        attempts = [one for one in kept if one["polled_at"] is not None]
        if attempts:
            session.execute(_INSERT_ATTEMPT, attempts)
    return {one["source_id"] for one in kept}


# SQLite (and any other database): one UPDATE per source, executed as one batch.
_RECORD_POLL = (
    update(_SOURCE)
    .where(_SOURCE.c.id == bindparam("source_id"))
    .values(
        cursor=func.coalesce(bindparam("cursor", type_=JSON(none_as_null=True)), _SOURCE.c.cursor),
        last_polled_at=func.coalesce(
            bindparam("polled_at", type_=_SOURCE.c.last_polled_at.type), _SOURCE.c.last_polled_at
        ),
        next_poll_at=bindparam("next_poll_at", type_=_SOURCE.c.next_poll_at.type),
        lease_until=None,
        consecutive_failures=bindparam("consecutive_failures"),
        last_error=bindparam("last_error"),
        status=case(
            (_SOURCE.c.status == bindparam("from_status"), bindparam("status")),
            else_=_SOURCE.c.status,
        ),
        mentions_found=_SOURCE.c.mentions_found + bindparam("new_mentions"),
    )
)

_INSERT_ATTEMPT = insert(PollAttempt.__table__).values(  # type: ignore[attr-defined]
    source_id=bindparam("source_id"),
    started_at=bindparam("started_at"),
    finished_at=bindparam("polled_at"),
    ok=bindparam("ok"),
    not_modified=bindparam("not_modified"),
    items=bindparam("items"),
    new_mentions=bindparam("new_mentions"),
    error=bindparam("last_error"),
    items_skipped=bindparam("items_skipped"),
)

# PostgreSQL: the whole batch in one statement from one JSON parameter (the UPDATE locks the
# rows it finds; attempts are inserted for those only): one round trip, whatever the batch.
_RECORD_POLLS_POSTGRES = text(
    """
    WITH polled AS (
        SELECT * FROM json_to_recordset(CAST(:polls AS json)) AS p(
            source_id integer, cursor json, from_status text, status text,
            consecutive_failures integer, last_error text, polled_at timestamptz,
            next_poll_at timestamptz, new_mentions integer, started_at timestamptz,
            ok boolean, not_modified boolean, items integer, items_skipped integer
        )
    ), marked AS (
        UPDATE source SET
            cursor = COALESCE(polled.cursor, source.cursor),
            last_polled_at = COALESCE(polled.polled_at, source.last_polled_at),
            next_poll_at = polled.next_poll_at,
            lease_until = NULL,
            consecutive_failures = polled.consecutive_failures,
            last_error = polled.last_error,
            status = CASE WHEN source.status = polled.from_status
                THEN polled.status ELSE source.status END,
            mentions_found = source.mentions_found + polled.new_mentions
        FROM polled
        WHERE source.id = polled.source_id
        RETURNING source.id
    ), attempts AS (
        INSERT INTO poll_attempt
            (source_id, started_at, finished_at, ok, not_modified, items, new_mentions, error,
            items_skipped)
        SELECT polled.source_id, polled.started_at, polled.polled_at, polled.ok,
            polled.not_modified, polled.items, polled.new_mentions, polled.last_error,
            polled.items_skipped
        FROM polled JOIN marked ON marked.id = polled.source_id
        WHERE polled.polled_at IS NOT NULL
    )
    SELECT id FROM marked
    """
)


def all_source_ids(
    session: Session, *, brand_id: int | None = None, source_id: int | None = None
) -> list[int]:
    statement = select(Source.id).order_by(col(Source.id))
    if brand_id is not None:
        statement = statement.where(Source.brand_id == brand_id)
    if source_id is not None:
        statement = statement.where(Source.id == source_id)
    return [sid for sid in session.exec(statement).all() if sid is not None]
