"""Rates area: user-loaded FIX and INPC points that extend the bundled series.

Revision ID: 0005_series
Revises: 0002_rates
The tables are stated as they were first released (generated once from the table
definitions, then frozen): a migration never reads ``immex.store.tables``, so a later
change to a table needs a migration of its own.
"""

import sqlalchemy as sa
from alembic import op

revision = "0005_series"
down_revision = "0002_rates"
branch_labels = None
depends_on = None


def upgrade() -> None:
    _create_series_points()


def downgrade() -> None:
    op.drop_table("series_points")


def _create_series_points() -> None:
    op.create_table(
        "series_points",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("batch_id", sa.Integer(), nullable=False),
        sa.Column("line", sa.Integer(), nullable=False),
        sa.Column("series", sa.String(length=10), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("value", sa.String(length=40), nullable=False),
        sa.ForeignKeyConstraint(
            ["batch_id"],
            ["rate_load_batches.id"],
            name=op.f("fk_series_points_batch_id_rate_load_batches"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_series_points")),
        sa.UniqueConstraint("series", "day", name="uq_series_points_key"),
    )
