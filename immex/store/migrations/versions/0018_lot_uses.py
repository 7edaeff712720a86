"""Discharge runs: what each run used of each part's lots, and the ledger it read.

``immex whatif sell`` on a date after a run's last shipment starts from the open balances
the run left instead of replaying every recorded shipment since the beginning. Each run
(covering every shipment) writes, per part with lots, the quantity it allocated from each
lot (the ids then the uses, int64, compressed) with a digest of what the FIFO read of those lots
(``ledger_lot_uses``), and the ledger it read (``ledger_run_states``): how many import
batches and corrections there were and the last id of each, and per product its shipment
lines and the date of the last. A run written before this migration has neither: a what-if
then replays the shipments as before.

Revision ID: 0018_lot_uses
Revises: 0017_lot_part_index
Frozen text: imports nothing from immex.
"""

import sqlalchemy as sa
from alembic import op

revision = "0018_lot_uses"
down_revision = "0017_lot_part_index"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "ledger_lot_uses",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("part_number", sa.String(length=80), nullable=False),
        sa.Column("lots", sa.Integer(), nullable=False),
        sa.Column("lots_digest", sa.String(length=64), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(
            ["run_id"],
            ["ledger_discharge_runs.id"],
            name=op.f("fk_ledger_lot_uses_run_id_ledger_discharge_runs"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ledger_lot_uses")),
        sa.UniqueConstraint("run_id", "part_number", name="uq_ledger_lot_uses_part"),
    )
    op.create_table(
        "ledger_run_states",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("ledger_mark", sa.JSON(), nullable=False),
        sa.Column("products", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["run_id"],
            ["ledger_discharge_runs.id"],
            name=op.f("fk_ledger_run_states_run_id_ledger_discharge_runs"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ledger_run_states")),
        sa.UniqueConstraint("run_id", name="uq_ledger_run_states_run"),
    )


def downgrade() -> None:
    op.drop_table("ledger_run_states")
    op.drop_table("ledger_lot_uses")
