"""relevance: the user's marks and the brand model's score on each mention, hidden mentions
left out of the report rollup

Revision ID: 0010
Revises: 0009

`mention` gains `relevance_score` (the brand model's probability, null until the brand has
a model), `relevance_verdict` ('relevant', 'irrelevant' or null: the user's mark),
`relevance_marked_at`, and `hidden` (kept by the application: marked irrelevant, or
unmarked and scored under the brand's threshold). `relevance_model` holds one row per brand
that has marks: the marks' count and time (the retraining's debounce reads it) and, once
trained, the model (weights as JSON) with its cross-validated figures.

The rollup `mention_hourly` (0004) now counts visible mentions only: its triggers skip
hidden rows, and an UPDATE of `hidden` moves a mention out of (or back into) the rollup in
the same transaction, so the rollup still equals a GROUP BY over the visible mentions at
every commit. Existing mentions are all visible, so the rollup needs no backfill. On
PostgreSQL the covering index of the reports' reads of `mention` includes `hidden`.
"""

import importlib.util
from collections.abc import Sequence
from pathlib import Path
from types import ModuleType

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COVER = "ix_mention_brand_published_cover"
COVERED = [
    "id", "author", "domain", "engagement_score", "engagement_comments",
    "fetched_at", "source_kind", "sentiment_label", "sentiment_compound", "media_type",
]  # fmt: skip
READ = "published_at, brand_id, source_kind, sentiment_label, sentiment_compound, media_type"


def _rollups() -> ModuleType:
    """Migration 0004, whose SQL for the rollup's measures this one reuses."""
    path = Path(__file__).with_name("0004_report_rollups.py")
    spec = importlib.util.spec_from_file_location("escucha_migration_0004", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _pg_functions(r: ModuleType, visible_only: bool) -> None:
    where = " WHERE NOT m.hidden" if visible_only else ""

    def rows(table: str, sign: str) -> list[str]:
        return [part + where for part in r._pg_rows(table, sign)]

    new, old = rows("new_rows", "1"), rows("old_rows", "-1")
    for name, parts, cleanup in (
        ("mention_hourly_on_insert", new, False),
        ("mention_hourly_on_delete", old, True),
        ("mention_hourly_on_update", new + old, True),
    ):
        sql = r._pg_function(name, parts, cleanup=cleanup)
        op.execute(sql.replace("CREATE FUNCTION", "CREATE OR REPLACE FUNCTION", 1))


def _sqlite_add(r: ModuleType, m: str) -> str:
    values = ", ".join(r._measures(m, "1"))
    add = ", ".join(f"{c} = {c} + excluded.{c}" for c in r.COUNTS)
    keys, counts = ", ".join(r.KEY), ", ".join(r.COUNTS)
    return " ".join(
        f"INSERT INTO mention_hourly ({keys}, {counts}) "
        f"SELECT {m}.brand_id, {r._sqlite_slot(m)}, {kind}, {values} WHERE NOT {m}.hidden "
        f"ON CONFLICT ({keys}) DO UPDATE SET {add};"
        for kind in (f"{m}.source_kind", r.ALL_KINDS)
    )


def _sqlite_remove(r: ModuleType, m: str) -> str:
    subtract = ", ".join(
        f"{c} = {c} - ({e})" for c, e in zip(r.COUNTS, r._measures(m, "1"), strict=True)
    )
    statements = []
    for kind in (f"{m}.source_kind", r.ALL_KINDS):
        where = (
            f"brand_id = {m}.brand_id AND slot_hour = {r._sqlite_slot(m)} AND source_kind = {kind}"
        )
        statements.append(
            f"UPDATE mention_hourly SET {subtract} WHERE {where} AND NOT {m}.hidden; "
            f"DELETE FROM mention_hourly WHERE {where} AND mentions = 0;"
        )
    return " ".join(statements)


def _sqlite_triggers(r: ModuleType) -> None:
    for name in ("insert", "delete", "update"):
        op.execute(f"DROP TRIGGER IF EXISTS mention_hourly_on_{name}")
    op.execute(
        "CREATE TRIGGER mention_hourly_on_insert AFTER INSERT ON mention "
        f"BEGIN {_sqlite_add(r, 'NEW')} END"
    )
    op.execute(
        "CREATE TRIGGER mention_hourly_on_delete AFTER DELETE ON mention "
        f"BEGIN {_sqlite_remove(r, 'OLD')} END"
    )
    op.execute(
        f"CREATE TRIGGER mention_hourly_on_update AFTER UPDATE OF {READ}, hidden ON mention "
        f"BEGIN {_sqlite_remove(r, 'OLD')} {_sqlite_add(r, 'NEW')} END"
    )


def upgrade() -> None:
    postgres = op.get_bind().dialect.name == "postgresql"
    with op.batch_alter_table("mention") as batch:
        batch.add_column(sa.Column("relevance_score", sa.Float(), nullable=True))
        batch.add_column(sa.Column("relevance_verdict", sa.String(length=12), nullable=True))
        batch.add_column(
            sa.Column("relevance_marked_at", sa.DateTime(timezone=True), nullable=True)
        )
        batch.add_column(
            sa.Column("hidden", sa.Boolean(), nullable=False, server_default=sa.false())
        )
    op.create_index(
        "ix_mention_brand_marked",
        "mention",
        ["brand_id", "relevance_marked_at"],
        postgresql_where=sa.text("relevance_verdict IS NOT NULL"),
        sqlite_where=sa.text("relevance_verdict IS NOT NULL"),
    )
    op.create_table(
        "relevance_model",
        sa.Column("brand_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("marks", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("last_marked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("trained_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("trained_marks", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("weights", sa.JSON(), nullable=True),
        sa.Column("intercept", sa.Float(), nullable=True),
        sa.Column("threshold", sa.Float(), nullable=True),
        sa.Column("precision", sa.Float(), nullable=True),
        sa.Column("recall", sa.Float(), nullable=True),
        sa.Column("top_for", sa.JSON(), nullable=False, server_default="[]"),
        sa.Column("top_against", sa.JSON(), nullable=False, server_default="[]"),
        sa.ForeignKeyConstraint(["brand_id"], ["brand.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("brand_id"),
    )
    r = _rollups()
    if postgres:
        _pg_functions(r, visible_only=True)
        op.drop_index(COVER, table_name="mention")
        op.create_index(
            COVER, "mention", ["brand_id", "published_at"], postgresql_include=[*COVERED, "hidden"]
        )
    else:
        _sqlite_triggers(r)


def downgrade() -> None:
    postgres = op.get_bind().dialect.name == "postgresql"
    r = _rollups()
    # Hidden mentions come back into the rollup: recount it from every mention.
    op.execute("DELETE FROM mention_hourly")
    if postgres:
        _pg_functions(r, visible_only=False)
        op.drop_index(COVER, table_name="mention")
        op.create_index(COVER, "mention", ["brand_id", "published_at"], postgresql_include=COVERED)
        r._backfill(r._pg_slot("m"))
    else:
        for name in ("insert", "delete", "update"):
            op.execute(f"DROP TRIGGER IF EXISTS mention_hourly_on_{name}")
        r._backfill(r._sqlite_slot("m"))
    op.drop_table("relevance_model")
    op.drop_index("ix_mention_brand_marked", table_name="mention")
    with op.batch_alter_table("mention") as batch:
        for column in ("hidden", "relevance_marked_at", "relevance_verdict", "relevance_score"):
            batch.drop_column(column)
    if not postgres:
        r._sqlite_upgrade()
