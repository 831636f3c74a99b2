"""name keys: brand names unique per workspace, workspace names unique, whatever the case

Names are compared as people read them, whatever their case, accents or spacing ("OXXO" and
"Oxxo" are one name).

Revision ID: 0014
Revises: 0012

Adds ``name_key`` (``domain.names.name_key`` of the name) to ``workspace`` and ``brand``,
filled for the rows there are, with a unique index: (name_key) for workspaces,
(workspace_id, name_key) for brands. Rows that already share a key keep their names; the
later ones (by id) get their id appended to the key, so the upgrade never fails and only
new names are held to the rule. PostgreSQL makes the column NOT NULL; SQLite keeps it
nullable (making it NOT NULL there means rebuilding the table, whose cascades would empty
the tables that refer to it); the application always sets it.
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

from domain.names import name_key

revision: str = "0014"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _fill(table: str, scope: str | None) -> None:
    connection = op.get_bind()
    columns = f"id, name{', ' + scope if scope else ''}"
    rows = connection.execute(sa.text(f"SELECT {columns} FROM {table} ORDER BY id")).all()
    seen: set[tuple[object, str]] = set()
    for row in rows:
        key = name_key(row[1])
        group = row[2] if scope else None
        if (group, key) in seen:
            key = f"{key[:180]} #{row[0]}"
        seen.add((group, key))
        connection.execute(
            sa.text(f"UPDATE {table} SET name_key = :key WHERE id = :id"),
            {"key": key, "id": row[0]},
        )


def upgrade() -> None:
    postgres = op.get_bind().dialect.name == "postgresql"
    for table, scope in (("workspace", None), ("brand", "workspace_id")):
        op.add_column(
            table,
            sa.Column("name_key", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
        )
        _fill(table, scope)
        if postgres:
            op.alter_column(table, "name_key", nullable=False)
    op.create_index("uq_workspace_name_key", "workspace", ["name_key"], unique=True)
    op.create_index(
        "uq_brand_workspace_name_key", "brand", ["workspace_id", "name_key"], unique=True
    )


def downgrade() -> None:
    op.drop_index("uq_brand_workspace_name_key", table_name="brand")
    op.drop_index("uq_workspace_name_key", table_name="workspace")
    op.drop_column("brand", "name_key")  # ALTER TABLE DROP COLUMN: no rebuild, SQLite too
    op.drop_column("workspace", "name_key")
