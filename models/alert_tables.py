"""Alert rules, what they fired, and one delivery row per channel and recipient.

Idempotence lives in the unique constraints: an alert is unique per rule and dedup key
(its window), a delivery per alert, channel and recipient; so re-running an evaluation or a
delivery task inserts nothing twice.
"""

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column, Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from models.types import UTCDateTime, utcnow

RULE_KINDS = ("spike", "negative_surge", "digest")
DELIVERY_STATUSES = ("pending", "sending", "sent", "failed")


class AlertRule(SQLModel, table=True):
    __tablename__ = "alert_rule"

    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int = Field(foreign_key="workspace.id", index=True, ondelete="CASCADE")
    brand_id: int = Field(foreign_key="brand.id", index=True, ondelete="CASCADE")
    kind: str = Field(max_length=16)
    email: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    webhook_url: str | None = Field(default=None, max_length=2048)
    webhook_secret: str = Field(max_length=128)
    # sensitivity, cooldown_minutes, window_minutes (spikes); schedule, time, weekday (digests)
    params: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    daily_budget: int = 5
    # es or en: the language of its messages; null: the brand locale's language
    language: str | None = Field(default=None, max_length=8)
    next_run_at: datetime | None = Field(
        default=None, sa_type=UTCDateTime(), nullable=True, index=True
    )
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime(), nullable=False)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime(), nullable=False)


class Alert(SQLModel, table=True):
    """Something that fired (or a test message): why, over which window, with what data."""

    __table_args__ = (
        UniqueConstraint("rule_id", "dedup_key", name="uq_alert_rule_dedup"),
        Index("ix_alert_workspace_id_desc", "workspace_id", "id"),
        Index("ix_alert_brand_fired", "brand_id", "fired_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int = Field(foreign_key="workspace.id", ondelete="CASCADE")
    rule_id: int | None = Field(
        default=None, foreign_key="alert_rule.id", index=True, ondelete="SET NULL"
    )
    brand_id: int = Field(foreign_key="brand.id", ondelete="CASCADE")
    kind: str = Field(max_length=16)
    dedup_key: str = Field(max_length=100)
    fired_at: datetime = Field(sa_type=UTCDateTime(), nullable=False)
    window_start: datetime = Field(sa_type=UTCDateTime(), nullable=False)
    window_end: datetime = Field(sa_type=UTCDateTime(), nullable=False)
    reason: str = Field(default="", max_length=1000)
    figures: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    sample_mention_ids: list[int] = Field(
        default_factory=list, sa_column=Column(JSON, nullable=False)
    )
    test: bool = False
    folded_into_digest: bool = False
    folded_into_id: int | None = Field(default=None, foreign_key="alert.id", ondelete="SET NULL")


class AlertDelivery(SQLModel, table=True):
    """One channel attempt series: claimed (`sending`) before the send, marked after it."""

    __tablename__ = "alert_delivery"
    __table_args__ = (
        UniqueConstraint("alert_id", "channel", "recipient", name="uq_alert_delivery_target"),
        Index("ix_alert_delivery_due", "status", "next_attempt_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    alert_id: int = Field(foreign_key="alert.id", index=True, ondelete="CASCADE")
    channel: str = Field(max_length=8)
    recipient: str = Field(max_length=2048)
    status: str = Field(default="pending", max_length=8)
    attempts: int = 0
    last_error: str | None = Field(default=None, max_length=2000)
    next_attempt_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime(), nullable=False)
    claimed_until: datetime | None = Field(default=None, sa_type=UTCDateTime(), nullable=True)
    sent_at: datetime | None = Field(default=None, sa_type=UTCDateTime(), nullable=True)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime(), nullable=False)
