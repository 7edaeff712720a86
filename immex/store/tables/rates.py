"""Tables of the rates area: user-loaded PROSEC lists, agreement schedules, LIGIE amendments.

Workspace-wide (not per company): a published list or schedule is the same for every
company of a consultant's workspace; what a company may use (its PROSEC sectors, its
Regla 8ª authorisations) lives in the core tables ``company_prosec`` and
``company_authorizations``. Every row points at the load batch (file, SHA-256, who, when)
it came from and keeps its line number there.
"""

from sqlalchemy import (
    Column,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
)

from immex.store.tables.base import Rate, metadata

#: one loaded file: kind = prosec | fta | amendments
rate_load_batches = Table(
    "rate_load_batches",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("kind", String(20), nullable=False),
    Column("file_name", Text, nullable=False),
    Column("sha256", String(64), nullable=False),
    Column("rows", Integer, nullable=False),
    Column("loaded_by", String(80), nullable=False),
    Column("loaded_at", DateTime(timezone=True), nullable=False),
    UniqueConstraint("kind", "sha256", name="uq_rate_load_batches_kind_sha256"),
)

#: the PROSEC sector catalog (Decree art. 3), a citation per row
prosec_sectors = Table(
    "prosec_sectors",
    metadata,
    Column("code", String(10), primary_key=True),
    Column("name", Text, nullable=False),
    Column("source", Text, nullable=False),
    Column("confidence", String(1), nullable=False),
    Column("note", Text, nullable=False, default=""),
)

prosec_rates = Table(
    "prosec_rates",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("batch_id", Integer, ForeignKey("rate_load_batches.id"), nullable=False),
    Column("line", Integer, nullable=False),
    Column("sector", String(10), nullable=False),
    Column("sector_name", Text, nullable=False),
    Column("fraccion", String(10), nullable=False, index=True),
    Column("rate_text", String(40), nullable=False),
    Column("rate", Rate),  # percent; NULL when not ad valorem
    Column("valid_from", Date, nullable=False),
    Column("valid_to", Date),
    Column("acotacion", Text, nullable=False, default=""),
    Column("source", Text, nullable=False),
    UniqueConstraint("sector", "fraccion", "valid_from", name="uq_prosec_rates_key"),
)

fta_rates = Table(
    "fta_rates",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("batch_id", Integer, ForeignKey("rate_load_batches.id"), nullable=False),
    Column("line", Integer, nullable=False),
    Column("agreement", String(40), nullable=False),
    Column("origin_countries", Text, nullable=False),  # ISO-3 codes, comma-separated, sorted
    # a fracción, or the row's wider scope: subheading, heading, chapter, "*" (0008_fta_scope)
    Column("fraccion", String(10), nullable=False, index=True),
    Column("rate_text", String(40), nullable=False),
    Column("rate", Rate),
    Column("valid_from", Date, nullable=False),
    Column("valid_to", Date),
    Column("source", Text, nullable=False),
    # scopes the row leaves out, comma-separated ("" for none)
    Column("exceptions", Text, nullable=False, server_default=""),
    UniqueConstraint(
        "agreement", "fraccion", "origin_countries", "valid_from", name="uq_fta_rates_key"
    ),
)

ligie_amendments = Table(
    "ligie_amendments",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("batch_id", Integer, ForeignKey("rate_load_batches.id"), nullable=False),
    Column("line", Integer, nullable=False),
    Column("fraccion", String(10), nullable=False, index=True),
    Column("rate_text", String(80), nullable=False),
    Column("rate", Rate),
    Column("valid_from", Date, nullable=False),
    Column("valid_to", Date),
    Column("source", Text, nullable=False),
    UniqueConstraint("fraccion", "valid_from", name="uq_ligie_amendments_key"),
)

TABLES = [rate_load_batches, prosec_sectors, prosec_rates, fta_rates, ligie_amendments]

#: FIX and INPC points the user loads to extend the bundled series (``immex rates load fix``
#: / ``inpc``): series = fix (day = determination date) | inpc (day = first of the month);
#: value kept as the exact decimal text of the file. Created by migration 0005_series.
series_points = Table(
    "series_points",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("batch_id", Integer, ForeignKey("rate_load_batches.id"), nullable=False),
    Column("line", Integer, nullable=False),
    Column("series", String(10), nullable=False),
    Column("day", Date, nullable=False),
    Column("value", String(40), nullable=False),
    UniqueConstraint("series", "day", name="uq_series_points_key"),
)

SERIES_TABLES = [series_points]

#: dated values the user loads for the curated parameters (``immex rates load parameters``):
#: e.g. the DTA fixed fee of a year (RMF Annex 19) or a year's Ley de Ingresos surcharge
#: rate. Never overlapping the bundled records. Created by migration 0006_parameters.
parameter_values = Table(
    "parameter_values",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("batch_id", Integer, ForeignKey("rate_load_batches.id"), nullable=False),
    Column("line", Integer, nullable=False),
    Column("name", String(80), nullable=False),
    Column("valid_from", Date, nullable=False),
    Column("valid_to", Date),
    Column("value", String(40), nullable=False),
    Column("source", Text, nullable=False),
    Column("confidence", String(1), nullable=False),
    Column("note", Text, nullable=False, default=""),
    UniqueConstraint("name", "valid_from", name="uq_parameter_values_key"),
)

PARAMETER_TABLES = [parameter_values]
