"""Queries for mentions: idempotent insert, keyset pages, and the trend aggregation."""

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import and_, delete, or_
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.sql import Select
from sqlmodel import Session, col, select

from models.tables import Mention


def insert_new_mentions(session: Session, rows: Sequence[dict[str, Any]]) -> set[str]:
    """Insert rows whose (brand_id, url_key) is new; return the url_keys that were inserted.

    ON CONFLICT DO NOTHING keeps this idempotent under retries and concurrent workers.
    One statement with the rows as parameters (SQLAlchemy batches them into multi-row
    INSERTs itself): its compiled form is cached, where `.values(rows)` compiled a new
    statement per call, which cost more than scoring the items (benchmarks/README.md).
    """
    if not rows:
        return set()
    table = Mention.__table__  # type: ignore[attr-defined]
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = (
        insert(table)
        .on_conflict_do_nothing(index_elements=["brand_id", "url_key"])
        .returning(table.c.url_key)
    )
    return {row[0] for row in session.execute(statement, list(rows))}


def delete_by_keys(session: Session, *, brand_id: int, url_keys: list[str]) -> int:
    """Forget mentions whose content was deleted or removed at the source."""
    if not url_keys:
        return 0
    statement = delete(Mention).where(
        col(Mention.brand_id) == brand_id, col(Mention.url_key).in_(url_keys)
    )
    result: Any = session.execute(statement)
    return int(result.rowcount or 0)


def existing_by_keys(
    session: Session, *, brand_id: int, url_keys: list[str], story_keys: list[str]
) -> list[Mention]:
    conditions = []
    if url_keys:
        conditions.append(col(Mention.url_key).in_(url_keys))
    if story_keys:
        conditions.append(col(Mention.story_key).in_(story_keys))
    if not conditions:
        return []
    statement = (
        select(Mention).where(Mention.brand_id == brand_id, or_(*conditions)).with_for_update()
    )
    return list(session.exec(statement).all())


@dataclass(frozen=True)
class MentionFilter:
    workspace_id: int
    brand_id: int | None = None
    since: datetime | None = None
    until: datetime | None = None
    source_kind: str | None = None
    label: str | None = None


def filtered(statement: Select[Any], f: MentionFilter) -> Select[Any]:
    statement = statement.where(col(Mention.workspace_id) == f.workspace_id)
    if f.brand_id is not None:
        statement = statement.where(col(Mention.brand_id) == f.brand_id)
    if f.since is not None:
        statement = statement.where(col(Mention.published_at) >= f.since)
    if f.until is not None:
        statement = statement.where(col(Mention.published_at) < f.until)
    if f.source_kind is not None:
        statement = statement.where(col(Mention.source_kind) == f.source_kind)
    if f.label is not None:
        statement = statement.where(col(Mention.sentiment_label) == f.label)
    return statement


def page_newest_first(
    session: Session, f: MentionFilter, *, after: tuple[datetime, int] | None, limit: int
) -> list[Mention]:
    """Newest first, keyset on (published_at, id): stable while new rows arrive."""
    statement = filtered(select(Mention), f)
    if after is not None:
        published_at, mention_id = after
        statement = statement.where(
            # The first condition bounds the index range (the OR alone would make every
            # page scan from the newest row down to the cursor: quadratic over an export).
            col(Mention.published_at) <= published_at,
            or_(
                col(Mention.published_at) < published_at,
                and_(col(Mention.published_at) == published_at, col(Mention.id) < mention_id),
            ),
        )
    statement = statement.order_by(col(Mention.published_at).desc(), col(Mention.id).desc())
    return list(session.exec(statement.limit(limit)).all())  # type: ignore[call-overload]


def iter_newest_first(
    session: Session, f: MentionFilter, *, batch: int = 1000
) -> Iterator[Mention]:
    after: tuple[datetime, int] | None = None
    while True:
        rows = page_newest_first(session, f, after=after, limit=batch)
        yield from rows
        if len(rows) < batch:
            return
        last = rows[-1]
        assert last.id is not None
        after = (last.published_at, last.id)
        session.expunge_all()
