"""The frozen migrations build exactly the schema the table definitions describe.

The migrations state their tables explicitly (they import nothing from immex), so a change
to a table definition without its migration — or a hand edit of a migration — shows here,
on SQLite and on PostgreSQL: alembic's own comparison (tables, columns, types, nullability,
indexes, unique constraints, foreign keys) must find nothing, and so must a column-by-column
comparison of what the database reports with what the tables say (primary keys included).
"""

from __future__ import annotations

from typing import Any

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Engine, UniqueConstraint, inspect
from sqlalchemy.dialects import sqlite

from immex.datastage.layout import LAYOUTS
from immex.store import migrate
from immex.store.tables import metadata, sat
from immex.store.unit import Store

#: the revision ids existing workspaces are stamped with (they never change)
HEADS = {
    "0004_sat",
    "0008_fta_scope",
    "0016_batch_reimport",
    "0019_bom_component_index",
    "0011_immex_annex",
    "0020_job_error_message",
}


def _upgraded(url: str) -> Engine:
    return Store.create(url).engine


def _described(engine: Engine) -> dict[str, Any]:
    """Each table as the database reports it, in comparable plain values."""
    insp = inspect(engine)
    dialect = engine.dialect
    out: dict[str, Any] = {}
    for name in sorted(n for n in insp.get_table_names() if n != "alembic_version"):
        pk = insp.get_pk_constraint(name)
        out[name] = {
            "columns": [
                (c["name"], c["type"].compile(dialect=dialect), c["nullable"])
                for c in insp.get_columns(name)
            ],
            "pk": tuple(pk["constrained_columns"]),
            "unique": sorted(
                (u["name"], tuple(u["column_names"])) for u in insp.get_unique_constraints(name)
            ),
            "indexes": sorted(
                (i["name"], tuple(i["column_names"]), bool(i["unique"]))
                for i in insp.get_indexes(name)
                # PostgreSQL reports the index behind each unique constraint as well
                if not i.get("duplicates_constraint")
            ),
            "fks": sorted(
                (f["name"], tuple(f["constrained_columns"]), f["referred_table"],
                 tuple(f["referred_columns"]))
                for f in insp.get_foreign_keys(name)
            ),  # fmt: skip
        }
        if engine.dialect.name == "postgresql":
            out[name]["pk_name"] = pk["name"]
    return out


def _declared(engine: Engine) -> dict[str, Any]:
    """Each table as ``immex.store.tables`` defines it, in the same plain values."""
    dialect = engine.dialect
    out: dict[str, Any] = {}
    for name, table in sorted(metadata.tables.items()):
        out[name] = {
            "columns": [
                (c.name, c.type.compile(dialect=dialect), c.nullable) for c in table.columns
            ],
            "pk": tuple(c.name for c in table.primary_key.columns),
            "unique": sorted(
                (str(u.name), tuple(c.name for c in u.columns))
                for u in table.constraints
                if isinstance(u, UniqueConstraint)
            ),
            "indexes": sorted(
                (str(i.name), tuple(c.name for c in i.columns), bool(i.unique))
                for i in table.indexes
            ),
            "fks": sorted(
                (str(f.name), tuple(f.column_keys), f.elements[0].column.table.name,
                 tuple(e.column.name for e in f.elements))
                for f in table.foreign_key_constraints
            ),  # fmt: skip
        }
        if engine.dialect.name == "postgresql":
            out[name]["pk_name"] = str(table.primary_key.name)
    return out


def test_upgrading_an_empty_database_gives_the_declared_schema(workspace_url: str) -> None:
    engine = _upgraded(workspace_url)
    try:
        with engine.connect() as conn:
            context = MigrationContext.configure(conn, opts={"compare_type": True})
            diffs = compare_metadata(context, metadata)
        assert diffs == []
        described, declared = _described(engine), _declared(engine)
        assert sorted(described) == sorted(declared)
        for name in declared:
            assert described[name] == declared[name], name
    finally:
        engine.dispose()


def test_revision_ids_stay_those_existing_workspaces_carry(workspace_url: str) -> None:
    engine = _upgraded(workspace_url)
    try:
        assert migrate.current_heads(engine) == HEADS
        Store.open(workspace_url).dispose()  # an upgraded workspace opens again
        migrate.upgrade(engine)  # and upgrading it again is a no-op
        assert migrate.current_heads(engine) == HEADS
    finally:
        engine.dispose()


def test_migrations_downgrade_to_nothing_and_up_again(workspace_url: str) -> None:
    engine = _upgraded(workspace_url)
    try:
        cfg = migrate.alembic_config()
        with engine.begin() as conn:
            cfg.attributes["connection"] = conn
            command.downgrade(cfg, "base")
        assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
        migrate.upgrade(engine)
        assert set(inspect(engine).get_table_names()) - {"alembic_version"} == set(
            metadata.tables
        )
    finally:
        engine.dispose()


#: store type of each Data Stage field kind (see immex.datastage.layout)
_KIND_TYPES = {
    "k4": "VARCHAR(4)", "k7": "VARCHAR(7)", "k3": "VARCHAR(3)",
    "u4": "VARCHAR(4)", "u7": "VARCHAR(7)", "u3": "VARCHAR(3)",
    "t": "TEXT", "x": "TEXT", "f": "VARCHAR(8)",
    "n": "NUMERIC(24, 6)", "m": "NUMERIC(20, 4)", "r": "NUMERIC(12, 6)", "w": "NUMERIC(20, 4)",
    "i": "INTEGER", "d": "DATE", "dt": "DATETIME",
}  # fmt: skip
_KEY = ("patente", "pedimento", "aduana")
_OWN = {"id", "pedimento_id", "company_id", "batch_id", "source", "year", "number",
        "superseded_by_id", "year_orig", "year_anterior", "anterior_id", *_KEY}  # fmt: skip


@pytest.mark.parametrize("code", ["501", *sat.CHILD_TABLES])
def test_sat_tables_hold_the_fields_of_the_data_stage_layout(code: str) -> None:
    """store/tables/sat.py spells out the columns the Data Stage layout names."""
    table = sat.sat_pedimentos if code == "501" else sat.CHILD_TABLES[code]
    stored = [
        (c.name, c.type.compile(dialect=sqlite.dialect()), c.nullable)
        for c in table.columns
        if c.name not in _OWN
    ]
    expected = [
        (f.column, _KIND_TYPES[f.kind], not f.required)
        for f in LAYOUTS[code].fields
        if f.column not in _KEY
    ]
    assert stored == expected
