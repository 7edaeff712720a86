"""The Annex 24 ledger in the store: master data, BOM, lots, shipments and import batches.

(The module is not called ``ledger.py``: the store layer already has ``tables/ledger.py``,
and a module name says one job per layer.) Quantities are integers in micro-units and USD
values in ten-thousandths, as the tables keep them; the importers convert.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import Connection, Table, insert, select, update

from immex.store.bulk import bulk_insert
from immex.store.database import inserted_id
from immex.store.repositories.statistics import refresh_statistics
from immex.store.tables import ledger as t

#: a lot row as the pedimento importer builds it (the order of the values)
LOT_COLUMNS = (
    "company_id",
    "pedimento",
    "clave",
    "entry_date",
    "start_date",
    "part_number",
    "quantity_micro",
    "value_e4",
    "origin",
    "fraccion",
    "fx",
    "certificate",
    "source_line",
    "batch_id",
)
#: a shipment line as the shipment importer builds it
SHIPMENT_COLUMNS = (
    "company_id",
    "document",
    "line",
    "kind",
    "ship_date",
    "product",
    "quantity_micro",
    "destination",
    "value_e4",
    "pedimento",
    "source_line",
    "batch_id",
    "evidence",
)
#: how many pedimentos or documents one ``IN (…)`` query names
_IN_CHUNK = 5000


class MasterData(StrEnum):
    """The two part lists of a company."""

    MATERIALS = "materials"
    PRODUCTS = "products"


_MASTER_TABLES: dict[MasterData, Table] = {
    MasterData.MATERIALS: t.materials,
    MasterData.PRODUCTS: t.products,
}


@dataclass(frozen=True, slots=True)
class ImportBatch:
    """One imported file (the batch its rows name)."""

    id: int
    company_id: int
    entity: str
    file_name: str
    sha256: str
    rows: int
    imported_at: datetime
    actor: str
    #: 0 for the file's first import, n for its import after n voided batches of it
    attempt: int = 0


@dataclass(frozen=True, slots=True)
class StoredPart:
    """A stored material or product: its row id and its columns (part number excluded)."""

    id: int
    values: dict[str, Any]
    #: the batch of the stored version; the correction that withdrew the part, if any
    batch_id: int | None = None
    withdrawn_by: int | None = None


#: the table each import fills
_BULK_TABLES = {"materials": t.materials, "products": t.products, "bom": t.bom,
                "pedimentos": t.lots, "shipments": t.shipments}  # fmt: skip


class LedgerRepository:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def prepare_bulk_load(self) -> None:
        """A larger page cache for the transaction of a big import (SQLite only)."""
        if self.conn.dialect.name == "sqlite":
            self.conn.exec_driver_sql("PRAGMA cache_size=-262144")

    def refresh_statistics(self, entity: str, rows: int) -> None:
        """After an import of ``rows`` rows of ``entity``: the planner's statistics of its
        table (see :mod:`immex.store.repositories.statistics`)."""
        table = _BULK_TABLES.get(entity)
        refresh_statistics(self.conn, [table] if table is not None else [], rows)

    # -- import batches -------------------------------------------------------------------
    def add_batch(
        self, company_id: int, entity: str, file_name: str, sha256: str, rows: int,
        imported_at: datetime, actor: str, attempt: int = 0,
    ) -> int:  # fmt: skip
        return inserted_id(
            self.conn.execute(
                insert(t.import_batches).values(
                    company_id=company_id,
                    entity=entity,
                    file_name=file_name,
                    sha256=sha256,
                    rows=rows,
                    imported_at=imported_at,
                    actor=actor,
                    attempt=attempt,
                )
            )
        )

    def batch_of_file(self, company_id: int, entity: str, sha256: str) -> ImportBatch | None:
        """The latest batch that imported this file (by content) for the company, if any
        (earlier ones were voided before it was imported again)."""
        b = t.import_batches
        row = self.conn.execute(
            select(b)
            .where(b.c.company_id == company_id, b.c.entity == entity, b.c.sha256 == sha256)
            .order_by(b.c.attempt.desc())
        ).first()
        return None if row is None else ImportBatch(**row._mapping)

    def batches(self, company_id: int) -> list[ImportBatch]:
        b = t.import_batches
        rows = self.conn.execute(select(b).where(b.c.company_id == company_id).order_by(b.c.id))
        return [ImportBatch(**r._mapping) for r in rows]

    # -- materials and products -----------------------------------------------------------
    def part_numbers(self, master: MasterData, company_id: int) -> set[str]:
        return self._distinct(_MASTER_TABLES[master], "part_number", company_id)

    def stored_parts(self, master: MasterData, company_id: int) -> dict[str, StoredPart]:
        table = _MASTER_TABLES[master]
        skip = {"id", "company_id", "part_number", "batch_id", "withdrawn_by"}
        out: dict[str, StoredPart] = {}
        for r in self.conn.execute(select(table).where(table.c.company_id == company_id)):
            m = r._mapping
            values = {k: v for k, v in m.items() if k not in skip}
            out[r.part_number] = StoredPart(r.id, values, r.batch_id, r.withdrawn_by)
        return out

    def add_parts(self, master: MasterData, rows: Sequence[dict[str, Any]]) -> None:
        """Insert parts (each a dict of the table's columns)."""
        if rows:
            self.conn.execute(insert(_MASTER_TABLES[master]), list(rows))

    def update_part(self, master: MasterData, part_id: int, values: dict[str, Any]) -> None:
        table = _MASTER_TABLES[master]
        self.conn.execute(update(table).where(table.c.id == part_id).values(**values))

    def material_fracciones_and_kinds(self, company_id: int) -> dict[str, tuple[str, str]]:
        """part number → (fracción, kind) of every material of the company."""
        m = t.materials
        rows = self.conn.execute(
            select(m.c.part_number, m.c.fraccion, m.c.kind).where(
                m.c.company_id == company_id, m.c.withdrawn_by.is_(None)
            )
        )
        return {r.part_number: (r.fraccion, r.kind) for r in rows}

    # -- bill of materials ----------------------------------------------------------------
    def bom_versions(
        self, company_id: int
    ) -> dict[tuple[str, str], list[tuple[int, int, date | None, date | None]]]:
        """(product, component) → its versions (qty per unit µ, scrap % e4, valid from, to)."""
        out: dict[tuple[str, str], list[tuple[int, int, date | None, date | None]]] = {}
        b = t.bom
        current = select(b).where(b.c.company_id == company_id, b.c.withdrawn_by.is_(None))
        for r in self.conn.execute(current):
            out.setdefault((r.product, r.component), []).append(
                (r.qty_per_unit_micro, r.scrap_pct_e4, r.valid_from, r.valid_to)
            )
        return out

    def add_bom_lines(self, rows: Sequence[dict[str, Any]]) -> None:
        if rows:
            self.conn.execute(insert(t.bom), list(rows))

    # -- lots (pedimento lines) -----------------------------------------------------------
    def pedimentos(self, company_id: int) -> set[str]:
        """The pedimentos (compact numbers) of the company's lots."""
        return self._distinct(t.lots, "pedimento", company_id)

    def add_lots(self, rows: Sequence[tuple[Any, ...]]) -> None:
        """Bulk-insert lots, each a tuple in the order of :data:`LOT_COLUMNS`."""
        bulk_insert(self.conn, t.lots, LOT_COLUMNS, rows)

    def lot_lines(self, company_id: int, pedimentos: Sequence[str]) -> Iterator[tuple[Any, ...]]:
        """The stored lines of these pedimentos: (pedimento, clave, entry date, start date,
        part, quantity µ, value e4, origin, fracción, fx, certificate)."""
        lots = t.lots
        cols = [
            lots.c.pedimento,
            lots.c.clave,
            lots.c.entry_date,
            lots.c.start_date,
            lots.c.part_number,
            lots.c.quantity_micro,
            lots.c.value_e4,
            lots.c.origin,
            lots.c.fraccion,
            lots.c.fx,
            lots.c.certificate,
        ]
        names = list(pedimentos)
        for i in range(0, len(names), _IN_CHUNK):
            query = select(*cols).where(
                lots.c.company_id == company_id,
                lots.c.pedimento.in_(names[i : i + _IN_CHUNK]),
                lots.c.withdrawn_by.is_(None),
            )
            for r in self.conn.execute(query):
                yield tuple(r)

    # -- shipments ------------------------------------------------------------------------
    def documents(self, company_id: int) -> set[str]:
        """The shipment documents of the company."""
        return self._distinct(t.shipments, "document", company_id)

    def add_shipments(self, rows: Sequence[tuple[Any, ...]]) -> None:
        """Bulk-insert shipment lines, each a tuple in the order of :data:`SHIPMENT_COLUMNS`."""
        bulk_insert(self.conn, t.shipments, SHIPMENT_COLUMNS, rows)

    def shipment_lines(
        self, company_id: int, documents: Sequence[str]
    ) -> Iterator[tuple[Any, ...]]:
        """The stored lines of these documents in document and line order: (document, line,
        kind, date, product, quantity µ, destination, value e4, pedimento, evidence)."""
        s = t.shipments
        cols = [
            s.c.document,
            s.c.line,
            s.c.kind,
            s.c.ship_date,
            s.c.product,
            s.c.quantity_micro,
            s.c.destination,
            s.c.value_e4,
            s.c.pedimento,
            s.c.evidence,
        ]
        names = list(documents)
        for i in range(0, len(names), _IN_CHUNK):
            query = (
                select(*cols)
                .where(s.c.company_id == company_id, s.c.document.in_(names[i : i + _IN_CHUNK]))
                .where(s.c.withdrawn_by.is_(None))
                .order_by(s.c.document, s.c.line)
            )
            for r in self.conn.execute(query):
                yield tuple(r)

    def _distinct(self, table: Table, column: str, company_id: int) -> set[str]:
        """The distinct values of ``column`` among the company's current rows."""
        col = table.c[column]
        current = table.c.withdrawn_by.is_(None)
        return set(
            self.conn.execute(
                select(col).where(table.c.company_id == company_id, current).distinct()
            ).scalars()
        )
