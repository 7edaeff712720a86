"""What SAT knows: pedimentos from Data Stage extractions and validation files (archivo M).

One row of ``sat_pedimentos`` per pedimento and company (the RFC of table 501), keyed by
(year, patente, pedimento, aduana) and by ``source`` (``datastage`` or ``m3``: a broker's
validation file is not SAT's record, so both are kept side by side). The child tables
(505, 506, 507, 509, 510, 512, 551, 556, 557, 701) hold the fields of the Data Stage table
of the same number, named as in the Data Stage layout (``immex.datastage.layout``), without
the repeated key; the columns are spelled out here (the store does not read the layout: a
test checks that the two agree).
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

from immex.store.tables.base import Money, Quantity, metadata

#: exchange rates and contribution rates (up to 6 integer and 6 decimal digits)
SatRate = Numeric(12, 6, asdecimal=True)

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
    Column("tipo_operacion", Integer, nullable=False),
    Column("clave_documento", Text, nullable=False),
    Column("aduana_entrada", Text),
    Column("curp_contribuyente", Text),
    Column("rfc", Text, nullable=False),
    Column("curp_agente", Text),
    Column("tipo_cambio", SatRate),
    Column("total_fletes", Money),
    Column("total_seguros", Money),
    Column("total_embalajes", Money),
    Column("total_incrementables", Money),
    Column("total_deducibles", Money),
    Column("peso_bruto", Quantity),
    Column("medio_salida", Integer),
    Column("medio_arribo", Integer),
    Column("medio_entrada_salida", Integer),
    Column("destino", Integer),
    Column("nombre", Text),
    Column("calle", Text),
    Column("num_interior", Text),
    Column("num_exterior", Text),
    Column("cp", Text),
    Column("municipio", Text),
    Column("entidad", Text),
    Column("pais", Text),
    Column("tipo_pedimento", Integer),
    Column("fecha_recepcion", DateTime),
    Column("fecha_pago", DateTime, nullable=False),
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


def _child(name: str, *columns: Column[Any]) -> Table:
    """A typed child table of ``sat_pedimentos``: its id, the pedimento, then ``columns``."""
    table = Table(
        name,
        metadata,
        Column("id", Integer, primary_key=True),
        Column("pedimento_id", Integer, ForeignKey("sat_pedimentos.id"), nullable=False),
        *columns,
    )
    Index(f"ix_{name}_pedimento", table.c.pedimento_id)
    return table


#: 505: invoices
sat_facturas = _child(
    "sat_facturas",
    Column("fecha_factura", Date),
    Column("numero_factura", Text),
    Column("incoterm", Text),
    Column("moneda", Text),
    Column("valor_dolares", Money),
    Column("valor_moneda", Money),
    Column("pais", Text),
    Column("entidad", Text),
    Column("id_fiscal_proveedor", Text),
    Column("proveedor", Text),
    Column("calle", Text),
    Column("num_interior", Text),
    Column("num_exterior", Text),
    Column("cp", Text),
    Column("municipio", Text),
    Column("fecha_pago", DateTime),
)
#: 506: dates (payment, entry, …)
sat_fechas = _child(
    "sat_fechas",
    Column("tipo_fecha", Integer, nullable=False),
    Column("fecha", Date, nullable=False),
    Column("fecha_validacion", DateTime),
)
#: 507: identifiers
sat_identificadores = _child(
    "sat_identificadores",
    Column("clave", Text, nullable=False),
    Column("identificador", Text),
    Column("tipo_pedimento", Integer),
    Column("complemento", Text),
    Column("fecha_validacion", DateTime),
)
#: 509: rates of the pedimento
sat_tasas = _child(
    "sat_tasas",
    Column("clave_contribucion", Integer, nullable=False),
    Column("tasa", SatRate),
    Column("tipo_tasa", Integer),
    Column("tipo_pedimento", Integer),
    Column("fecha_pago", DateTime),
)
#: 510: contributions of the pedimento
sat_contribuciones = _child(
    "sat_contribuciones",
    Column("clave_contribucion", Integer, nullable=False),
    Column("forma_pago", Integer),
    Column("importe", Money),
    Column("tipo_pedimento", Integer),
    Column("fecha_pago", DateTime),
)
#: 512: discharges recorded on the discharging pedimento, pointing to the original IN/AF
sat_descargos = _child(
    "sat_descargos",
    Column("patente_orig", String(4)),
    Column("pedimento_orig", String(7)),
    Column("aduana_orig", String(3)),
    Column("documento_orig", Text),
    Column("fecha_orig", Date, nullable=False),
    Column("fraccion_orig", String(8)),
    Column("unidad", Integer),
    Column("cantidad", Quantity),
    Column("tipo_pedimento", Integer),
    Column("fecha_pago", DateTime),
    Column("year_orig", Integer, nullable=False),
)
#: 551: lines (partidas)
sat_partidas = _child(
    "sat_partidas",
    Column("fraccion", String(8), nullable=False),
    Column("secuencia", Integer, nullable=False),
    Column("nico", Text),
    Column("descripcion", Text),
    Column("precio_unitario", Quantity),
    Column("valor_aduana", Money),
    Column("valor_comercial", Money),
    Column("valor_dolares", Money),
    Column("cantidad_umc", Quantity),
    Column("umc", Integer),
    Column("cantidad_umt", Quantity),
    Column("umt", Integer),
    Column("valor_agregado", Money),
    Column("vinculacion", Integer),
    Column("metodo_valoracion", Integer),
    Column("codigo_producto", Text),
    Column("marca", Text),
    Column("modelo", Text),
    Column("pais_origen_destino", Text),
    Column("pais_comprador_vendedor", Text),
    Column("entidad_origen", Text),
    Column("entidad_destino", Text),
    Column("entidad_comprador", Text),
    Column("entidad_vendedor", Text),
    Column("tipo_operacion", Integer),
    Column("clave_documento", Text),
    Column("fecha_pago", DateTime),
)
#: 556: rates of a line
sat_partida_tasas = _child(
    "sat_partida_tasas",
    Column("fraccion", String(8), nullable=False),
    Column("secuencia", Integer, nullable=False),
    Column("clave_contribucion", Integer, nullable=False),
    Column("tasa", SatRate),
    Column("tipo_tasa", Integer),
    Column("fecha_pago", DateTime),
)
#: 557: contributions of a line
sat_partida_contribuciones = _child(
    "sat_partida_contribuciones",
    Column("fraccion", String(8), nullable=False),
    Column("secuencia", Integer, nullable=False),
    Column("clave_contribucion", Integer, nullable=False),
    Column("forma_pago", Integer),
    Column("importe", Money),
    Column("fecha_pago", DateTime),
)
#: 701: the pedimento ``pedimento_id`` rectifies ``anterior_id`` (resolved when present)
sat_rectificaciones = _child(
    "sat_rectificaciones",
    Column("clave_documento", Text),
    Column("fecha_pago_rect", Date),
    Column("pedimento_anterior", String(7)),
    Column("patente_anterior", String(4)),
    Column("aduana_anterior", String(3)),
    Column("documento_anterior", Text),
    Column("fecha_anterior", Date, nullable=False),
    Column("pedimento_original", Text),
    Column("patente_original", Text),
    Column("aduana_original", Text),
    Column("fecha_pago", DateTime),
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
