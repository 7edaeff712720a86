"""What SAT knows: pedimentos from Data Stage extractions and validation files (archivo M).

One row of ``sat_pedimentos`` per pedimento and company (the RFC of table 501), keyed by
(year, patente, pedimento, aduana) and by ``source`` (``datastage`` or ``m3``: a broker's
validation file is not SAT's record, so both are kept side by side). The child tables
(505, 506, 507, 509, 510, 512, 551, 556, 557, 701) hold the fields of the Data Stage table
of the same number, named as in :mod:`immex.datastage.layout`, without the repeated key.
Tables immex does not interpret (502–504, 508, 511, 520, 552–555, 558, 702, Inci, Sel,
Resumen) are kept as raw fields in ``sat_raw_rows``.

A rectification (701) never overwrites: the rectified pedimento stays, with
``superseded_by_id`` pointing to the pedimento that rectifies it.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import (
    JSON,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.types import TypeEngine

from immex.datastage.layout import LAYOUTS
from immex.store.tables.base import Money, Quantity, metadata

#: exchange rates and contribution rates (up to 6 integer and 6 decimal digits)
SatRate = Numeric(12, 6, asdecimal=True)

_KEY_COLUMNS = ("patente", "pedimento", "aduana")


def column_type(kind: str) -> TypeEngine[Any]:
    """Store type of a Data Stage field kind (see immex.datastage.layout)."""
    types: dict[str, TypeEngine[Any]] = {
        "k4": String(4), "k7": String(7), "k3": String(3),
        "u4": String(4), "u7": String(7), "u3": String(3),
        "t": Text(), "x": Text(), "f": String(8),
        "n": Quantity, "m": Money, "r": SatRate, "w": Money,
        "i": Integer(), "d": Date(), "dt": DateTime(),
    }  # fmt: skip
    return types[kind]


def _layout_columns(code: str) -> list[Column[Any]]:
    return [
        Column(f.column, column_type(f.kind), nullable=not f.required)
        for f in LAYOUTS[code].fields
        if f.column not in _KEY_COLUMNS
    ]


sat_import_batches = Table(
    "sat_import_batches",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("kind", String(20), nullable=False),  # datastage | m3
    Column("source_name", Text, nullable=False),
    Column("sha256", String(64), nullable=False),
    Column("folio", String(40)),
    Column("imported_at", DateTime(timezone=True), nullable=False),
    Column("actor", String(80), nullable=False),
    Column("summary", JSON),
)

sat_pedimentos = Table(
    "sat_pedimentos",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("company_id", Integer, ForeignKey("companies.id"), nullable=False),
    Column("batch_id", Integer, ForeignKey("sat_import_batches.id"), nullable=False),
    Column("source", String(10), nullable=False),  # datastage | m3
    Column("year", Integer, nullable=False),  # validation year (Annex 22 number)
    Column("number", String(15), nullable=False),  # AA AD PPPP NNNNNNN, compact
    Column("patente", String(4), nullable=False),
    Column("pedimento", String(7), nullable=False),
    Column("aduana", String(3), nullable=False),
    *_layout_columns("501"),
    Column("superseded_by_id", Integer, ForeignKey("sat_pedimentos.id")),
    UniqueConstraint(
        "company_id",
        "source",
        "year",
        "patente",
        "pedimento",
        "aduana",
        name="uq_sat_pedimentos_key",
    ),  # fmt: skip
)
Index("ix_sat_pedimentos_number", sat_pedimentos.c.number)
Index("ix_sat_pedimentos_batch", sat_pedimentos.c.batch_id)


def _child(name: str, code: str, *extra: Column[Any]) -> Table:
    table = Table(
        name,
        metadata,
        Column("id", Integer, primary_key=True),
        Column("pedimento_id", Integer, ForeignKey("sat_pedimentos.id"), nullable=False),
        *_layout_columns(code),
        *extra,
    )
    Index(f"ix_{name}_pedimento", table.c.pedimento_id)
    return table


sat_facturas = _child("sat_facturas", "505")
sat_fechas = _child("sat_fechas", "506")
sat_identificadores = _child("sat_identificadores", "507")
sat_tasas = _child("sat_tasas", "509")
sat_contribuciones = _child("sat_contribuciones", "510")
#: 512: discharges recorded on the discharging pedimento, pointing to the original IN/AF
sat_descargos = _child("sat_descargos", "512", Column("year_orig", Integer, nullable=False))
sat_partidas = _child("sat_partidas", "551")
sat_partida_tasas = _child("sat_partida_tasas", "556")
sat_partida_contribuciones = _child("sat_partida_contribuciones", "557")
#: 701: the pedimento ``pedimento_id`` rectifies ``anterior_id`` (resolved when present)
sat_rectificaciones = _child(
    "sat_rectificaciones",
    "701",
    Column("year_anterior", Integer, nullable=False),
    Column("anterior_id", Integer, ForeignKey("sat_pedimentos.id")),
)
Index("ix_sat_descargos_orig", sat_descargos.c.pedimento_orig, sat_descargos.c.patente_orig)

#: tables kept uninterpreted: fields (padding stripped) joined with "|"
sat_raw_rows = Table(
    "sat_raw_rows",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("batch_id", Integer, ForeignKey("sat_import_batches.id"), nullable=False),
    Column("pedimento_id", Integer, ForeignKey("sat_pedimentos.id")),
    Column("table_code", String(10), nullable=False),
    Column("data", Text, nullable=False),
)
Index("ix_sat_raw_rows_pedimento", sat_raw_rows.c.pedimento_id)

#: Data Stage table → store table (typed tables)
CHILD_TABLES: dict[str, Table] = {
    "505": sat_facturas,
    "506": sat_fechas,
    "507": sat_identificadores,
    "509": sat_tasas,
    "510": sat_contribuciones,
    "512": sat_descargos,
    "551": sat_partidas,
    "556": sat_partida_tasas,
    "557": sat_partida_contribuciones,
    "701": sat_rectificaciones,
}

#: creation order for the migration
ALL_TABLES: list[Table] = [
    sat_import_batches,
    sat_pedimentos,
    *CHILD_TABLES.values(),
    sat_raw_rows,
]
