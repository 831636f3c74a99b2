"""Queries for stories: the stored mentions new copies may join, and the stories of a period.

A mention's story is ``story_id``, or its own id on the story's first mention (NULL there:
its id is not known before it is inserted).
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import orjson
from sqlalchemy import func, text
from sqlalchemy import select as core_select
from sqlmodel import Session, col

from models.tables import Mention

CANDIDATES_PER_WORD = 8  # the newest mentions of each key compared: a story is news
_HEAD_CHARS = 600  # of the text: as much as domain.stories.HEAD_WORDS words may take


def story_of() -> Any:
    """The story of a mention, as SQL."""
    return func.coalesce(col(Mention.story_id), col(Mention.id))


@dataclass(frozen=True, slots=True)
class StoryCandidate:
    id: int
    story_id: int
    story_word: str
    title: str
    head: str  # the start of the text


_CANDIDATE_COLUMNS = (
    f"id, COALESCE(story_id, id), story_word, title, substr(text, 1, {_HEAD_CHARS})"
)
# One backward range of the (story_word, brand_id, id) index a key, at most
# CANDIDATES_PER_WORD rows each (``brand_id + 0``: the index's own brand test, as dedup's).
_POSTGRES_CANDIDATES = text(
    "SELECT m.* FROM json_array_elements_text(CAST(:words AS json)) AS wanted(word) "
    "CROSS JOIN LATERAL "
    f"(SELECT {_CANDIDATE_COLUMNS} FROM mention WHERE story_word = wanted.word "
    "AND brand_id = :brand_id AND published_at >= :since "
    f"ORDER BY id DESC LIMIT {CANDIDATES_PER_WORD}) AS m"
)
_SQLITE_CANDIDATES = (
    f"SELECT {_CANDIDATE_COLUMNS} FROM mention WHERE story_word = ? AND brand_id = ? "
    f"AND published_at >= ? ORDER BY id DESC LIMIT {CANDIDATES_PER_WORD}"
)


def story_candidates(
    session: Session, *, brand_id: int, words: Sequence[str], since: datetime
) -> list[StoryCandidate]:
    """The brand's newest mentions published since ``since`` whose key is one of ``words``,
    at most ``CANDIDATES_PER_WORD`` a word, newest first: a short backward range of the
    (story_word, brand_id, id) index a word, on both databases (SQLite works in our process,
    so a query a word costs it no round trip)."""
    if not words:
        return []
    if session.get_bind().dialect.name == "postgresql":
        parameters = {"words": orjson.dumps(sorted(set(words))).decode(), "brand_id": brand_id}
        rows: Iterable[Any] = session.execute(_POSTGRES_CANDIDATES, {**parameters, "since": since})
        return [StoryCandidate(*row) for row in rows]
    connection = session.connection()
    moment = _sqlite_moment(session, since)
    return [
        StoryCandidate(*row)
        for word in sorted(set(words))
        for row in connection.exec_driver_sql(_SQLITE_CANDIDATES, (word, brand_id, moment))
    ]


def _sqlite_moment(session: Session, moment: datetime) -> Any:
    """``moment`` as SQLite stores ``published_at`` (the column type's own conversion)."""
    column_type = Mention.__table__.c.published_at.type  # type: ignore[attr-defined]
    dialect = session.get_bind().dialect
    process = column_type.dialect_impl(dialect).bind_processor(dialect)
    return process(moment) if process else moment


@dataclass(frozen=True, slots=True)
class StoryRow:
    id: int
    title: str
    mentions: int
    domains: int
    first_seen: datetime
    first_url: str
    avg_sentiment: float


def stories_count(session: Session, *, brand_id: int, since: datetime, until: datetime) -> int:
    """Distinct stories among the brand's mentions published in [since, until)."""
    statement = core_select(func.count(func.distinct(story_of()))).where(
        *_period(brand_id, since, until)
    )
    return int(session.execute(statement).scalar_one())


def top_stories(
    session: Session, *, brand_id: int, since: datetime, until: datetime, limit: int
) -> list[StoryRow]:
    """The period's stories with the most mentions (ties: the earliest first), each with the
    title and URL of its first copy (which may be older than the period)."""
    story = story_of().label("story")
    grouped = (
        core_select(
            story,
            func.count().label("mentions"),
            func.count(func.distinct(col(Mention.domain))).label("domains"),
            func.min(col(Mention.id)).label("first_in_period"),
            func.avg(col(Mention.sentiment_compound)).label("avg_sentiment"),
        )
        .where(*_period(brand_id, since, until))
        .group_by(story)
        .order_by(func.count().desc(), func.min(col(Mention.published_at)), story)
        .limit(limit)
    )
    rows = list(session.execute(grouped))
    wanted = {row.story for row in rows} | {row.first_in_period for row in rows}
    firsts = {
        mention_id: (title, url, published_at)
        for mention_id, title, url, published_at in session.execute(
            core_select(
                col(Mention.id), col(Mention.title), col(Mention.url), col(Mention.published_at)
            ).where(col(Mention.id).in_(sorted(wanted)))
        )
    }
    stories = []
    for row in rows:
        # The first copy; the period's first when that one was deleted at its source.
        title, url, first_seen = firsts.get(row.story) or firsts[row.first_in_period]
        stories.append(
            StoryRow(
                id=row.story,
                title=title,
                mentions=row.mentions,
                domains=row.domains,
                first_seen=first_seen,
                first_url=url,
                avg_sentiment=float(row.avg_sentiment or 0.0),
            )
        )
    return stories


def _period(brand_id: int, since: datetime, until: datetime) -> list[Any]:
    return [
        col(Mention.brand_id) == brand_id,
        col(Mention.published_at) >= since,
        col(Mention.published_at) < until,
    ]


def count_mentions(session: Session, *, brand_id: int, since: datetime, until: datetime) -> int:
    statement = core_select(func.count()).where(*_period(brand_id, since, until))
    return int(session.execute(statement).scalar_one())
