"""The Situation report's lists, grouped and ranked in the database over one brand's
mentions in [since, until): domains, authors (with the counts behind passion and reach),
the most engaging mentions, a sample of text for top terms; and the polling history of
sources from the `poll_daily` rollup (migration 0004).

Engagement is the source's score plus its comments (0 where the source gives neither).
"""

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from typing import Any

from sqlalchemy import BigInteger, false, func, literal, over, text, union_all
from sqlalchemy import select as core_select
from sqlmodel import Field, Session, SQLModel, col, select

from models.tables import Brand, Mention, Source
from models.windows import window_binds, window_parameters


class PollDaily(SQLModel, table=True):
    """Poll attempts per source and UTC day, with masks of the hours that had a successful
    (bit h: hour h) or a failed attempt; kept by triggers on poll_attempt."""

    __tablename__ = "poll_daily"

    source_id: int = Field(foreign_key="source.id", primary_key=True, ondelete="CASCADE")
    day: int = Field(primary_key=True)  # days since 1970-01-01 (UTC)
    attempts: int = Field(sa_type=BigInteger)
    failed: int = Field(sa_type=BigInteger)
    ok_hours: int = Field(sa_type=BigInteger)
    failed_hours: int = Field(sa_type=BigInteger)


def engagement() -> Any:
    return func.coalesce(col(Mention.engagement_score), 0) + func.coalesce(
        col(Mention.engagement_comments), 0
    )


def _period(statement: Any, brand_id: Any, since: Any, until: Any) -> Any:
    """The brand's visible mentions of the period (hidden ones leave every report)."""
    return statement.where(
        col(Mention.brand_id) == brand_id,
        col(Mention.published_at) >= since,
        col(Mention.published_at) < until,
        col(Mention.hidden) == false(),
    )


def top_domains(
    session: Session, *, brand_id: int, since: datetime, until: datetime, limit: int
) -> list[tuple[str, int]]:
    count = func.count().label("mentions")
    statement = (
        _period(select(col(Mention.domain), count), brand_id, since, until)
        .where(col(Mention.domain) != "")
        .group_by(col(Mention.domain))
        .order_by(count.desc(), col(Mention.domain))
        .limit(limit)
    )
    return [(str(r[0]), int(r[1])) for r in session.execute(statement)]


@dataclass(frozen=True)
class AuthorStats:
    top: list[tuple[str, int, int]]  # (author, mentions, engagement), by engagement
    distinct_authors: int
    authored: int  # mentions with a known author
    repeat_authored: int  # of those, mentions by authors with more than one


def author_stats(
    session: Session, *, brand_id: int, since: datetime, until: datetime, limit: int
) -> AuthorStats:
    per_author = (
        _period(
            select(
                col(Mention.author).label("author"),
                func.count().label("n"),
                func.sum(engagement()).label("e"),
            ),
            brand_id,
            since,
            until,
        )
        .where(col(Mention.author).is_not(None))
        .group_by(col(Mention.author))
        .subquery("per_author")
    )
    a = per_author.c
    repeat = func.sum(func.coalesce(func.nullif(a.n, 1), 0))
    statement = (
        core_select(a.author, a.n, a.e, over(func.count()), over(func.sum(a.n)), over(repeat))
        .order_by(a.e.desc(), a.n.desc(), a.author)
        .limit(limit)
    )
    rows = session.execute(statement).all()
    if not rows:
        return AuthorStats([], 0, 0, 0)
    return AuthorStats(
        top=[(str(r[0]), int(r[1]), int(r[2] or 0)) for r in rows],
        distinct_authors=int(rows[0][3]),
        authored=int(rows[0][4]),
        repeat_authored=int(rows[0][5] or 0),
    )


def audience(
    session: Session, *, brand_id: int, since: datetime, until: datetime, limit: int
) -> tuple[list[tuple[str, int]], AuthorStats]:
    """``top_domains`` and ``author_stats`` together. PostgreSQL groups the period's
    mentions both ways in one scan (GROUPING SETS) and ranks the few thousand groups as the
    two queries rank them (names in code point order, as Python and SQLite compare them),
    sending back only the top rows and the author counts; SQLite, which has no grouping
    sets, runs the two."""
    if session.get_bind().dialect.name != "postgresql":
        return (
            top_domains(session, brand_id=brand_id, since=since, until=until, limit=limit),
            author_stats(session, brand_id=brand_id, since=since, until=until, limit=limit),
        )
    parameters = {"brand_id": brand_id, "since": since, "until": until, "limit": limit}
    domains: list[tuple[str, int]] = []
    top: list[tuple[str, int, int]] = []
    counts = (0, 0, 0)
    for by_author, name, mentions, engaged, *author_counts in session.execute(
        _AUDIENCE, parameters
    ):
        if by_author:
            top.append((str(name), int(mentions), int(engaged)))
        else:
            domains.append((str(name), int(mentions)))
        counts = tuple(int(n or 0) for n in author_counts)  # type: ignore[assignment]
    distinct_authors, authored, repeat_authored = counts
    return domains, AuthorStats(top, distinct_authors, authored, repeat_authored)


