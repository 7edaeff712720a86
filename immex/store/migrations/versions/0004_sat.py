"""SAT area: Data Stage / archivo M pedimentos, lines, discharges, rectifications, batches.

Revision ID: 0004_sat
Revises: 0001_core
Initial migrations create the tables as first released from their definitions in
``immex.store.tables.sat``; every later change to a table is an explicit ``op.*`` migration.
"""

from alembic import op

from immex.store.tables import sat

revision = "0004_sat"
down_revision = "0001_core"
branch_labels = None
depends_on = None


def upgrade() -> None:
    bind = op.get_bind()
    for table in sat.ALL_TABLES:
        table.create(bind)


def downgrade() -> None:
    bind = op.get_bind()
    for table in reversed(sat.ALL_TABLES):
        table.drop(bind)
