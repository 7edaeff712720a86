"""Ledger tables: master data, lots, shipments, import batches, discharge journal.

Revision ID: 0003_ledger
Revises: 0001_core
The tables are stated as they were first released (generated once from the table
definitions, then frozen): a migration never reads ``immex.store.tables``, so a later
change to a table needs a migration of its own.
"""

import sqlalchemy as sa
from alembic import op

revision = "0003_ledger"
down_revision = "0001_core"
branch_labels = None
depends_on = None


def upgrade() -> None:
    _create_ledger_import_batches()
    _create_ledger_materials()
    _create_ledger_products()
    _create_ledger_bom()
    _create_ledger_lots()
    _create_ledger_shipments()
    _create_ledger_discharge_runs()
    _create_ledger_allocation_chunks()
    _create_ledger_shortfalls()
    _create_ledger_expired_uses()
    _create_ledger_unexploded()


def downgrade() -> None:
    op.drop_index("ix_ledger_unexploded_run", table_name="ledger_unexploded")
    op.drop_table("ledger_unexploded")
    op.drop_index("ix_ledger_expired_uses_run", table_name="ledger_expired_uses")
    op.drop_table("ledger_expired_uses")
    op.drop_index("ix_ledger_shortfalls_run", table_name="ledger_shortfalls")
    op.drop_table("ledger_shortfalls")
    op.drop_table("ledger_allocation_chunks")
    op.drop_table("ledger_discharge_runs")
    op.drop_index("ix_ledger_shipments_company_document", table_name="ledger_shipments")
    op.drop_table("ledger_shipments")
    op.drop_index("ix_ledger_lots_company_pedimento", table_name="ledger_lots")
    op.drop_table("ledger_lots")
    op.drop_index("ix_ledger_bom_company_product", table_name="ledger_bom")
    op.drop_table("ledger_bom")
    op.drop_table("ledger_products")
    op.drop_table("ledger_materials")
    op.drop_table("ledger_import_batches")