# Domains rank by mentions, authors by engagement then mentions, ties by name.
_AUDIENCE = text("""
SELECT by_author, name, n, e, authors, authored, repeat_authored FROM (
  SELECT by_author, name, n, e,
    row_number() OVER (PARTITION BY by_author
      ORDER BY CASE WHEN by_author = 1 THEN e ELSE n END DESC, n DESC, name COLLATE "C") AS rank,
    count(*) FILTER (WHERE by_author = 1) OVER () AS authors,
    sum(n) FILTER (WHERE by_author = 1) OVER () AS authored,
    sum(n) FILTER (WHERE by_author = 1 AND n > 1) OVER () AS repeat_authored
  FROM (
    SELECT grouping(domain) AS by_author, coalesce(author, domain) AS name, count(*) AS n,
      sum(coalesce(engagement_score, 0) + coalesce(engagement_comments, 0)) AS e
    FROM mention
    WHERE brand_id = :brand_id AND published_at >= :since AND published_at < :until
      AND hidden = false
    GROUP BY GROUPING SETS ((domain), (author))
    HAVING CASE WHEN grouping(domain) = 1 THEN author IS NOT NULL ELSE domain <> '' END
  ) AS grouped
) AS ranked
WHERE rank <= :limit
ORDER BY by_author, rank
""")


def top_mentions(
    session: Session, *, brand_id: int, since: datetime, until: datetime, limit: int
) -> list[Mention]:
    """The most engaging mentions; ties go to the most recent. The ids are ranked first (from
    the covering index on PostgreSQL), then only those rows are read."""
    order = (engagement().desc(), col(Mention.published_at).desc(), col(Mention.id).desc())
    ids = _period(select(col(Mention.id)), brand_id, since, until).order_by(*order).limit(limit)
    statement = select(Mention).where(col(Mention.id).in_(ids.scalar_subquery())).order_by(*order)
    return list(session.exec(statement).all())


def top_mentions_each(
    session: Session,
    *,
    brand_id: int,
    windows: Sequence[tuple[datetime, datetime]],
    limit: int,
) -> list[list[Mention]]:
    """``top_mentions`` of each window (as [since, until)), in one statement: the ids of each
    window ranked apart (a UNION ALL of their rankings), the rows read with them."""
    if not windows:
        return []
    parameters = window_parameters(brand_id, windows)
    found: list[list[Mention]] = [[] for _ in windows]
    for mention, part in session.exec(_top_each_statement(len(windows), limit), params=parameters):
        found[part].append(mention)
    return found


@lru_cache(maxsize=64)
def _top_each_statement(windows: int, limit: int) -> Any:
    """Built once per shape (``models.windows``)."""
    order = (engagement().desc(), col(Mention.published_at).desc(), col(Mention.id).desc())
    parts = []
    for index in range(windows):
        brand_id, since, until = window_binds(index)
        ids = _period(select(col(Mention.id)), brand_id, since, until).order_by(*order)
        ranked = ids.limit(limit).subquery(f"top_{index}")
        parts.append(core_select(literal(index).label("part"), ranked.c.id))
    every = union_all(*parts).subquery("top_windows")
    return (
        select(Mention, every.c.part)
        .join(every, every.c.id == col(Mention.id))
        .order_by(every.c.part, *order)
    )


def text_sample(
    session: Session,
    *,
    brand_id: int,
    since: datetime,
    until: datetime,
    mentions: int,
    size: int,
    chars: int,
) -> list[str]:
    """Title and start of text of about `size` mentions spread evenly over the period: every
    k-th by id (k = mentions / size), chosen on the (brand_id, published_at, id) index."""
    if not mentions:
        return []
    step = max(1, math.ceil(mentions / size))
    ids = _period(select(col(Mention.id)), brand_id, since, until)
    if step > 1:
        ids = ids.where(col(Mention.id) % step == 0)
    text = func.substr(col(Mention.title) + " " + col(Mention.text), 1, chars)
    statement = select(text).where(col(Mention.id).in_(ids.limit(size).scalar_subquery()))
    return [str(r[0]) for r in session.execute(statement)]


def brand_names(session: Session, *, workspace_id: int, ids: list[int]) -> dict[int, str]:
    brand: Any = Brand.__table__  # type: ignore[attr-defined]
    statement = core_select(brand.c.id, brand.c.name).where(
        brand.c.workspace_id == workspace_id, brand.c.id.in_(ids)
    )
    return {int(r[0]): str(r[1]) for r in session.connection().execute(statement)}


@dataclass(frozen=True)
class SourceRow:
    id: int
    brand_id: int
    kind: str
    status: str
    last_error: str | None
    interval_seconds: int
    created_at: datetime


def sources_of(session: Session, brand_ids: list[int]) -> list[SourceRow]:
    source: Any = Source.__table__  # type: ignore[attr-defined]
    statement = (
        core_select(
            *[source.c[name] for name in ("id", "brand_id", "kind", "status", "last_error")],
            source.c.interval_seconds,
            source.c.created_at,
        )
        .where(source.c.brand_id.in_(brand_ids))
        .order_by(source.c.id)
    )
    return [SourceRow(**row._mapping) for row in session.connection().execute(statement)]


def poll_days(
    session: Session, source_ids: list[int], first_day: int, last_day: int
) -> list[tuple[int, int, int, int]]:
    """(source_id, day, ok_hours, failed_hours) of these sources for UTC days
    first_day..last_day, from poll_daily."""
    if not source_ids:
        return []
    statement = select(
        col(PollDaily.source_id),
        col(PollDaily.day),
        col(PollDaily.ok_hours),
        col(PollDaily.failed_hours),
    ).where(
        col(PollDaily.source_id).in_(source_ids),
        col(PollDaily.day) >= first_day,
        col(PollDaily.day) <= last_day,
    )
    rows = session.connection().execute(statement).all()  # one fetch, not one a row
    return [(int(r[0]), int(r[1]), int(r[2]), int(r[3])) for r in rows]
