"""Ledger area: a shipment may be a destruction, with its evidence.

Revision ID: 0009_shipment_destruction
Revises: 0003_ledger
``ledger_shipments.kind`` widens to 20 characters ("destruction" has 11) and gains
``evidence``: the destruction notice or acta number (LA 109 ¶3; RULES C-5). Frozen text:
imports nothing from immex.
"""

import sqlalchemy as sa
from alembic import op

revision = "0009_shipment_destruction"
down_revision = "0003_ledger"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("ledger_shipments") as batch:
        batch.alter_column(
            "kind", existing_type=sa.String(length=10), type_=sa.String(length=20),
            existing_nullable=False,
        )  # fmt: skip
        batch.add_column(sa.Column("evidence", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("ledger_shipments") as batch:
        batch.drop_column("evidence")
        batch.alter_column(
            "kind", existing_type=sa.String(length=20), type_=sa.String(length=10),
            existing_nullable=False,
        )  # fmt: skip
