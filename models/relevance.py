"""Queries for relevance: marks, the brands' models, and rescoring stored mentions."""

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, func, update
from sqlalchemy import select as core_select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Session, col, select

from models.tables import Mention, RelevanceModelRow

_MENTION: Any = Mention.__table__  # type: ignore[attr-defined]
_MODEL: Any = RelevanceModelRow.__table__  # type: ignore[attr-defined]


def model_row(session: Session, brand_id: int, *, lock: bool = False) -> RelevanceModelRow | None:
    statement = select(RelevanceModelRow).where(col(RelevanceModelRow.brand_id) == brand_id)
    if lock:
        statement = statement.with_for_update()
    return session.exec(statement).first()


def note_mark(session: Session, *, brand_id: int, at: datetime) -> None:
    """Count the brand's marks again and remember when the last one came, creating the
    brand's row on its first mark (an upsert: two marks at once both count)."""
    marks = (
        core_select(func.count())
        .select_from(_MENTION)
        .where(_MENTION.c.brand_id == brand_id, _MENTION.c.relevance_verdict.is_not(None))
        .scalar_subquery()
    )
    dialect = session.get_bind().dialect.name
    insert: Any = pg_insert if dialect == "postgresql" else sqlite_insert
    statement = insert(_MODEL).values(brand_id=brand_id, marks=marks, last_marked_at=at)
    statement = statement.on_conflict_do_update(
        index_elements=["brand_id"], set_={"marks": marks, "last_marked_at": at}
    )
    session.execute(statement)


def trained_versions(
    session: Session, brand_ids: Iterable[int]
) -> dict[int, tuple[int, datetime | None]]:
    """brand_id -> (version, trained_at) of the brands among these that have a model."""
    ids = sorted(set(brand_ids))
    if not ids:
        return {}
    statement = core_select(_MODEL.c.brand_id, _MODEL.c.version, _MODEL.c.trained_at).where(
        _MODEL.c.brand_id.in_(ids), _MODEL.c.weights.is_not(None)
    )
    return {int(r[0]): (int(r[1]), r[2]) for r in session.connection().execute(statement)}


@dataclass(frozen=True)
class Marked:
    id: int
    title: str
    text: str
    domain: str
    author: str | None
    media_type: str
    language: str | None
    relevant: bool


_TEXT_COLUMNS = ("id", "title", "text", "domain", "author", "media_type", "language")


def marked(session: Session, brand_id: int) -> list[Marked]:
    statement = core_select(
        *[_MENTION.c[name] for name in _TEXT_COLUMNS], _MENTION.c.relevance_verdict
    ).where(_MENTION.c.brand_id == brand_id, _MENTION.c.relevance_verdict.is_not(None))
    return [
        Marked(**dict(zip(_TEXT_COLUMNS, row, strict=False)), relevant=row[-1] == "relevant")
        for row in session.connection().execute(statement)
    ]


@dataclass(frozen=True)
class Scored:
    """A stored mention as its brand's model scores it."""

    id: int
    title: str
    text: str
    domain: str
    author: str | None
    media_type: str
    language: str | None
    score: float | None
    hidden: bool
    verdict: str | None = None


_SCORED_COLUMNS = (*_TEXT_COLUMNS, "relevance_score", "hidden", "relevance_verdict")


def _scored(row: Any) -> Scored:
    values = dict(zip(_SCORED_COLUMNS, row, strict=True))
    return Scored(
        **{name: values[name] for name in _TEXT_COLUMNS},
        score=values["relevance_score"],
        hidden=bool(values["hidden"]),
        verdict=values["relevance_verdict"],
    )


def iter_mentions(
    session: Session,
    brand_id: int,
    *,
    fetched_since: datetime | None = None,
    batch: int = 1000,
) -> Iterator[list[Scored]]:
    """The brand's mentions in batches, by id, as the model needs them."""
    after = 0
    while True:
        statement = (
            core_select(*[_MENTION.c[name] for name in _SCORED_COLUMNS])
            .where(_MENTION.c.brand_id == brand_id, _MENTION.c.id > after)
            .order_by(_MENTION.c.id)
            .limit(batch)
        )
        if fetched_since is not None:
            statement = statement.where(_MENTION.c.fetched_at >= fetched_since)
        rows = [_scored(row) for row in session.connection().execute(statement)]
        if not rows:
            return
        yield rows
        after = rows[-1].id


def recent_unmarked(session: Session, brand_id: int, *, limit: int) -> list[Scored]:
    """The brand's newest unmarked mentions (the pool the review queue picks from)."""
    statement = (
        core_select(*[_MENTION.c[name] for name in _SCORED_COLUMNS])
        .where(_MENTION.c.brand_id == brand_id, _MENTION.c.relevance_verdict.is_(None))
        .order_by(_MENTION.c.published_at.desc(), _MENTION.c.id.desc())
        .limit(limit)
    )
    return [_scored(row) for row in session.connection().execute(statement)]


_SET_SCORE = (
    update(_MENTION)
    .where(
        _MENTION.c.id == bindparam("mention_id"),
        _MENTION.c.relevance_verdict.is_not_distinct_from(bindparam("verdict")),
    )
    .values(relevance_score=bindparam("score"), hidden=bindparam("is_hidden"))
)


def set_scores(
    session: Session, changes: Sequence[tuple[int, str | None, float | None, bool]]
) -> None:
    """(mention id, verdict it was scored with, score, hidden); a mention whose mark changed
    meanwhile is left as the new mark made it (the user's word wins)."""
    if changes:
        session.execute(
            _SET_SCORE,
            [{"mention_id": i, "verdict": v, "score": s, "is_hidden": h} for i, v, s, h in changes],
        )


def set_mark(session: Session, *, mention_id: int, verdict: str, at: datetime) -> None:
    session.execute(
        update(_MENTION)
        .where(_MENTION.c.id == mention_id)
        .values(relevance_verdict=verdict, relevance_marked_at=at, hidden=verdict == "irrelevant")
    )


def hidden_by_model(session: Session, brand_id: int) -> int:
    """The brand's unmarked mentions its model hides."""
    statement = (
        core_select(func.count())
        .select_from(_MENTION)
        .where(
            _MENTION.c.brand_id == brand_id,
            _MENTION.c.hidden.is_(True),
            _MENTION.c.relevance_verdict.is_(None),
        )
    )
    return int(session.connection().execute(statement).scalar_one())


def brands_waiting(session: Session, *, marked_before: datetime) -> list[tuple[int, datetime]]:
    """(brand_id, last_marked_at) of brands with marks their model has not been trained on,
    the last of them made before ``marked_before``."""
    statement = core_select(_MODEL.c.brand_id, _MODEL.c.last_marked_at).where(
        _MODEL.c.last_marked_at.is_not(None),
        _MODEL.c.last_marked_at < marked_before,
        (_MODEL.c.trained_at.is_(None)) | (_MODEL.c.trained_at < _MODEL.c.last_marked_at),
    )
    return [(int(r[0]), r[1]) for r in session.execute(statement)]
