"""Ledger tables: master data, lots, shipments, import batches, discharge journal.

Revision ID: 0003_ledger
Revises: 0001_core
"""

from alembic import op

from immex.store.tables import ledger

revision = "0003_ledger"
down_revision = "0001_core"
branch_labels = None
depends_on = None


def upgrade() -> None:
    bind = op.get_bind()
    for table in ledger.TABLES:
        table.create(bind)


def downgrade() -> None:
    bind = op.get_bind()
    for table in reversed(ledger.TABLES):
        table.drop(bind)
