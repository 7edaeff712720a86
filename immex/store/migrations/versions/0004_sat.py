"""SAT area: Data Stage / archivo M pedimentos, lines, discharges, rectifications, batches.

Revision ID: 0004_sat
Revises: 0001_core
The tables are stated as they were first released (generated once from the table
definitions, then frozen): a migration never reads ``immex.store.tables``, so a later
change to a table needs a migration of its own.
"""

import sqlalchemy as sa
from alembic import op

revision = "0004_sat"
down_revision = "0001_core"
branch_labels = None
depends_on = None


def upgrade() -> None:
    _create_sat_import_batches()
    _create_sat_pedimentos()
    _create_sat_facturas()
    _create_sat_fechas()
    _create_sat_identificadores()
    _create_sat_tasas()
    _create_sat_contribuciones()
    _create_sat_descargos()
    _create_sat_partidas()
    _create_sat_partida_tasas()
    _create_sat_partida_contribuciones()
    _create_sat_rectificaciones()
    _create_sat_raw_rows()


def downgrade() -> None:
    op.drop_index("ix_sat_raw_rows_pedimento", table_name="sat_raw_rows")
    op.drop_table("sat_raw_rows")
    op.drop_index("ix_sat_rectificaciones_pedimento", table_name="sat_rectificaciones")
    op.drop_table("sat_rectificaciones")
    op.drop_index(
        "ix_sat_partida_contribuciones_pedimento", table_name="sat_partida_contribuciones"
    )
    op.drop_table("sat_partida_contribuciones")
    op.drop_index("ix_sat_partida_tasas_pedimento", table_name="sat_partida_tasas")
    op.drop_table("sat_partida_tasas")
    op.drop_index("ix_sat_partidas_pedimento", table_name="sat_partidas")
    op.drop_table("sat_partidas")
    op.drop_index("ix_sat_descargos_pedimento", table_name="sat_descargos")
    op.drop_index("ix_sat_descargos_orig", table_name="sat_descargos")
    op.drop_table("sat_descargos")
    op.drop_index("ix_sat_contribuciones_pedimento", table_name="sat_contribuciones")
    op.drop_table("sat_contribuciones")
    op.drop_index("ix_sat_tasas_pedimento", table_name="sat_tasas")
    op.drop_table("sat_tasas")
    op.drop_index("ix_sat_identificadores_pedimento", table_name="sat_identificadores")
    op.drop_table("sat_identificadores")
    op.drop_index("ix_sat_fechas_pedimento", table_name="sat_fechas")
    op.drop_table("sat_fechas")
    op.drop_index("ix_sat_facturas_pedimento", table_name="sat_facturas")
    op.drop_table("sat_facturas")
    op.drop_index("ix_sat_pedimentos_number", table_name="sat_pedimentos")
    op.drop_index("ix_sat_pedimentos_batch", table_name="sat_pedimentos")
    op.drop_table("sat_pedimentos")
    op.drop_table("sat_import_batches")


