"""alert rules, alerts and deliveries

Revision ID: 0003
Revises: 0002
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import models.types

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _ts(name: str, nullable: bool) -> sa.Column:  # type: ignore[type-arg]
    return sa.Column(name, models.types.UTCDateTime(timezone=True), nullable=nullable)


def _str(name: str, length: int, nullable: bool = False) -> sa.Column:  # type: ignore[type-arg]
    return sa.Column(name, sqlmodel.sql.sqltypes.AutoString(length=length), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "alert_rule",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("workspace_id", sa.Integer(), nullable=False),
        sa.Column("brand_id", sa.Integer(), nullable=False),
        _str("kind", 16),
        sa.Column("email", sa.JSON(), nullable=False),
        _str("webhook_url", 2048, nullable=True),
        _str("webhook_secret", 128),
        sa.Column("params", sa.JSON(), nullable=False),
        sa.Column("daily_budget", sa.Integer(), nullable=False),
        _ts("next_run_at", True),
        _ts("created_at", False),
        _ts("updated_at", False),
        sa.ForeignKeyConstraint(["brand_id"], ["brand.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["workspace_id"], ["workspace.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("alert_rule", schema=None) as batch_op:
        batch_op.create_index("ix_alert_rule_brand_id", ["brand_id"], unique=False)
        batch_op.create_index("ix_alert_rule_workspace_id", ["workspace_id"], unique=False)
        batch_op.create_index("ix_alert_rule_next_run_at", ["next_run_at"], unique=False)

    op.create_table(
        "alert",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("workspace_id", sa.Integer(), nullable=False),
        sa.Column("rule_id", sa.Integer(), nullable=True),
        sa.Column("brand_id", sa.Integer(), nullable=False),
        _str("kind", 16),
        _str("dedup_key", 100),
        _ts("fired_at", False),
        _ts("window_start", False),
        _ts("window_end", False),
        _str("reason", 1000),
        sa.Column("figures", sa.JSON(), nullable=False),
        sa.Column("sample_mention_ids", sa.JSON(), nullable=False),
        sa.Column("test", sa.Boolean(), nullable=False),
        sa.Column("folded_into_digest", sa.Boolean(), nullable=False),
        sa.Column("folded_into_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["brand_id"], ["brand.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["folded_into_id"], ["alert.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["rule_id"], ["alert_rule.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["workspace_id"], ["workspace.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("rule_id", "dedup_key", name="uq_alert_rule_dedup"),
    )
    with op.batch_alter_table("alert", schema=None) as batch_op:
        batch_op.create_index("ix_alert_rule_id", ["rule_id"], unique=False)
        batch_op.create_index("ix_alert_workspace_id_desc", ["workspace_id", "id"], unique=False)
        batch_op.create_index("ix_alert_brand_fired", ["brand_id", "fired_at"], unique=False)

    op.create_table(
        "alert_delivery",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("alert_id", sa.Integer(), nullable=False),
        _str("channel", 8),
        _str("recipient", 2048),
        _str("status", 8),
        sa.Column("attempts", sa.Integer(), nullable=False),
        _str("last_error", 2000, nullable=True),
        _ts("next_attempt_at", False),
        _ts("claimed_until", True),
        _ts("sent_at", True),
        _ts("created_at", False),
        sa.ForeignKeyConstraint(["alert_id"], ["alert.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint(
            "alert_id", "channel", "recipient", name="uq_alert_delivery_target"
        ),
    )
    with op.batch_alter_table("alert_delivery", schema=None) as batch_op:
        batch_op.create_index("ix_alert_delivery_alert_id", ["alert_id"], unique=False)
        batch_op.create_index("ix_alert_delivery_due", ["status", "next_attempt_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("alert_delivery", schema=None) as batch_op:
        batch_op.drop_index("ix_alert_delivery_due")
        batch_op.drop_index("ix_alert_delivery_alert_id")
    op.drop_table("alert_delivery")
    with op.batch_alter_table("alert", schema=None) as batch_op:
        batch_op.drop_index("ix_alert_brand_fired")
        batch_op.drop_index("ix_alert_workspace_id_desc")
        batch_op.drop_index("ix_alert_rule_id")
    op.drop_table("alert")
    with op.batch_alter_table("alert_rule", schema=None) as batch_op:
        batch_op.drop_index("ix_alert_rule_next_run_at")
        batch_op.drop_index("ix_alert_rule_workspace_id")
        batch_op.drop_index("ix_alert_rule_brand_id")
    op.drop_table("alert_rule")
