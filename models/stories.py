"""Queries for stories: the stored mentions new copies may join, and the stories of a period.

A mention's story is ``story_id``, or its own id on the story's first mention (NULL there:
its id is not known before it is inserted). Hidden mentions (relevance) count in no story;
they are still found as candidates, so a copy of a hidden first mention joins its story.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from typing import Any

import orjson
from sqlalchemy import false, func, literal, text, union_all
from sqlalchemy import select as core_select
from sqlmodel import Session, col

from models.report_types import StoryPublic
from models.tables import Mention
from models.windows import window_binds, window_parameters

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
# SQLite works in our process: one statement for all the keys (a query a key costs more in
# SQLAlchemy's own overhead than SQLite spends reading the rows), the newest per key ranked.
_SQLITE_CANDIDATES = (
    "SELECT id, story, story_word, title, head FROM (SELECT id, COALESCE(story_id, id) AS story, "
    f"story_word, title, substr(text, 1, {_HEAD_CHARS}) AS head, "
    "row_number() OVER (PARTITION BY story_word ORDER BY id DESC) AS rank FROM mention "
    "WHERE story_word IN (SELECT value FROM json_each(?)) AND brand_id = ? "
    f"AND published_at >= ?) WHERE rank <= {CANDIDATES_PER_WORD}"
)


def story_candidates(
    session: Session, *, brand_id: int, words: Sequence[str], since: datetime
) -> list[StoryCandidate]:
    """The brand's newest mentions published since ``since`` whose key is one of ``words``,
    at most ``CANDIDATES_PER_WORD`` a word, newest first within each word."""
    if not words:
        return []
    if session.get_bind().dialect.name == "postgresql":
        parameters = {"words": orjson.dumps(sorted(set(words))).decode(), "brand_id": brand_id}
        rows: Iterable[Any] = session.execute(_POSTGRES_CANDIDATES, {**parameters, "since": since})
        return [StoryCandidate(*row) for row in rows]
    keys = orjson.dumps(sorted(set(words))).decode()
    moment = _sqlite_moment(session, since)
    rows = session.connection().exec_driver_sql(_SQLITE_CANDIDATES, (keys, brand_id, moment))
    return [StoryCandidate(*row) for row in rows]


def _sqlite_moment(session: Session, moment: datetime) -> Any:
    """``moment`` as SQLite stores ``published_at`` (the column type's own conversion)."""
    column_type = Mention.__table__.c.published_at.type  # type: ignore[attr-defined]
    dialect = session.get_bind().dialect
    process = column_type.dialect_impl(dialect).bind_processor(dialect)
    return process(moment) if process else moment


# A period's stories are counted and ranked from its *copies* (mentions with a story_id,
# under the partial index ix_mention_story_copies) and the first mentions they point to:
# every other mention of the period is a story of one. So the cost follows the copies, not
# the brand's volume (a million mentions, few copies: a few milliseconds). One statement
# gives both the count and the ranking, so the first mentions are looked up once.


@dataclass(frozen=True, slots=True)
class PeriodStories:
    top: list[StoryPublic]
    copies: int  # mentions of the period that copy an earlier one
    elsewhere: int  # stories of those copies whose first mention is not in the period

    def count(self, mentions: int) -> int:
        """Distinct stories among the period's ``mentions``: its first mentions (mentions
        minus copies) plus the stories of its copies whose first mention is not in it."""
        return mentions - self.copies + self.elsewhere


def period_stories(
    session: Session, *, brand_id: int, since: datetime, until: datetime, limit: int
) -> PeriodStories:
    """The period's stories with the most mentions (ties: the earliest first), each with the
    title and URL of its first copy (which may be older than the period); stories of one
    mention fill the list when fewer have copies. Hidden mentions count in no story."""
    parameters = window_parameters(brand_id, [(since, until)])
    found = session.execute(_period_statement(limit), parameters).all()
    rows = [(r.story, r.mentions, r.domains, r.first_in_period, r.avg_sentiment) for r in found]
    if len(rows) < limit:
        rows += _single_stories(session, brand_id, since, until, limit - len(rows))
    copies_total, elsewhere = (int(found[0].copies), int(found[0].elsewhere)) if found else (0, 0)
    return PeriodStories(_with_first_copies(session, rows), copies_total, elsewhere)


def top_stories_each(
    session: Session,
    *,
    brand_id: int,
    windows: Sequence[tuple[datetime, datetime]],
    limit: int,
) -> list[list[StoryPublic]]:
    """``top_stories`` of each window (as [since, until)), from one statement that ranks
    each window apart (a UNION ALL) and one lookup of all their first copies."""
    if not windows:
        return []
    parameters = window_parameters(brand_id, windows)
    statement = _each_statement(len(windows), limit)
    rows: list[list[tuple[int, int, int, int, float]]] = [[] for _ in windows]
    for part, *row in session.execute(statement, parameters):
        story, mentions, domains, first_in_period, avg_sentiment, _first_published = row
        rows[part].append((story, mentions, domains, first_in_period, avg_sentiment))
    for index, (since, until) in enumerate(windows):
        missing = limit - len(rows[index])
        if missing > 0:
            rows[index] += _single_stories(session, brand_id, since, until, missing)
    stories = iter(_with_first_copies(session, [row for found in rows for row in found]))
    return [[next(stories) for _ in found] for found in rows]


# The ranking statements are built once per shape (SQLAlchemy's construction and cache key
# cost more Python than the database spends on a day's stories) and run with the
# parameters of ``models.windows``.


@lru_cache(maxsize=64)
def _period_statement(limit: int) -> Any:
    return _ranked(0, limit)


@lru_cache(maxsize=64)
def _each_statement(windows: int, limit: int) -> Any:
    parts = []
    columns = ("story", "mentions", "domains", "first_in_period", "avg_sentiment")
    for index in range(windows):
        ranked = _ranked(index, limit).subquery(f"ranked_{index}")
        parts.append(
            core_select(
                literal(index).label("part"),
                *[ranked.c[name] for name in columns],
                ranked.c.first_published,
            )
        )
    every = union_all(*parts).subquery("ranked_windows")
    return core_select(every).order_by(
        every.c.part, every.c.mentions.desc(), every.c.first_published, every.c.story
    )


def _ranked(index: int, limit: int) -> Any:
    """The stories with copies of window ``index``, ranked (mentions, the earliest first),
    at most ``limit``, each row also carrying the window's totals of copies and
    ``elsewhere``."""
    brand_id, since, until = window_binds(index)
    name = f"copies_{index}"
    copy = Mention.__table__.alias(f"{name}_copy")  # type: ignore[attr-defined]
    copies = (
        core_select(
            copy.c.story_id.label("story"),
            copy.c.id,
            copy.c.domain,
            copy.c.published_at,
            copy.c.sentiment_compound.label("compound"),
            literal(0).label("is_first"),
        )
        .where(*_copies(copy, brand_id, since, until))
        .cte(name)
    )
    firsts: Any = core_select(
        col(Mention.id).label("story"),
        col(Mention.id),
        col(Mention.domain),
        col(Mention.published_at),
        col(Mention.sentiment_compound).label("compound"),
        literal(1).label("is_first"),
    ).where(col(Mention.id).in_(core_select(copies.c.story)), *_period(brand_id, since, until))
    members = union_all(core_select(copies), firsts).subquery()
    grouped = (
        core_select(
            members.c.story,
            func.count().label("mentions"),
            func.count(func.distinct(members.c.domain)).label("domains"),
            func.min(members.c.id).label("first_in_period"),
            func.avg(members.c.compound).label("avg_sentiment"),
            func.min(members.c.published_at).label("first_published"),
            func.max(members.c.is_first).label("has_first"),
        )
        .group_by(members.c.story)
        .subquery()
    )
    return (
        core_select(
            grouped.c.story,
            grouped.c.mentions,
            grouped.c.domains,
            grouped.c.first_in_period,
            grouped.c.avg_sentiment,
            grouped.c.first_published,
            func.sum(grouped.c.mentions - grouped.c.has_first).over().label("copies"),
            func.sum(1 - grouped.c.has_first).over().label("elsewhere"),
        )
        .order_by(grouped.c.mentions.desc(), grouped.c.first_published, grouped.c.story)
        .limit(limit)
    )


def top_stories(
    session: Session, *, brand_id: int, since: datetime, until: datetime, limit: int
) -> list[StoryPublic]:
    return period_stories(session, brand_id=brand_id, since=since, until=until, limit=limit).top


def _single_stories(
    session: Session, brand_id: int, since: datetime, until: datetime, limit: int
) -> list[tuple[int, int, int, int, float]]:
    """The period's earliest first mentions that have no copy in it: stories of one."""
    copy = Mention.__table__.alias("copy")  # type: ignore[attr-defined]
    copied = core_select(copy.c.story_id).where(*_copies(copy, brand_id, since, until))
    statement = (
        core_select(col(Mention.id), col(Mention.sentiment_compound))
        .where(
            *_period(brand_id, since, until),
            col(Mention.story_id).is_(None),
            col(Mention.id).not_in(copied),
        )
        .order_by(col(Mention.published_at), col(Mention.id))
        .limit(limit)
    )
    return [(i, 1, 1, i, compound) for i, compound in session.execute(statement)]


def _with_first_copies(
    session: Session, rows: list[tuple[int, int, int, int, float]]
) -> list[StoryPublic]:
    wanted = {story for story, *_ in rows} | {first for _, _, _, first, _ in rows}
    firsts = {
        mention_id: (title, url, published_at)
        for mention_id, title, url, published_at in session.execute(
            core_select(
                col(Mention.id), col(Mention.title), col(Mention.url), col(Mention.published_at)
            ).where(col(Mention.id).in_(sorted(wanted)))
        )
    }
    stories = []
    for story, mentions, domains, first_in_period, avg_sentiment in rows:
        # The first copy; the period's first when that one was deleted at its source.
        title, url, first_seen = firsts.get(story) or firsts[first_in_period]
        stories.append(
            StoryPublic(
                id=story,
                title=title,
                mentions=mentions,
                domains=domains,
                first_seen=first_seen,
                first_url=url,
                avg_sentiment=float(avg_sentiment or 0.0),
            )
        )
    return stories


def _copies(table: Any, brand_id: Any, since: Any, until: Any) -> list[Any]:
    return [
        table.c.brand_id == brand_id,
        table.c.story_id.is_not(None),
        table.c.published_at >= since,
        table.c.published_at < until,
        table.c.hidden == false(),
    ]


def _period(brand_id: Any, since: Any, until: Any) -> list[Any]:
    return [
        col(Mention.brand_id) == brand_id,
        col(Mention.published_at) >= since,
        col(Mention.published_at) < until,
        col(Mention.hidden) == false(),
    ]


def count_mentions(session: Session, *, brand_id: int, since: datetime, until: datetime) -> int:
    statement = core_select(func.count()).where(*_period(brand_id, since, until))
    return int(session.execute(statement).scalar_one())


# PostgreSQL: the candidates of ``_POSTGRES_CANDIDATES`` stored by other units of work close
# to ours (``fetched_at`` is one moment for all the rows of a unit of work).
_POSTGRES_CONCURRENT = text(
    "SELECT m.* FROM json_array_elements_text(CAST(:words AS json)) AS wanted(word) "
    "CROSS JOIN LATERAL "
    f"(SELECT {_CANDIDATE_COLUMNS} FROM mention WHERE story_word = wanted.word "
    "AND brand_id = :brand_id AND published_at >= :since "
    "AND fetched_at >= :recent AND fetched_at <> :ours "
    f"ORDER BY id DESC LIMIT {CANDIDATES_PER_WORD}) AS m"
)


def concurrent_candidates(
    session: Session,
    *,
    brand_id: int,
    words: Sequence[str],
    since: datetime,
    stored_at: datetime,
    recent: datetime,
) -> list[StoryCandidate]:
    """PostgreSQL: ``story_candidates`` among the mentions other units of work stored since
    ``recent``, leaving out those of the unit of work that stored its rows at ``stored_at``."""
    parameters = {
        "words": orjson.dumps(sorted(set(words))).decode(),
        "brand_id": brand_id,
        "since": since,
        "recent": recent,
        "ours": stored_at,
    }
    return [StoryCandidate(*row) for row in session.execute(_POSTGRES_CONCURRENT, parameters)]


def merge_story(session: Session, *, brand_id: int, into: int, merged: int) -> None:
    """Every mention of story ``merged`` (its first mention included) joins story ``into``."""
    session.execute(
        text(
            "UPDATE mention SET story_id = :into WHERE brand_id = :brand_id "
            "AND (id = :merged OR story_id = :merged)"
        ),
        {"into": into, "merged": merged, "brand_id": brand_id},
    )


def claim_brand_ingest(session: Session, brand_ids: Sequence[int]) -> frozenset[int]:
    """Of these brands, those no other transaction is storing new mentions of right now;
    this transaction then holds them until it ends, so that any other transaction storing
    mentions of one of them meanwhile is not given it (``services.stories``). SQLite, where
    one transaction writes at a time: all of them."""
    if not brand_ids or session.get_bind().dialect.name != "postgresql":
        return frozenset(brand_ids)
    claimed = session.execute(
        text(
            "SELECT CAST(b AS int) FROM json_array_elements_text(CAST(:brands AS json)) AS w(b) "
            "WHERE pg_try_advisory_xact_lock(:space, CAST(b AS int))"
        ),
        _claims_of(brand_ids),
    )
    return frozenset(int(row[0]) for row in claimed)


def wait_for_brand_ingest(session: Session, brand_ids: Sequence[int]) -> None:
    """PostgreSQL: until every transaction holding one of these brands' ingest claims has
    ended (shared locks, held to the end of this transaction: end it soon, so that nobody
    who stores next is kept from claiming)."""
    if session.get_bind().dialect.name != "postgresql":
        return
    session.execute(
        text(
            "SELECT pg_advisory_xact_lock_shared(:space, CAST(b AS int)) "
            "FROM json_array_elements_text(CAST(:brands AS json)) AS w(b)"
        ),
        _claims_of(brand_ids),
    )


def _claims_of(brand_ids: Sequence[int]) -> dict[str, Any]:
    """The parameters of both claim statements: the brands in one order for every worker."""
    return {"brands": orjson.dumps(sorted(brand_ids)).decode(), "space": _INGEST_CLAIMS}


def lock_brand_stories(session: Session, *, brand_id: int) -> None:
    """PostgreSQL: one transaction at a time reconciles a brand's stories (a lock that ends
    with the transaction; ingest itself never takes it)."""
    session.execute(text("SELECT pg_advisory_xact_lock(:space, :brand_id)"), {
        "space": _STORY_LOCKS, "brand_id": brand_id,
    })  # fmt: skip


_STORY_LOCKS = 0x5709  # the advisory lock space of story reconciliation
_INGEST_CLAIMS = 0x5708  # the advisory lock space of storing a brand's new mentions
