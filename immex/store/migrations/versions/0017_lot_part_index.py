"""Ledger lots and shipments: covering indexes for what a what-if reads.

``immex whatif sell`` reads the temporary-import lots of a few parts (the components of one
product's BOM) and the shipment lines of the products that use them, in processing order.
Without these indexes the first is a scan of every lot (or, by pedimento, one random table
page per lot) and the second a read of every shipment row in document order plus a sort.
With the columns the FIFO needs in the indexes, each read is one contiguous range of an
index (no page of the tables touched on SQLite, no sort), which keeps a what-if on a large
plant fast with a cold cache.

Revision ID: 0017_lot_part_index
Revises: 0010_corrections
Frozen text: imports nothing from immex.
"""

from alembic import op

revision = "0017_lot_part_index"
down_revision = "0010_corrections"
branch_labels = None
depends_on = None

#: the lots of a part, then what the FIFO reads of a lot
COLUMNS = [
    "company_id",
    "part_number",
    "clave",
    "withdrawn_by",
    "entry_date",
    "start_date",
    "quantity_micro",
    "value_e4",
    "pedimento",
    "id",
]


#: processing order (date, document, line, id), then what the engine reads of a line
SHIPMENT_COLUMNS = [
    "company_id",
    "ship_date",
    "document",
    "line",
    "id",
    "product",
    "kind",
    "quantity_micro",
    "pedimento",
    "withdrawn_by",
]


def upgrade() -> None:
    op.create_index("ix_ledger_lots_company_part", "ledger_lots", COLUMNS)
    op.create_index("ix_ledger_shipments_company_order", "ledger_shipments", SHIPMENT_COLUMNS)


def downgrade() -> None:
    op.drop_index("ix_ledger_shipments_company_order", table_name="ledger_shipments")
    op.drop_index("ix_ledger_lots_company_part", table_name="ledger_lots")
