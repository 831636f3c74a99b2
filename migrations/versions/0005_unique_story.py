"""one mention per brand and story: the story index becomes unique

Revision ID: 0005
Revises: 0004

Dedup found a stored story by a lookup before inserting, so two workers storing the same
story from two sources at once (a Google News item and the publisher's own feed) could both
insert it. A unique index on (brand_id, story_key) makes the second INSERT skip the row, as
the unique (brand_id, url_key) already did for URLs. NULL story keys (no publisher) never
conflict. Copies a race left behind are deleted first, keeping each story's oldest mention
(the rollup triggers subtract them).
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.execute(
        "DELETE FROM mention WHERE story_key IS NOT NULL AND id NOT IN "
        "(SELECT min(id) FROM mention WHERE story_key IS NOT NULL GROUP BY brand_id, story_key)"
    )
    op.drop_index("ix_mention_brand_story", table_name="mention")
    op.create_index("uq_mention_brand_story", "mention", ["brand_id", "story_key"], unique=True)


def downgrade() -> None:
    op.drop_index("uq_mention_brand_story", table_name="mention")
    op.create_index("ix_mention_brand_story", "mention", ["brand_id", "story_key"])
