"""brand locale and alert rule language

Revision ID: 0009
Revises: 0007

A brand's `locale` (BCP 47, such as es-MX or en-US) says how its figures, dates and emails are
written; existing brands get en-US. An alert rule's optional `language` (es or en) names the
language of its messages; null means the brand locale's language.
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0009"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("brand", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "locale",
                sqlmodel.sql.sqltypes.AutoString(length=35),
                nullable=False,
                server_default="en-US",
            )
        )
    with op.batch_alter_table("alert_rule", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("language", sqlmodel.sql.sqltypes.AutoString(length=8), nullable=True)
        )


def downgrade() -> None:
    with op.batch_alter_table("alert_rule", schema=None) as batch_op:
        batch_op.drop_column("language")
    with op.batch_alter_table("brand", schema=None) as batch_op:
        batch_op.drop_column("locale")