def _create_sat_import_batches() -> None:
    op.create_table(
        "sat_import_batches",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("source_name", sa.Text(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("folio", sa.String(length=40), nullable=True),
        sa.Column("imported_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(length=80), nullable=False),
        sa.Column("summary", sa.JSON(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sat_import_batches")),
    )


def _create_sat_pedimentos() -> None:
    op.create_table(
        "sat_pedimentos",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("company_id", sa.Integer(), nullable=False),
        sa.Column("batch_id", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(length=10), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(length=15), nullable=False),
        sa.Column("patente", sa.String(length=4), nullable=False),
        sa.Column("pedimento", sa.String(length=7), nullable=False),
        sa.Column("aduana", sa.String(length=3), nullable=False),
        sa.Column("tipo_operacion", sa.Integer(), nullable=False),
        sa.Column("clave_documento", sa.Text(), nullable=False),
        sa.Column("aduana_entrada", sa.Text(), nullable=True),
        sa.Column("curp_contribuyente", sa.Text(), nullable=True),
        sa.Column("rfc", sa.Text(), nullable=False),
        sa.Column("curp_agente", sa.Text(), nullable=True),
        sa.Column("tipo_cambio", sa.Numeric(precision=12, scale=6), nullable=True),
        sa.Column("total_fletes", sa.Numeric(precision=20, scale=4), nullable=True),
        sa.Column("total_seguros", sa.Numeric(precision=20, scale=4), nullable=True),
        sa.Column("total_embalajes", sa.Numeric(precision=20, scale=4), nullable=True),
        sa.Column("total_incrementables", sa.Numeric(precision=20, scale=4), nullable=True),
        sa.Column("total_deducibles", sa.Numeric(precision=20, scale=4), nullable=True),
        sa.Column("peso_bruto", sa.Numeric(precision=24, scale=6), nullable=True),
        sa.Column("medio_salida", sa.Integer(), nullable=True),
        sa.Column("medio_arribo", sa.Integer(), nullable=True),
        sa.Column("medio_entrada_salida", sa.Integer(), nullable=True),
        sa.Column("destino", sa.Integer(), nullable=True),
        sa.Column("nombre", sa.Text(), nullable=True),
        sa.Column("calle", sa.Text(), nullable=True),
        sa.Column("num_interior", sa.Text(), nullable=True),
        sa.Column("num_exterior", sa.Text(), nullable=True),
        sa.Column("cp", sa.Text(), nullable=True),
        sa.Column("municipio", sa.Text(), nullable=True),
        sa.Column("entidad", sa.Text(), nullable=True),
        sa.Column("pais", sa.Text(), nullable=True),
        sa.Column("tipo_pedimento", sa.Integer(), nullable=True),
        sa.Column("fecha_recepcion", sa.DateTime(), nullable=True),
        sa.Column("fecha_pago", sa.DateTime(), nullable=False),
        sa.Column("superseded_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["batch_id"],
            ["sat_import_batches.id"],
            name=op.f("fk_sat_pedimentos_batch_id_sat_import_batches"),
        ),
        sa.ForeignKeyConstraint(
            ["company_id"], ["companies.id"], name=op.f("fk_sat_pedimentos_company_id_companies")
        ),
        sa.ForeignKeyConstraint(
            ["superseded_by_id"],
            ["sat_pedimentos.id"],
            name=op.f("fk_sat_pedimentos_superseded_by_id_sat_pedimentos"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sat_pedimentos")),
        sa.UniqueConstraint(
            "company_id",
            "source",
            "year",
            "patente",
            "pedimento",
            "aduana",
            name="uq_sat_pedimentos_key",
        ),
    )
    op.create_index("ix_sat_pedimentos_batch", "sat_pedimentos", ["batch_id"], unique=False)
    op.create_index("ix_sat_pedimentos_number", "sat_pedimentos", ["number"], unique=False)


def _create_sat_facturas() -> None:
    op.create_table(
        "sat_facturas",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("pedimento_id", sa.Integer(), nullable=False),
        sa.Column("fecha_factura", sa.Date(), nullable=True),
        sa.Column("numero_factura", sa.Text(), nullable=True),
        sa.Column("incoterm", sa.Text(), nullable=True),
        sa.Column("moneda", sa.Text(), nullable=True),
        sa.Column("valor_dolares", sa.Numeric(precision=20, scale=4), nullable=True),
        sa.Column("valor_moneda", sa.Numeric(precision=20, scale=4), nullable=True),
        sa.Column("pais", sa.Text(), nullable=True),
        sa.Column("entidad", sa.Text(), nullable=True),
        sa.Column("id_fiscal_proveedor", sa.Text(), nullable=True),
        sa.Column("proveedor", sa.Text(), nullable=True),
        sa.Column("calle", sa.Text(), nullable=True),
        sa.Column("num_interior", sa.Text(), nullable=True),
        sa.Column("num_exterior", sa.Text(), nullable=True),
        sa.Column("cp", sa.Text(), nullable=True),
        sa.Column("municipio", sa.Text(), nullable=True),
        sa.Column("fecha_pago", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["pedimento_id"],
            ["sat_pedimentos.id"],
            name=op.f("fk_sat_facturas_pedimento_id_sat_pedimentos"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sat_facturas")),
    )
    op.create_index("ix_sat_facturas_pedimento", "sat_facturas", ["pedimento_id"], unique=False)


def _create_sat_fechas() -> None:
    op.create_table(
        "sat_fechas",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("pedimento_id", sa.Integer(), nullable=False),
        sa.Column("tipo_fecha", sa.Integer(), nullable=False),
        sa.Column("fecha", sa.Date(), nullable=False),
        sa.Column("fecha_validacion", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["pedimento_id"],
            ["sat_pedimentos.id"],
            name=op.f("fk_sat_fechas_pedimento_id_sat_pedimentos"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sat_fechas")),
    )
    op.create_index("ix_sat_fechas_pedimento", "sat_fechas", ["pedimento_id"], unique=False)


def _create_sat_identificadores() -> None:
    op.create_table(
        "sat_identificadores",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("pedimento_id", sa.Integer(), nullable=False),
        sa.Column("clave", sa.Text(), nullable=False),
        sa.Column("identificador", sa.Text(), nullable=True),
        sa.Column("tipo_pedimento", sa.Integer(), nullable=True),
        sa.Column("complemento", sa.Text(), nullable=True),
        sa.Column("fecha_validacion", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["pedimento_id"],
            ["sat_pedimentos.id"],
            name=op.f("fk_sat_identificadores_pedimento_id_sat_pedimentos"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sat_identificadores")),
    )
    op.create_index(
        "ix_sat_identificadores_pedimento", "sat_identificadores", ["pedimento_id"], unique=False
    )


def _create_sat_tasas() -> None:
    op.create_table(
        "sat_tasas",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("pedimento_id", sa.Integer(), nullable=False),
        sa.Column("clave_contribucion", sa.Integer(), nullable=False),
        sa.Column("tasa", sa.Numeric(precision=12, scale=6), nullable=True),
        sa.Column("tipo_tasa", sa.Integer(), nullable=True),
        sa.Column("tipo_pedimento", sa.Integer(), nullable=True),
        sa.Column("fecha_pago", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["pedimento_id"],
            ["sat_pedimentos.id"],
            name=op.f("fk_sat_tasas_pedimento_id_sat_pedimentos"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sat_tasas")),
    )
    op.create_index("ix_sat_tasas_pedimento", "sat_tasas", ["pedimento_id"], unique=False)


def _create_sat_contribuciones() -> None:
    op.create_table(
        "sat_contribuciones",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("pedimento_id", sa.Integer(), nullable=False),
        sa.Column("clave_contribucion", sa.Integer(), nullable=False),
        sa.Column("forma_pago", sa.Integer(), nullable=True),
        sa.Column("importe", sa.Numeric(precision=20, scale=4), nullable=True),
        sa.Column("tipo_pedimento", sa.Integer(), nullable=True),
        sa.Column("fecha_pago", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["pedimento_id"],
            ["sat_pedimentos.id"],
            name=op.f("fk_sat_contribuciones_pedimento_id_sat_pedimentos"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sat_contribuciones")),
    )
    op.create_index(
        "ix_sat_contribuciones_pedimento", "sat_contribuciones", ["pedimento_id"], unique=False
    )


def _create_sat_descargos() -> None:
    op.create_table(
        "sat_descargos",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("pedimento_id", sa.Integer(), nullable=False),
        sa.Column("patente_orig", sa.String(length=4), nullable=True),
        sa.Column("pedimento_orig", sa.String(length=7), nullable=True),
        sa.Column("aduana_orig", sa.String(length=3), nullable=True),
        sa.Column("documento_orig", sa.Text(), nullable=True),
        sa.Column("fecha_orig", sa.Date(), nullable=False),
        sa.Column("fraccion_orig", sa.String(length=8), nullable=True),
        sa.Column("unidad", sa.Integer(), nullable=True),
        sa.Column("cantidad", sa.Numeric(precision=24, scale=6), nullable=True),
        sa.Column("tipo_pedimento", sa.Integer(), nullable=True),
        sa.Column("fecha_pago", sa.DateTime(), nullable=True),
        sa.Column("year_orig", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["pedimento_id"],
            ["sat_pedimentos.id"],
            name=op.f("fk_sat_descargos_pedimento_id_sat_pedimentos"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sat_descargos")),
    )
    op.create_index(
        "ix_sat_descargos_orig", "sat_descargos", ["pedimento_orig", "patente_orig"], unique=False
    )
    op.create_index("ix_sat_descargos_pedimento", "sat_descargos", ["pedimento_id"], unique=False)


def _create_sat_partidas() -> None:
    op.create_table(
        "sat_partidas",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("pedimento_id", sa.Integer(), nullable=False),
        sa.Column("fraccion", sa.String(length=8), nullable=False),
        sa.Column("secuencia", sa.Integer(), nullable=False),
        sa.Column("nico", sa.Text(), nullable=True),
        sa.Column("descripcion", sa.Text(), nullable=True),
        sa.Column("precio_unitario", sa.Numeric(precision=24, scale=6), nullable=True),
        sa.Column("valor_aduana", sa.Numeric(precision=20, scale=4), nullable=True),
        sa.Column("valor_comercial", sa.Numeric(precision=20, scale=4), nullable=True),
        sa.Column("valor_dolares", sa.Numeric(precision=20, scale=4), nullable=True),
        sa.Column("cantidad_umc", sa.Numeric(precision=24, scale=6), nullable=True),
        sa.Column("umc", sa.Integer(), nullable=True),
        sa.Column("cantidad_umt", sa.Numeric(precision=24, scale=6), nullable=True),
        sa.Column("umt", sa.Integer(), nullable=True),
        sa.Column("valor_agregado", sa.Numeric(precision=20, scale=4), nullable=True),
        sa.Column("vinculacion", sa.Integer(), nullable=True),
        sa.Column("metodo_valoracion", sa.Integer(), nullable=True),
        sa.Column("codigo_producto", sa.Text(), nullable=True),
        sa.Column("marca", sa.Text(), nullable=True),
        sa.Column("modelo", sa.Text(), nullable=True),
        sa.Column("pais_origen_destino", sa.Text(), nullable=True),
        sa.Column("pais_comprador_vendedor", sa.Text(), nullable=True),
        sa.Column("entidad_origen", sa.Text(), nullable=True),
        sa.Column("entidad_destino", sa.Text(), nullable=True),
        sa.Column("entidad_comprador", sa.Text(), nullable=True),
        sa.Column("entidad_vendedor", sa.Text(), nullable=True),
        sa.Column("tipo_operacion", sa.Integer(), nullable=True),
        sa.Column("clave_documento", sa.Text(), nullable=True),
        sa.Column("fecha_pago", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["pedimento_id"],
            ["sat_pedimentos.id"],
            name=op.f("fk_sat_partidas_pedimento_id_sat_pedimentos"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sat_partidas")),
    )
    op.create_index("ix_sat_partidas_pedimento", "sat_partidas", ["pedimento_id"], unique=False)


def _create_sat_partida_tasas() -> None:
    op.create_table(
        "sat_partida_tasas",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("pedimento_id", sa.Integer(), nullable=False),
        sa.Column("fraccion", sa.String(length=8), nullable=False),
        sa.Column("secuencia", sa.Integer(), nullable=False),
        sa.Column("clave_contribucion", sa.Integer(), nullable=False),
        sa.Column("tasa", sa.Numeric(precision=12, scale=6), nullable=True),
        sa.Column("tipo_tasa", sa.Integer(), nullable=True),
        sa.Column("fecha_pago", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["pedimento_id"],
            ["sat_pedimentos.id"],
            name=op.f("fk_sat_partida_tasas_pedimento_id_sat_pedimentos"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sat_partida_tasas")),
    )
    op.create_index(
        "ix_sat_partida_tasas_pedimento", "sat_partida_tasas", ["pedimento_id"], unique=False
    )


def _create_sat_partida_contribuciones() -> None:
    op.create_table(
        "sat_partida_contribuciones",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("pedimento_id", sa.Integer(), nullable=False),
        sa.Column("fraccion", sa.String(length=8), nullable=False),
        sa.Column("secuencia", sa.Integer(), nullable=False),
        sa.Column("clave_contribucion", sa.Integer(), nullable=False),
        sa.Column("forma_pago", sa.Integer(), nullable=True),
        sa.Column("importe", sa.Numeric(precision=20, scale=4), nullable=True),
        sa.Column("fecha_pago", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["pedimento_id"],
            ["sat_pedimentos.id"],
            name=op.f("fk_sat_partida_contribuciones_pedimento_id_sat_pedimentos"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sat_partida_contribuciones")),
    )
    op.create_index(
        "ix_sat_partida_contribuciones_pedimento",
        "sat_partida_contribuciones",
        ["pedimento_id"],
        unique=False,
    )


def _create_sat_rectificaciones() -> None:
    op.create_table(
        "sat_rectificaciones",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("pedimento_id", sa.Integer(), nullable=False),
        sa.Column("clave_documento", sa.Text(), nullable=True),
        sa.Column("fecha_pago_rect", sa.Date(), nullable=True),
        sa.Column("pedimento_anterior", sa.String(length=7), nullable=True),
        sa.Column("patente_anterior", sa.String(length=4), nullable=True),
        sa.Column("aduana_anterior", sa.String(length=3), nullable=True),
        sa.Column("documento_anterior", sa.Text(), nullable=True),
        sa.Column("fecha_anterior", sa.Date(), nullable=False),
        sa.Column("pedimento_original", sa.Text(), nullable=True),
        sa.Column("patente_original", sa.Text(), nullable=True),
        sa.Column("aduana_original", sa.Text(), nullable=True),
        sa.Column("fecha_pago", sa.DateTime(), nullable=True),
        sa.Column("year_anterior", sa.Integer(), nullable=False),
        sa.Column("anterior_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["anterior_id"],
            ["sat_pedimentos.id"],
            name=op.f("fk_sat_rectificaciones_anterior_id_sat_pedimentos"),
        ),
        sa.ForeignKeyConstraint(
            ["pedimento_id"],
            ["sat_pedimentos.id"],
            name=op.f("fk_sat_rectificaciones_pedimento_id_sat_pedimentos"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sat_rectificaciones")),
    )
    op.create_index(
        "ix_sat_rectificaciones_pedimento", "sat_rectificaciones", ["pedimento_id"], unique=False
    )


def _create_sat_raw_rows() -> None:
    op.create_table(
        "sat_raw_rows",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("batch_id", sa.Integer(), nullable=False),
        sa.Column("pedimento_id", sa.Integer(), nullable=True),
        sa.Column("table_code", sa.String(length=10), nullable=False),
        sa.Column("data", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["batch_id"],
            ["sat_import_batches.id"],
            name=op.f("fk_sat_raw_rows_batch_id_sat_import_batches"),
        ),
        sa.ForeignKeyConstraint(
            ["pedimento_id"],
            ["sat_pedimentos.id"],
            name=op.f("fk_sat_raw_rows_pedimento_id_sat_pedimentos"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sat_raw_rows")),
    )
    op.create_index("ix_sat_raw_rows_pedimento", "sat_raw_rows", ["pedimento_id"], unique=False)
