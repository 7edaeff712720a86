"""Table of the IMMEX Decree annexes loaded into a workspace (``immex rates load
immex-annex``): Annex I (may not be imported temporarily) and Annex II (only with
requirements) rows, effective-dated, with their citation and confidence. Workspace-wide like
the other loaded lists; every row points at its load batch (``rate_load_batches``) and keeps
its line there. Created by migration 0011_immex_annex.
"""

from sqlalchemy import Column, Date, ForeignKey, Integer, String, Table, Text, UniqueConstraint

from immex.store.tables.base import metadata

immex_annex_rows = Table(
    "immex_annex_rows",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("batch_id", Integer, ForeignKey("rate_load_batches.id"), nullable=False),
    Column("line", Integer, nullable=False),
    # a chapter (NN), heading (NNNN), subheading (NNNN.NN) or fracción (NNNN.NN.NN)
    Column("scope", String(10), nullable=False),
    Column("annex", String(3), nullable=False),  # I | II
    Column("valid_from", Date, nullable=False),
    Column("valid_to", Date),
    Column("source", Text, nullable=False),
    Column("confidence", String(1), nullable=False),
    # scopes the row leaves out, comma-separated ("" for none)
    Column("exceptions", Text, nullable=False),
    Column("note", Text, nullable=False),
    UniqueConstraint("annex", "scope", "valid_from", name="uq_immex_annex_rows_key"),
)

ANNEX_TABLES = [immex_annex_rows]
