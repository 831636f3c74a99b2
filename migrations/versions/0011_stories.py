"""Stories: mention.story_id (the story's first mention; NULL on that one) and story_word

Revision ID: 0011
Revises: 0010

Mentions stored before stories existed keep story_id NULL: each is a story of its own, as
no copy can be recognised without its key. story_word is the key later copies find a
mention by (domain.stories), indexed key first (as migration 0007 does for dedup's keys) so
that no other index of mention can be planned for a lookup by key; and a partial index of
the copies (story_id set), from which a period's stories are counted and ranked.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Plain ADD/DROP COLUMN on both databases: a batch rebuild on SQLite would drop the
    # rollup triggers (migration 0004).
    op.add_column("mention", sa.Column("story_id", sa.BigInteger(), nullable=True))
    op.add_column("mention", sa.Column("story_word", sa.String(length=64), nullable=True))
    op.create_index("ix_mention_story_word_brand", "mention", ["story_word", "brand_id", "id"])
    copies = sa.text("story_id IS NOT NULL")
    op.create_index(
        "ix_mention_story_copies",
        "mention",
        ["brand_id", "published_at", "story_id"],
        postgresql_where=copies,
        sqlite_where=copies,
    )


def downgrade() -> None:
    op.drop_index("ix_mention_story_copies", table_name="mention")
    op.drop_index("ix_mention_story_word_brand", table_name="mention")
    op.drop_column("mention", "story_word")
    op.drop_column("mention", "story_id")
