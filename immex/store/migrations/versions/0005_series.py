"""Rates area: user-loaded FIX and INPC points that extend the bundled series.

Revision ID: 0005_series
Revises: 0002_rates
"""

from alembic import op

from immex.store.tables import rates

revision = "0005_series"
down_revision = "0002_rates"
branch_labels = None
depends_on = None


def upgrade() -> None:
    bind = op.get_bind()
    for table in rates.SERIES_TABLES:
        table.create(bind)


def downgrade() -> None:
    bind = op.get_bind()
    for table in reversed(rates.SERIES_TABLES):
        table.drop(bind)
