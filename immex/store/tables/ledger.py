"""Tables of the Annex 24 ledger: master data, lots, shipments, import batches, discharge runs.

Quantities are stored as integers in micro-units (``*_micro``, 6 decimals) and USD values in
ten-thousandths (``*_e4``): exact on SQLite and PostgreSQL alike, and fast to bulk-load.
Services convert to and from Decimal. Every table is per company. The allocation journal
of a run is stored compactly (``ledger_allocation_chunks``: numpy columns in compressed
blobs), written and read back by ``immex.store.repositories.journal``.
"""

from sqlalchemy import (
    JSON,
    BigInteger,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Table,
    Text,
    UniqueConstraint,
)

from immex.store.tables.base import metadata

import_batches = Table(
    "ledger_import_batches",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("company_id", Integer, ForeignKey("companies.id"), nullable=False),
    Column(
        "entity", String(20), nullable=False
    ),  # materials | products | bom | pedimentos | shipments
    Column("file_name", Text, nullable=False),
    Column("sha256", String(64), nullable=False),
    Column("rows", Integer, nullable=False),
    Column("imported_at", DateTime(timezone=True), nullable=False),
    Column("actor", String(80), nullable=False),
    #: 0 for a file's first import; n after its n-th batch was voided (0016_batch_reimport)
    Column("attempt", Integer, nullable=False, server_default="0"),
    UniqueConstraint(
        "company_id", "entity", "sha256", "attempt", name="uq_ledger_import_batches_file_attempt"
    ),
)

materials = Table(
    "ledger_materials",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("company_id", Integer, ForeignKey("companies.id"), nullable=False),
    Column("part_number", String(80), nullable=False),
    Column("description", Text, nullable=False),
    Column("kind", String(20), nullable=False),
    Column("fraccion", String(10), nullable=False),
    Column("umc", String(10), nullable=False),
    Column("batch_id", Integer, ForeignKey("ledger_import_batches.id")),
    Column("withdrawn_by", Integer, ForeignKey("ledger_corrections.id")),  # 0010_corrections
    UniqueConstraint("company_id", "part_number", name="uq_ledger_materials_part"),
)

products = Table(
    "ledger_products",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("company_id", Integer, ForeignKey("companies.id"), nullable=False),
    Column("part_number", String(80), nullable=False),
    Column("description", Text, nullable=False),
    Column("fraccion", String(10), nullable=False),
    Column("umc", String(10), nullable=False),
    Column("batch_id", Integer, ForeignKey("ledger_import_batches.id")),
    Column("withdrawn_by", Integer, ForeignKey("ledger_corrections.id")),  # 0010_corrections
    UniqueConstraint("company_id", "part_number", name="uq_ledger_products_part"),
)

bom = Table(
    "ledger_bom",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("company_id", Integer, ForeignKey("companies.id"), nullable=False),
    Column("product", String(80), nullable=False),
    Column("component", String(80), nullable=False),
    Column("qty_per_unit_micro", BigInteger, nullable=False),
    Column("scrap_pct_e4", BigInteger, nullable=False),  # scrap % × 10^4
    Column("valid_from", Date),
    Column("valid_to", Date),
    Column("batch_id", Integer, ForeignKey("ledger_import_batches.id")),
    Column("withdrawn_by", Integer, ForeignKey("ledger_corrections.id")),  # 0010_corrections
    Index("ix_ledger_bom_company_product", "company_id", "product"),
    # the products that use a component: what a what-if reads (0019_bom_component_index)
    Index("ix_ledger_bom_company_component", "company_id", "component"),
)

#: one row per part on a pedimento line: the lots the FIFO discharge draws from
lots = Table(
    "ledger_lots",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("company_id", Integer, ForeignKey("companies.id"), nullable=False),
    Column("pedimento", String(15), nullable=False),
    Column("clave", String(2), nullable=False),
    Column("entry_date", Date, nullable=False),
    Column("start_date", Date),
    Column("part_number", String(80), nullable=False),
    Column("quantity_micro", BigInteger, nullable=False),
    Column("value_e4", BigInteger, nullable=False),
    Column("origin", String(3), nullable=False),
    Column("fraccion", String(10), nullable=False),
    Column("fx", String(20)),
    Column("certificate", Text),
    Column("source_line", Integer, nullable=False),
    Column("batch_id", Integer, ForeignKey("ledger_import_batches.id"), nullable=False),
    Column("withdrawn_by", Integer, ForeignKey("ledger_corrections.id")),  # 0010_corrections
    Index("ix_ledger_lots_company_pedimento", "company_id", "pedimento"),
    # covering: the columns a what-if reads of a few parts' lots (0017_lot_part_index)
    Index(
        "ix_ledger_lots_company_part",
        "company_id", "part_number", "clave", "withdrawn_by", "entry_date", "start_date",
        "quantity_micro", "value_e4", "pedimento", "id",
    ),  # fmt: skip
)

shipments = Table(
    "ledger_shipments",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("company_id", Integer, ForeignKey("companies.id"), nullable=False),
    Column("document", String(80), nullable=False),
    Column("line", Integer, nullable=False),
    Column("kind", String(20), nullable=False),  # widened by 0009_shipment_destruction
    Column("ship_date", Date, nullable=False),
    Column("product", String(80), nullable=False),
    Column("quantity_micro", BigInteger, nullable=False),
    Column("destination", String(3)),
    Column("value_e4", BigInteger),
    Column("pedimento", String(15)),  # directed discharge
    Column("source_line", Integer, nullable=False),
    Column("batch_id", Integer, ForeignKey("ledger_import_batches.id"), nullable=False),
    Column("evidence", Text),  # a destruction's notice or acta (0009_shipment_destruction)
    Column("withdrawn_by", Integer, ForeignKey("ledger_corrections.id")),  # 0010_corrections
    Index("ix_ledger_shipments_company_document", "company_id", "document"),
    # covering, in processing order: what a what-if reads (0017_lot_part_index)
    Index(
        "ix_ledger_shipments_company_order",
        "company_id", "ship_date", "document", "line", "id", "product", "kind",
        "quantity_micro", "pedimento", "withdrawn_by",
    ),  # fmt: skip
)

