"""Accounts: the language a user reads the pages in (es or en; NULL: Spanish, the default),
remembered when they switch with ``?lang=`` or ``PUT /api/v1/me/language``.

Revision ID: 0015_user_language
Revises: 0014_load
Frozen text: imports nothing from immex.
"""

import sqlalchemy as sa
from alembic import op

revision = "0015_user_language"
down_revision = "0014_load"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.add_column(sa.Column("language", sa.String(length=5), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.drop_column("language")
