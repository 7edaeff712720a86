"""Ledger BOM: an index by component, for what a what-if reads.

``immex whatif sell`` reads the BOM lines going up from the components of one product's BOM
to the products that use them (:func:`immex.services.decide.plant_slice.slice_bom`), one
query per level. Without an index by component each is a scan of the whole BOM; with it, a
few index ranges.

Revision ID: 0019_bom_component_index
Revises: 0018_lot_uses
Frozen text: imports nothing from immex.
"""

from alembic import op

revision = "0019_bom_component_index"
down_revision = "0018_lot_uses"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_ledger_bom_company_component", "ledger_bom", ["company_id", "component"])


def downgrade() -> None:
    op.drop_index("ix_ledger_bom_company_component", table_name="ledger_bom")
