"""Rates area: user-loaded values of the curated, effective-dated parameters.

Revision ID: 0006_parameters
Revises: 0005_series
The tables are stated as they were first released (generated once from the table
definitions, then frozen): a migration never reads ``immex.store.tables``, so a later
change to a table needs a migration of its own.
"""

import sqlalchemy as sa
from alembic import op

revision = "0006_parameters"
down_revision = "0005_series"
branch_labels = None
depends_on = None


def upgrade() -> None:
    _create_parameter_values()


def downgrade() -> None:
    op.drop_table("parameter_values")


def _create_parameter_values() -> None:
    op.create_table(
        "parameter_values",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("batch_id", sa.Integer(), nullable=False),
        sa.Column("line", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("valid_from", sa.Date(), nullable=False),
        sa.Column("valid_to", sa.Date(), nullable=True),
        sa.Column("value", sa.String(length=40), nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("confidence", sa.String(length=1), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["batch_id"],
            ["rate_load_batches.id"],
            name=op.f("fk_parameter_values_batch_id_rate_load_batches"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_parameter_values")),
        sa.UniqueConstraint("name", "valid_from", name="uq_parameter_values_key"),
    )