discharge_runs = Table(
    "ledger_discharge_runs",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("company_id", Integer, ForeignKey("companies.id"), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("actor", String(80), nullable=False),
    Column("through", Date),
    Column("inputs_hash", String(64), nullable=False),
    Column("journal_hash", String(64), nullable=False),
    Column("parameters", JSON, nullable=False),
    Column("summary", JSON, nullable=False),
    #: the run this one replaces (the current run is the company's latest); never updated
    Column("supersedes", Integer, ForeignKey("ledger_discharge_runs.id")),
)

#: a correction of the ledger (0010_corrections): a batch voided, pedimentos rectified; the
#: rows it withdraws name it in ``withdrawn_by``; ``stale_run`` is the discharge run that was
#: current when it was made (that run's journal is stale until a new run supersedes it)
corrections = Table(
    "ledger_corrections",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("company_id", Integer, ForeignKey("companies.id"), nullable=False),
    Column("kind", String(20), nullable=False),  # void | rectify
    Column("batch_id", Integer, ForeignKey("ledger_import_batches.id"), nullable=False),
    Column("reason", Text, nullable=False),
    Column("actor", String(254), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("stale_run", Integer, ForeignKey("ledger_discharge_runs.id")),
    Column("detail", JSON, nullable=False),
    Index("ix_ledger_corrections_company_id", "company_id"),
)

#: an earlier version of a material or product: replaced by an import (``replaced_by``) or
#: set aside by a void (``correction_id``)
part_versions = Table(
    "ledger_part_versions",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("company_id", Integer, ForeignKey("companies.id"), nullable=False),
    Column("master", String(20), nullable=False),  # materials | products
    Column("part_number", String(80), nullable=False),
    Column("part_values", JSON, nullable=False),
    Column("batch_id", Integer, ForeignKey("ledger_import_batches.id")),
    Column("replaced_by", Integer, ForeignKey("ledger_import_batches.id")),
    Column("correction_id", Integer, ForeignKey("ledger_corrections.id")),
    Column("replaced_at", DateTime(timezone=True), nullable=False),
    Column("actor", String(254), nullable=False),
    Index("ix_ledger_part_versions_company_part", "company_id", "part_number"),
)

#: the allocations of a run, append-only, as compressed numpy columns (repositories.journal)
allocation_chunks = Table(
    "ledger_allocation_chunks",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("run_id", Integer, ForeignKey("ledger_discharge_runs.id"), nullable=False),
    Column("chunk_no", Integer, nullable=False),
    Column("rows", Integer, nullable=False),
    Column("data", LargeBinary, nullable=False),
    UniqueConstraint("run_id", "chunk_no", name="uq_ledger_allocation_chunks_no"),
)

shortfalls = Table(
    "ledger_shortfalls",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("run_id", Integer, ForeignKey("ledger_discharge_runs.id"), nullable=False),
    Column("shipment_id", Integer, nullable=False),
    Column("part_number", String(80), nullable=False),
    Column("required_micro", BigInteger, nullable=False),
    Column("missing_micro", BigInteger, nullable=False),
    Index("ix_ledger_shortfalls_run", "run_id"),
)

expired_uses = Table(
    "ledger_expired_uses",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("run_id", Integer, ForeignKey("ledger_discharge_runs.id"), nullable=False),
    Column("lot_id", Integer, nullable=False),
    Column("shipment_id", Integer, nullable=False),
    Column("open_micro", BigInteger, nullable=False),
    Index("ix_ledger_expired_uses_run", "run_id"),
)

unexploded = Table(
    "ledger_unexploded",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("run_id", Integer, ForeignKey("ledger_discharge_runs.id"), nullable=False),
    Column("shipment_id", Integer, nullable=False),
    Index("ix_ledger_unexploded_run", "run_id"),
)

#: what a run used of each part's lots (0018_lot_uses): the part's lots (ascending id) and the
#: quantity allocated from each (int64 ids then uses, compressed), with the digest of what the FIFO
#: read of them — the open balances a what-if dated after the run starts from
lot_uses = Table(
    "ledger_lot_uses",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("run_id", Integer, ForeignKey("ledger_discharge_runs.id"), nullable=False),
    Column("part_number", String(80), nullable=False),
    Column("lots", Integer, nullable=False),
    Column("lots_digest", String(64), nullable=False),
    Column("data", LargeBinary, nullable=False),
    UniqueConstraint("run_id", "part_number", name="uq_ledger_lot_uses_part"),
)

#: the ledger a run read (0018_lot_uses): its import batches and corrections (how many, the
#: last id) before it read them, and per product the shipment lines it discharged and the
#: date of the last — what tells a later reader that the run still covers the ledger
run_states = Table(
    "ledger_run_states",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("run_id", Integer, ForeignKey("ledger_discharge_runs.id"), nullable=False),
    Column("ledger_mark", JSON, nullable=False),
    Column("products", JSON, nullable=False),
    UniqueConstraint("run_id", name="uq_ledger_run_states_run"),
)

TABLES = [
    import_batches,
    materials,
    products,
    bom,
    lots,
    shipments,
    discharge_runs,
    corrections,
    part_versions,
    allocation_chunks,
    shortfalls,
    expired_uses,
    unexploded,
    lot_uses,
    run_states,
]
