"""Rates area: user-loaded values of the curated, effective-dated parameters.

Revision ID: 0006_parameters
Revises: 0005_series
"""

from alembic import op

from immex.store.tables import rates

revision = "0006_parameters"
down_revision = "0005_series"
branch_labels = None
depends_on = None


def upgrade() -> None:
    bind = op.get_bind()
    for table in rates.PARAMETER_TABLES:
        table.create(bind)


def downgrade() -> None:
    bind = op.get_bind()
    for table in reversed(rates.PARAMETER_TABLES):
        table.drop(bind)
