"""Rates area: agreement rows on a wider scope than a fracción carry their exceptions.

Revision ID: 0008_fta_scope
Revises: 0006_parameters
A row of ``fta_rates`` may now name a subheading, a heading, a chapter or ``*`` (the whole
agreement) in ``fraccion``; ``exceptions`` lists the scopes it leaves out (comma-separated,
empty for none). Frozen text: imports nothing from immex.
"""

import sqlalchemy as sa
from alembic import op

revision = "0008_fta_scope"
down_revision = "0006_parameters"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("fta_rates") as batch:
        batch.add_column(sa.Column("exceptions", sa.Text(), nullable=False, server_default=""))


def downgrade() -> None:
    with op.batch_alter_table("fta_rates") as batch:
        batch.drop_column("exceptions")
