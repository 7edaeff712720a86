"""Ledger corrections: voids and rectifications with history; removed companies.

Revision ID: 0010_corrections
Revises: 0009_shipment_destruction
``ledger_corrections`` records each correction of the ledger (a batch voided, pedimentos
rectified): its kind, the batch, the reason, who and when, and the discharge run it made
stale. Rows a correction withdraws stay where they are and name it in ``withdrawn_by``
(lots, shipments, BOM lines, materials, products): nothing is deleted, readers of the
current ledger skip them. ``ledger_part_versions`` keeps each earlier version of a material
or product: the one an import replaced (``replaced_by``) or a void set aside
(``correction_id``). ``companies`` gains ``removed_at``/``removed_by`` (a removed
company stays, with its audit trail). Frozen text: imports nothing from immex.
"""

import sqlalchemy as sa
from alembic import op

revision = "0010_corrections"
down_revision = "0009_shipment_destruction"
branch_labels = None
depends_on = None

#: the tables whose rows a correction can withdraw
WITHDRAWABLE = (
    "ledger_materials", "ledger_products", "ledger_bom", "ledger_lots", "ledger_shipments"
)  # fmt: skip


def upgrade() -> None:
    op.add_column("companies", sa.Column("removed_at", sa.DateTime(timezone=True), nullable=True))
    op.add_column("companies", sa.Column("removed_by", sa.String(length=254), nullable=True))
    op.create_table(
        "ledger_corrections",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("company_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("batch_id", sa.Integer(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("actor", sa.String(length=254), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("stale_run", sa.Integer(), nullable=True),
        sa.Column("detail", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["company_id"], ["companies.id"], name="fk_ledger_corrections_company_id_companies"
        ),
        sa.ForeignKeyConstraint(
            ["batch_id"], ["ledger_import_batches.id"],
            name="fk_ledger_corrections_batch_id_ledger_import_batches",
        ),  # fmt: skip
        sa.ForeignKeyConstraint(
            ["stale_run"], ["ledger_discharge_runs.id"],
            name="fk_ledger_corrections_stale_run_ledger_discharge_runs",
        ),  # fmt: skip
        sa.PrimaryKeyConstraint("id", name="pk_ledger_corrections"),
    )
    op.create_index(
        "ix_ledger_corrections_company_id", "ledger_corrections", ["company_id"], unique=False
    )
    op.create_table(
        "ledger_part_versions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("company_id", sa.Integer(), nullable=False),
        sa.Column("master", sa.String(length=20), nullable=False),
        sa.Column("part_number", sa.String(length=80), nullable=False),
        sa.Column("part_values", sa.JSON(), nullable=False),
        sa.Column("batch_id", sa.Integer(), nullable=True),
        sa.Column("replaced_by", sa.Integer(), nullable=True),
        sa.Column("correction_id", sa.Integer(), nullable=True),
        sa.Column("replaced_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(length=254), nullable=False),
        sa.ForeignKeyConstraint(
            ["company_id"], ["companies.id"], name="fk_ledger_part_versions_company_id_companies"
        ),
        sa.ForeignKeyConstraint(
            ["batch_id"], ["ledger_import_batches.id"],
            name="fk_ledger_part_versions_batch_id_ledger_import_batches",
        ),  # fmt: skip
        sa.ForeignKeyConstraint(
            ["replaced_by"], ["ledger_import_batches.id"],
            name="fk_ledger_part_versions_replaced_by_ledger_import_batches",
        ),  # fmt: skip
        sa.ForeignKeyConstraint(
            ["correction_id"], ["ledger_corrections.id"],
            name="fk_ledger_part_versions_correction_id_ledger_corrections",
        ),  # fmt: skip
        sa.PrimaryKeyConstraint("id", name="pk_ledger_part_versions"),
    )
    op.create_index(
        "ix_ledger_part_versions_company_part",
        "ledger_part_versions",
        ["company_id", "part_number"],
        unique=False,
    )
    for table in WITHDRAWABLE:
        with op.batch_alter_table(table) as batch:
            batch.add_column(sa.Column("withdrawn_by", sa.Integer(), nullable=True))
            batch.create_foreign_key(
                f"fk_{table}_withdrawn_by_ledger_corrections",
                "ledger_corrections", ["withdrawn_by"], ["id"],
            )  # fmt: skip


def downgrade() -> None:
    for table in WITHDRAWABLE:
        with op.batch_alter_table(table) as batch:
            batch.drop_constraint(f"fk_{table}_withdrawn_by_ledger_corrections", type_="foreignkey")
            batch.drop_column("withdrawn_by")
    op.drop_index("ix_ledger_part_versions_company_part", table_name="ledger_part_versions")
    op.drop_table("ledger_part_versions")
    op.drop_index("ix_ledger_corrections_company_id", table_name="ledger_corrections")
    op.drop_table("ledger_corrections")
    with op.batch_alter_table("companies") as batch:
        batch.drop_column("removed_by")
        batch.drop_column("removed_at")
