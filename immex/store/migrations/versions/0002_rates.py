"""Rates area: load batches, PROSEC sector catalog and lists, FTA schedules, LIGIE amendments.

Revision ID: 0002_rates
Revises: 0001_core
Initial migrations create the tables as first released from their definitions in
``immex.store.tables``; every later change to a table is an explicit ``op.*`` migration.
"""

from alembic import op

from immex.store.tables import rates

revision = "0002_rates"
down_revision = "0001_core"
branch_labels = None
depends_on = None

TABLES = list(rates.TABLES)


def upgrade() -> None:
    bind = op.get_bind()
    for table in TABLES:
        table.create(bind)


def downgrade() -> None:
    bind = op.get_bind()
    for table in reversed(TABLES):
        table.drop(bind)