def _create_ledger_import_batches() -> None:
    op.create_table(
        "ledger_import_batches",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("company_id", sa.Integer(), nullable=False),
        sa.Column("entity", sa.String(length=20), nullable=False),
        sa.Column("file_name", sa.Text(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("rows", sa.Integer(), nullable=False),
        sa.Column("imported_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(length=80), nullable=False),
        sa.ForeignKeyConstraint(
            ["company_id"],
            ["companies.id"],
            name=op.f("fk_ledger_import_batches_company_id_companies"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ledger_import_batches")),
        sa.UniqueConstraint("company_id", "entity", "sha256", name="uq_ledger_import_batches_file"),
    )


def _create_ledger_materials() -> None:
    op.create_table(
        "ledger_materials",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("company_id", sa.Integer(), nullable=False),
        sa.Column("part_number", sa.String(length=80), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("fraccion", sa.String(length=10), nullable=False),
        sa.Column("umc", sa.String(length=10), nullable=False),
        sa.Column("batch_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["batch_id"],
            ["ledger_import_batches.id"],
            name=op.f("fk_ledger_materials_batch_id_ledger_import_batches"),
        ),
        sa.ForeignKeyConstraint(
            ["company_id"], ["companies.id"], name=op.f("fk_ledger_materials_company_id_companies")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ledger_materials")),
        sa.UniqueConstraint("company_id", "part_number", name="uq_ledger_materials_part"),
    )


def _create_ledger_products() -> None:
    op.create_table(
        "ledger_products",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("company_id", sa.Integer(), nullable=False),
        sa.Column("part_number", sa.String(length=80), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("fraccion", sa.String(length=10), nullable=False),
        sa.Column("umc", sa.String(length=10), nullable=False),
        sa.Column("batch_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["batch_id"],
            ["ledger_import_batches.id"],
            name=op.f("fk_ledger_products_batch_id_ledger_import_batches"),
        ),
        sa.ForeignKeyConstraint(
            ["company_id"], ["companies.id"], name=op.f("fk_ledger_products_company_id_companies")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ledger_products")),
        sa.UniqueConstraint("company_id", "part_number", name="uq_ledger_products_part"),
    )


def _create_ledger_bom() -> None:
    op.create_table(
        "ledger_bom",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("company_id", sa.Integer(), nullable=False),
        sa.Column("product", sa.String(length=80), nullable=False),
        sa.Column("component", sa.String(length=80), nullable=False),
        sa.Column("qty_per_unit_micro", sa.BigInteger(), nullable=False),
        sa.Column("scrap_pct_e4", sa.BigInteger(), nullable=False),
        sa.Column("valid_from", sa.Date(), nullable=True),
        sa.Column("valid_to", sa.Date(), nullable=True),
        sa.Column("batch_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["batch_id"],
            ["ledger_import_batches.id"],
            name=op.f("fk_ledger_bom_batch_id_ledger_import_batches"),
        ),
        sa.ForeignKeyConstraint(
            ["company_id"], ["companies.id"], name=op.f("fk_ledger_bom_company_id_companies")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ledger_bom")),
    )
    op.create_index(
        "ix_ledger_bom_company_product", "ledger_bom", ["company_id", "product"], unique=False
    )


def _create_ledger_lots() -> None:
    op.create_table(
        "ledger_lots",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("company_id", sa.Integer(), nullable=False),
        sa.Column("pedimento", sa.String(length=15), nullable=False),
        sa.Column("clave", sa.String(length=2), nullable=False),
        sa.Column("entry_date", sa.Date(), nullable=False),
        sa.Column("start_date", sa.Date(), nullable=True),
        sa.Column("part_number", sa.String(length=80), nullable=False),
        sa.Column("quantity_micro", sa.BigInteger(), nullable=False),
        sa.Column("value_e4", sa.BigInteger(), nullable=False),
        sa.Column("origin", sa.String(length=3), nullable=False),
        sa.Column("fraccion", sa.String(length=10), nullable=False),
        sa.Column("fx", sa.String(length=20), nullable=True),
        sa.Column("certificate", sa.Text(), nullable=True),
        sa.Column("source_line", sa.Integer(), nullable=False),
        sa.Column("batch_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["batch_id"],
            ["ledger_import_batches.id"],
            name=op.f("fk_ledger_lots_batch_id_ledger_import_batches"),
        ),
        sa.ForeignKeyConstraint(
            ["company_id"], ["companies.id"], name=op.f("fk_ledger_lots_company_id_companies")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ledger_lots")),
    )
    op.create_index(
        "ix_ledger_lots_company_pedimento", "ledger_lots", ["company_id", "pedimento"], unique=False
    )


def _create_ledger_shipments() -> None:
    op.create_table(
        "ledger_shipments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("company_id", sa.Integer(), nullable=False),
        sa.Column("document", sa.String(length=80), nullable=False),
        sa.Column("line", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("ship_date", sa.Date(), nullable=False),
        sa.Column("product", sa.String(length=80), nullable=False),
        sa.Column("quantity_micro", sa.BigInteger(), nullable=False),
        sa.Column("destination", sa.String(length=3), nullable=True),
        sa.Column("value_e4", sa.BigInteger(), nullable=True),
        sa.Column("pedimento", sa.String(length=15), nullable=True),
        sa.Column("source_line", sa.Integer(), nullable=False),
        sa.Column("batch_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["batch_id"],
            ["ledger_import_batches.id"],
            name=op.f("fk_ledger_shipments_batch_id_ledger_import_batches"),
        ),
        sa.ForeignKeyConstraint(
            ["company_id"], ["companies.id"], name=op.f("fk_ledger_shipments_company_id_companies")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ledger_shipments")),
    )
    op.create_index(
        "ix_ledger_shipments_company_document",
        "ledger_shipments",
        ["company_id", "document"],
        unique=False,
    )


def _create_ledger_discharge_runs() -> None:
    op.create_table(
        "ledger_discharge_runs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("company_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(length=80), nullable=False),
        sa.Column("through", sa.Date(), nullable=True),
        sa.Column("inputs_hash", sa.String(length=64), nullable=False),
        sa.Column("journal_hash", sa.String(length=64), nullable=False),
        sa.Column("parameters", sa.JSON(), nullable=False),
        sa.Column("summary", sa.JSON(), nullable=False),
        sa.Column("supersedes", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["company_id"],
            ["companies.id"],
            name=op.f("fk_ledger_discharge_runs_company_id_companies"),
        ),
        sa.ForeignKeyConstraint(
            ["supersedes"],
            ["ledger_discharge_runs.id"],
            name=op.f("fk_ledger_discharge_runs_supersedes_ledger_discharge_runs"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ledger_discharge_runs")),
    )


def _create_ledger_allocation_chunks() -> None:
    op.create_table(
        "ledger_allocation_chunks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("chunk_no", sa.Integer(), nullable=False),
        sa.Column("rows", sa.Integer(), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(
            ["run_id"],
            ["ledger_discharge_runs.id"],
            name=op.f("fk_ledger_allocation_chunks_run_id_ledger_discharge_runs"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ledger_allocation_chunks")),
        sa.UniqueConstraint("run_id", "chunk_no", name="uq_ledger_allocation_chunks_no"),
    )


def _create_ledger_shortfalls() -> None:
    op.create_table(
        "ledger_shortfalls",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("shipment_id", sa.Integer(), nullable=False),
        sa.Column("part_number", sa.String(length=80), nullable=False),
        sa.Column("required_micro", sa.BigInteger(), nullable=False),
        sa.Column("missing_micro", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["run_id"],
            ["ledger_discharge_runs.id"],
            name=op.f("fk_ledger_shortfalls_run_id_ledger_discharge_runs"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ledger_shortfalls")),
    )
    op.create_index("ix_ledger_shortfalls_run", "ledger_shortfalls", ["run_id"], unique=False)


def _create_ledger_expired_uses() -> None:
    op.create_table(
        "ledger_expired_uses",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("lot_id", sa.Integer(), nullable=False),
        sa.Column("shipment_id", sa.Integer(), nullable=False),
        sa.Column("open_micro", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["run_id"],
            ["ledger_discharge_runs.id"],
            name=op.f("fk_ledger_expired_uses_run_id_ledger_discharge_runs"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ledger_expired_uses")),
    )
    op.create_index("ix_ledger_expired_uses_run", "ledger_expired_uses", ["run_id"], unique=False)


def _create_ledger_unexploded() -> None:
    op.create_table(
        "ledger_unexploded",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("shipment_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["run_id"],
            ["ledger_discharge_runs.id"],
            name=op.f("fk_ledger_unexploded_run_id_ledger_discharge_runs"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ledger_unexploded")),
    )
    op.create_index("ix_ledger_unexploded_run", "ledger_unexploded", ["run_id"], unique=False)
