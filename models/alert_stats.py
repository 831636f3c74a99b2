"""Mention statistics over one alert window, aggregated in the database."""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import case, func
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from models.mentions import MentionFilter, filtered
from models.tables import Mention


@dataclass(frozen=True)
class LabelCounts:
    mentions: int
    positive: int
    neutral: int
    negative: int
    compound_sum: float


def _scoped(
    statement: Any, workspace_id: int, brand_id: int, since: datetime, until: datetime
) -> Any:
    f = MentionFilter(workspace_id=workspace_id, brand_id=brand_id, since=since, until=until)
    return filtered(statement, f)


def label_counts(
    session: Session, *, workspace_id: int, brand_id: int, since: datetime, until: datetime
) -> LabelCounts:
    label = col(Mention.sentiment_label)
    statement = sa_select(
        func.count(),
        func.sum(case((label == "positive", 1), else_=0)),
        func.sum(case((label == "neutral", 1), else_=0)),
        func.sum(case((label == "negative", 1), else_=0)),
        func.sum(col(Mention.sentiment_compound)),
    )
    statement = _scoped(statement, workspace_id, brand_id, since, until)
    row = session.execute(statement).one()
    return LabelCounts(
        int(row[0]), int(row[1] or 0), int(row[2] or 0), int(row[3] or 0), float(row[4] or 0)
    )


def top_values(
    session: Session,
    *,
    workspace_id: int,
    brand_id: int,
    since: datetime,
    until: datetime,
    column: str,
    limit: int,
) -> list[tuple[str, int]]:
    """The commonest values of `column` (source_kind, author, domain) in the window."""
    field: Any = col(getattr(Mention, column))
    statement = (
        sa_select(field, func.count().label("n"))
        .where(field.is_not(None), field != "")
        .group_by(field)
        .order_by(func.count().desc(), field)
        .limit(limit)
    )
    statement = _scoped(statement, workspace_id, brand_id, since, until)
    return [(str(row[0]), int(row[1])) for row in session.execute(statement)]


def top_mentions(
    session: Session,
    *,
    workspace_id: int,
    brand_id: int,
    since: datetime,
    until: datetime,
    limit: int,
    label: str | None = None,
) -> list[Mention]:
    """The most engaging mentions of the window (newest first among equals)."""
    f = MentionFilter(
        workspace_id=workspace_id, brand_id=brand_id, since=since, until=until, label=label
    )
    engagement = func.coalesce(col(Mention.engagement_score), 0) + func.coalesce(
        col(Mention.engagement_comments), 0
    )
    statement = filtered(select(Mention), f).order_by(
        engagement.desc(), col(Mention.published_at).desc(), col(Mention.id).desc()
    )
    return list(session.exec(statement.limit(limit)).all())  # type: ignore[call-overload]


def recent_texts(
    session: Session,
    *,
    workspace_id: int,
    brand_id: int,
    since: datetime,
    until: datetime,
    limit: int,
) -> list[str]:
    statement = (
        sa_select(col(Mention.title), col(Mention.text))
        .order_by(col(Mention.published_at).desc())
        .limit(limit)
    )
    statement = _scoped(statement, workspace_id, brand_id, since, until)
    return [f"{row[0]}\n{row[1]}" for row in session.execute(statement)]
