"""Rates area: the IMMEX Decree Annex I / Annex II rows loaded into a workspace.

Revision ID: 0011_immex_annex
Revises: 0002_rates
``immex_annex_rows``: one row of Annex I or II (a chapter, heading, subheading or fracción,
its period, source, confidence, exceptions and note), pointing at its load batch. Frozen
text: imports nothing from immex.
"""

import sqlalchemy as sa
from alembic import op

revision = "0011_immex_annex"
down_revision = "0002_rates"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "immex_annex_rows",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("batch_id", sa.Integer(), nullable=False),
        sa.Column("line", sa.Integer(), nullable=False),
        sa.Column("scope", sa.String(length=10), nullable=False),
        sa.Column("annex", sa.String(length=3), nullable=False),
        sa.Column("valid_from", sa.Date(), nullable=False),
        sa.Column("valid_to", sa.Date(), nullable=True),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("confidence", sa.String(length=1), nullable=False),
        sa.Column("exceptions", sa.Text(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["batch_id"],
            ["rate_load_batches.id"],
            name=op.f("fk_immex_annex_rows_batch_id_rate_load_batches"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_immex_annex_rows")),
        sa.UniqueConstraint("annex", "scope", "valid_from", name="uq_immex_annex_rows_key"),
    )


def downgrade() -> None:
    op.drop_table("immex_annex_rows")
