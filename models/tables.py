"""The tables. Every row belongs to one workspace; queries live in the repository modules."""

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column, Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from models.types import UTCDateTime, utcnow


def _ts(nullable: bool = True, index: bool = False) -> Any:
    return Field(default=None, sa_type=UTCDateTime(), nullable=nullable, index=index)


class Workspace(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=200)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime(), nullable=False)


class ApiKey(SQLModel, table=True):
    __tablename__ = "api_key"

    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int = Field(foreign_key="workspace.id", index=True, ondelete="CASCADE")
    key_hash: str = Field(max_length=64, unique=True)
    prefix: str = Field(max_length=16)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime(), nullable=False)
    revoked_at: datetime | None = _ts()


class Brand(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("workspace_id", "name", name="uq_brand_workspace_name"),)

    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int = Field(foreign_key="workspace.id", index=True, ondelete="CASCADE")
    name: str = Field(max_length=200)
    query: str = Field(max_length=1000)
    timezone: str = Field(default="UTC", max_length=64)
    # BCP 47 (es-MX, es-ES, en-US...): how the brand's figures, dates and emails are written
    locale: str = Field(default="en-US", max_length=35)
    languages: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    owned_domains: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    owned_handles: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    competitor_ids: list[int] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime(), nullable=False)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime(), nullable=False)


class Source(SQLModel, table=True):
    __table_args__ = (Index("ix_source_due", "status", "next_poll_at"),)

    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int = Field(foreign_key="workspace.id", index=True, ondelete="CASCADE")
    brand_id: int = Field(foreign_key="brand.id", index=True, ondelete="CASCADE")
    kind: str = Field(max_length=32)
    url: str | None = Field(default=None, max_length=2048)
    search: str | None = Field(default=None, max_length=1000)
    locale: str | None = Field(default=None, max_length=32)
    subreddit: str | None = Field(default=None, max_length=100)
    instance: str | None = Field(default=None, max_length=2048)
    hashtag: str | None = Field(default=None, max_length=200)
    interval_seconds: int = 900
    status: str = Field(default="ok", max_length=16)
    cursor: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    last_polled_at: datetime | None = _ts()
    next_poll_at: datetime | None = _ts()
    lease_until: datetime | None = _ts()
    last_error: str | None = Field(default=None, max_length=2000)
    consecutive_failures: int = 0
    mentions_found: int = 0
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime(), nullable=False)


class Mention(SQLModel, table=True):
    # The unique keys as SQLite has them; PostgreSQL indexes them key first, as
    # (url_key, brand_id) and (story_key, brand_id) (migration 0007), for dedup's lookups.
    __table_args__ = (
        UniqueConstraint("brand_id", "url_key", name="uq_mention_brand_url_key"),
        Index("ix_mention_brand_published", "brand_id", "published_at", "id"),
        Index("uq_mention_brand_story", "brand_id", "story_key", unique=True),
    )

    id: int | None = Field(default=None, primary_key=True)
    # No foreign key of its own (migration 0006): the brand's, cascading from the workspace,
    # covers it; ix_mention_workspace_published serves lookups by workspace.
    workspace_id: int
    brand_id: int = Field(foreign_key="brand.id", ondelete="CASCADE")
    source_id: int | None = Field(
        default=None, foreign_key="source.id", index=True, ondelete="SET NULL"
    )
    source_kind: str = Field(max_length=32)
    url_key: str = Field(max_length=2048)
    story_key: str | None = Field(default=None, max_length=600)
    url: str = Field(max_length=2048)
    domain: str = Field(default="", max_length=255)
    title: str = ""
    text: str = ""
    author: str | None = Field(default=None, max_length=300)
    published_at: datetime = Field(sa_type=UTCDateTime(), nullable=False)
    fetched_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime(), nullable=False)
    language: str | None = Field(default=None, max_length=8)
    sentiment_compound: float = 0.0
    sentiment_positive: float = 0.0
    sentiment_neutral: float = 0.0
    sentiment_negative: float = 0.0
    sentiment_label: str = Field(default="neutral", max_length=8)
    sentiment_model: str = Field(default="vader", max_length=32)
    engagement_score: int | None = None
    engagement_comments: int | None = None
    also_seen_in: list[dict[str, Any]] = Field(
        default_factory=list, sa_column=Column(JSON, nullable=False)
    )
    media_type: str = Field(default="earned", max_length=8)


class PollAttempt(SQLModel, table=True):
    """Every poll attempt, so health, gaps in polling and /metrics come from facts."""

    __tablename__ = "poll_attempt"
    __table_args__ = (Index("ix_poll_attempt_source_started", "source_id", "started_at"),)

    id: int | None = Field(default=None, primary_key=True)
    source_id: int = Field(foreign_key="source.id", ondelete="CASCADE")
    started_at: datetime = Field(sa_type=UTCDateTime(), nullable=False)
    finished_at: datetime = Field(sa_type=UTCDateTime(), nullable=False)
    ok: bool
    not_modified: bool = False
    items: int = 0
    new_mentions: int = 0
    error: str | None = Field(default=None, max_length=2000)
