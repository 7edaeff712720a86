"""Rates area: load batches, PROSEC sector catalog and lists, FTA schedules, LIGIE amendments.

Revision ID: 0002_rates
Revises: 0001_core
The tables are stated as they were first released (generated once from the table
definitions, then frozen): a migration never reads ``immex.store.tables``, so a later
change to a table needs a migration of its own.
"""

import sqlalchemy as sa
from alembic import op

revision = "0002_rates"
down_revision = "0001_core"
branch_labels = None
depends_on = None


def upgrade() -> None:
    _create_rate_load_batches()
    _create_prosec_sectors()
    _create_prosec_rates()
    _create_fta_rates()
    _create_ligie_amendments()


def downgrade() -> None:
    op.drop_index(op.f("ix_ligie_amendments_fraccion"), table_name="ligie_amendments")
    op.drop_table("ligie_amendments")
    op.drop_index(op.f("ix_fta_rates_fraccion"), table_name="fta_rates")
    op.drop_table("fta_rates")
    op.drop_index(op.f("ix_prosec_rates_fraccion"), table_name="prosec_rates")
    op.drop_table("prosec_rates")
    op.drop_table("prosec_sectors")
    op.drop_table("rate_load_batches")


def _create_rate_load_batches() -> None:
    op.create_table(
        "rate_load_batches",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("file_name", sa.Text(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("rows", sa.Integer(), nullable=False),
        sa.Column("loaded_by", sa.String(length=80), nullable=False),
        sa.Column("loaded_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rate_load_batches")),
        sa.UniqueConstraint("kind", "sha256", name="uq_rate_load_batches_kind_sha256"),
    )


def _create_prosec_sectors() -> None:
    op.create_table(
        "prosec_sectors",
        sa.Column("code", sa.String(length=10), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("confidence", sa.String(length=1), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_prosec_sectors")),
    )


def _create_prosec_rates() -> None:
    op.create_table(
        "prosec_rates",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("batch_id", sa.Integer(), nullable=False),
        sa.Column("line", sa.Integer(), nullable=False),
        sa.Column("sector", sa.String(length=10), nullable=False),
        sa.Column("sector_name", sa.Text(), nullable=False),
        sa.Column("fraccion", sa.String(length=10), nullable=False),
        sa.Column("rate_text", sa.String(length=40), nullable=False),
        sa.Column("rate", sa.Numeric(precision=12, scale=6), nullable=True),
        sa.Column("valid_from", sa.Date(), nullable=False),
        sa.Column("valid_to", sa.Date(), nullable=True),
        sa.Column("acotacion", sa.Text(), nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["batch_id"],
            ["rate_load_batches.id"],
            name=op.f("fk_prosec_rates_batch_id_rate_load_batches"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_prosec_rates")),
        sa.UniqueConstraint("sector", "fraccion", "valid_from", name="uq_prosec_rates_key"),
    )
    op.create_index(op.f("ix_prosec_rates_fraccion"), "prosec_rates", ["fraccion"], unique=False)


def _create_fta_rates() -> None:
    op.create_table(
        "fta_rates",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("batch_id", sa.Integer(), nullable=False),
        sa.Column("line", sa.Integer(), nullable=False),
        sa.Column("agreement", sa.String(length=40), nullable=False),
        sa.Column("origin_countries", sa.Text(), nullable=False),
        sa.Column("fraccion", sa.String(length=10), nullable=False),
        sa.Column("rate_text", sa.String(length=40), nullable=False),
        sa.Column("rate", sa.Numeric(precision=12, scale=6), nullable=True),
        sa.Column("valid_from", sa.Date(), nullable=False),
        sa.Column("valid_to", sa.Date(), nullable=True),
        sa.Column("source", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["batch_id"],
            ["rate_load_batches.id"],
            name=op.f("fk_fta_rates_batch_id_rate_load_batches"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_fta_rates")),
        sa.UniqueConstraint(
            "agreement", "fraccion", "origin_countries", "valid_from", name="uq_fta_rates_key"
        ),
    )
    op.create_index(op.f("ix_fta_rates_fraccion"), "fta_rates", ["fraccion"], unique=False)


def _create_ligie_amendments() -> None:
    op.create_table(
        "ligie_amendments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("batch_id", sa.Integer(), nullable=False),
        sa.Column("line", sa.Integer(), nullable=False),
        sa.Column("fraccion", sa.String(length=10), nullable=False),
        sa.Column("rate_text", sa.String(length=80), nullable=False),
        sa.Column("rate", sa.Numeric(precision=12, scale=6), nullable=True),
        sa.Column("valid_from", sa.Date(), nullable=False),
        sa.Column("valid_to", sa.Date(), nullable=True),
        sa.Column("source", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["batch_id"],
            ["rate_load_batches.id"],
            name=op.f("fk_ligie_amendments_batch_id_rate_load_batches"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ligie_amendments")),
        sa.UniqueConstraint("fraccion", "valid_from", name="uq_ligie_amendments_key"),
    )
    op.create_index(
        op.f("ix_ligie_amendments_fraccion"), "ligie_amendments", ["fraccion"], unique=False
    )
