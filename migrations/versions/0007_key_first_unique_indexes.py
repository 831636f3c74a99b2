"""PostgreSQL: the unique mention keys indexed key first, so dedup lookups are index probes

Revision ID: 0007
Revises: 0006

Dedup looks up a batch's URL and story keys among the brand's mentions. With the unique
indexes on (brand_id, url_key) and (brand_id, story_key), every index of mention that starts
with brand_id could serve such a lookup, and whenever the statistics are stale (a new or
fast-growing table: after a first big poll, say) PostgreSQL's costs tie and it may pick one
that reads all of the brand's mentions for each key (measured: 100 ms for 400 keys at 3,000
mentions, growing with the brand). Indexed key first, (url_key, brand_id) and (story_key,
brand_id), a lookup by key can only be served by its own index (``models.mentions``): 400
keys cost ~1 ms however large the brand. The same uniqueness, so nothing else changes.

SQLite keeps its (brand_id, ...) keys: its lookups by key list already use them, and its
url key is a table constraint, which only a table rebuild could change.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.create_index("uq_mention_url_key_brand", "mention", ["url_key", "brand_id"], unique=True)
    op.drop_constraint("uq_mention_brand_url_key", "mention", type_="unique")
    op.create_index(
        "uq_mention_story_key_brand", "mention", ["story_key", "brand_id"], unique=True
    )
    op.drop_index("uq_mention_brand_story", table_name="mention")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.create_unique_constraint("uq_mention_brand_url_key", "mention", ["brand_id", "url_key"])
    op.drop_index("uq_mention_url_key_brand", table_name="mention")
    op.create_index("uq_mention_brand_story", "mention", ["brand_id", "story_key"], unique=True)
    op.drop_index("uq_mention_story_key_brand", table_name="mention")
