"""poll_attempt.items_skipped: the items of a poll that could not be read

Revision ID: 0008
Revises: 0007

One bad item (a date past the calendar's ends, a reference to no character, a number no
integer holds) no longer fails its whole poll: it is left out and the rest is stored. Each
attempt records how many were left out, so a source that keeps sending unreadable items
shows it. Existing attempts skipped none.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("poll_attempt", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("items_skipped", sa.Integer(), nullable=False, server_default="0")
        )


def downgrade() -> None:
    with op.batch_alter_table("poll_attempt", schema=None) as batch_op:
        batch_op.drop_column("items_skipped")
