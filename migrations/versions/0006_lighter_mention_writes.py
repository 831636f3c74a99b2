"""lighter mention writes: drop what another index or constraint already does

Revision ID: 0006
Revises: 0005

Every stored mention pays for each index and foreign key of the table (PostgreSQL: ~5 us of
server time a row for these two, out of ~50). Both are redundant:
- ix_mention_workspace_id: ix_mention_workspace_published starts with workspace_id and
  serves every lookup by workspace;
- mention.workspace_id's foreign key (PostgreSQL): a mention belongs to a brand (foreign
  key, ON DELETE CASCADE) and the brand to the workspace (ON DELETE CASCADE), so deleting a
  workspace still deletes its mentions. SQLite keeps the constraint: dropping it there
  means rebuilding the table with its triggers, for little (SQLite's check is an in-process
  lookup).
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

FOREIGN_KEY = "mention_workspace_id_fkey"


def upgrade() -> None:
    op.drop_index("ix_mention_workspace_id", table_name="mention")
    if op.get_bind().dialect.name == "postgresql":
        op.drop_constraint(FOREIGN_KEY, "mention", type_="foreignkey")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.create_foreign_key(
            FOREIGN_KEY, "mention", "workspace", ["workspace_id"], ["id"], ondelete="CASCADE"
        )
    op.create_index("ix_mention_workspace_id", "mention", ["workspace_id"])
