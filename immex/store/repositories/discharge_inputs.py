"""What the FIFO discharge reads from the ledger: the company's materials, temporary-import
lots, BOM and shipments — as driver tuples for the fast path (a million rows a second),
as rows for the balances and the journal's readers. The ledger's own writes and reads
live in the ledger repository; these are the discharge's."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any

from sqlalchemy import Connection, and_, select

from immex.store.tables import ledger as t

#: ids per ``IN (…)`` query
_ID_BATCH = 5000


class DischargeInputsRepository:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def _day(self, column: str) -> str:
        """SQL for a date column as days since 1970-01-01 (an integer on both stores)."""
        if self.conn.dialect.name == "postgresql":
            return f"({column} - DATE '1970-01-01')"
        return f"CAST(julianday({column}) - 2440587.5 AS INTEGER)"

    def _fetch(self, sql: str) -> list[tuple[Any, ...]]:
        """Rows as plain tuples straight from the driver (no per-row wrapping: 1M rows/s)."""
        cur = self.conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
        try:
            cur.execute(sql)
            return list(cur.fetchall())
        finally:
            cur.close()

    # -- the fast path's columns ---------------------------------------------------------

    def materials(self, company_id: int) -> list[tuple[int, str, str]]:
        """(id, part_number, kind) of every material of the company."""
        m = t.materials
        rows = self.conn.execute(
            select(m.c.id, m.c.part_number, m.c.kind).where(
                m.c.company_id == company_id, m.c.withdrawn_by.is_(None)
            )
        )
        return [(int(r.id), r.part_number, r.kind) for r in rows]

    def lot_tuples(self, company_id: int, keys: Sequence[str]) -> list[tuple[Any, ...]]:
        """Lots of pedimento ``keys``, by id: (id, part_number, entry day, clock-start day,
        quantity µ, value e4, pedimento as an integer, 1 for a fixed asset (AF) else 0)."""
        keys_sql = ", ".join(f"'{k}'" for k in keys if k.isalnum())
        integer = "BIGINT" if self.conn.dialect.name == "postgresql" else "INTEGER"
        return self._fetch(
            f"SELECT l.id, l.part_number, {self._day('l.entry_date')}, "
            f"{self._day('COALESCE(l.start_date, l.entry_date)')}, l.quantity_micro, "
            f"l.value_e4, CAST(l.pedimento AS {integer}), "
            "CASE WHEN l.clave = 'AF' THEN 1 ELSE 0 END "
            "FROM ledger_lots l "
            f"WHERE l.company_id = {int(company_id)} AND l.clave IN ({keys_sql}) "
            "AND l.withdrawn_by IS NULL ORDER BY l.id"
        )

    def shipment_tuples(self, company_id: int) -> list[tuple[Any, ...]]:
        """Shipments in processing order (date, document, line, id): (id, day, document,
        line, kind, product, quantity µ, directed pedimento or None)."""
        rows = self._fetch(
            f"SELECT id, {self._day('ship_date')}, document, line, kind, product, "
            f"quantity_micro, pedimento FROM ledger_shipments WHERE company_id = {int(company_id)} "
            "AND withdrawn_by IS NULL"
        )
        rows.sort(key=lambda r: (r[1], r[2], r[3], r[0]))
        return rows

    def bom(self, company_id: int) -> list[Any]:
        """BOM lines: product, component, qty_per_unit_micro, scrap_pct_e4, valid_from,
        valid_to."""
        b = t.bom
        return list(
            self.conn.execute(
                select(b).where(b.c.company_id == company_id, b.c.withdrawn_by.is_(None))
            )
        )

    # -- rows ------------------------------------------------------------------------------

    def lots_with_kind(
        self, company_id: int, keys: Sequence[str], *, entered_by: date | None = None,
        part: str | None = None, fifo_order: bool = False,
    ) -> list[Any]:  # fmt: skip
        """Lots of pedimento ``keys`` (entered on or before ``entered_by``, of ``part``), each
        with its material's ``kind`` (None when the part is not among the materials)."""
        lots, m = t.lots, t.materials
        q = (
            select(lots, m.c.kind)
            .outerjoin(
                m,
                and_(
                    m.c.company_id == lots.c.company_id,
                    m.c.part_number == lots.c.part_number,
                    m.c.withdrawn_by.is_(None),
                ),
            )
            .where(lots.c.company_id == company_id, lots.c.clave.in_(keys))
            .where(lots.c.withdrawn_by.is_(None))
        )
        if entered_by is not None:
            q = q.where(lots.c.entry_date <= entered_by)
        if part:
            q = q.where(lots.c.part_number == part)
        if fifo_order:
            q = q.order_by(lots.c.entry_date, lots.c.pedimento, lots.c.id)
        return list(self.conn.execute(q).all())

    def shipments(self, company_id: int) -> list[Any]:
        return list(
            self.conn.execute(
                select(t.shipments).where(
                    t.shipments.c.company_id == company_id, t.shipments.c.withdrawn_by.is_(None)
                )
            )
        )

    def lots_by_id(self, company_id: int, ids: Iterable[int]) -> dict[int, Any]:
        q = select(t.lots).where(t.lots.c.company_id == company_id)
        wanted = sorted(set(ids))
        out: dict[int, Any] = {}
        for i in range(0, len(wanted), _ID_BATCH):
            for r in self.conn.execute(q.where(t.lots.c.id.in_(wanted[i : i + _ID_BATCH]))):
                out[r.id] = r
        return out

    def shipments_by_id(self, ids: Iterable[int]) -> dict[int, Any]:
        wanted = sorted(set(ids))
        out: dict[int, Any] = {}
        for i in range(0, len(wanted), _ID_BATCH):
            for r in self.conn.execute(
                select(t.shipments).where(t.shipments.c.id.in_(wanted[i : i + _ID_BATCH]))
            ):
                out[r.id] = r
        return out

    def recent_imports(self, company_id: int, limit: int = 50) -> list[Any]:
        """The latest import batches, newest first: entity, file_name, imported_at."""
        b = t.import_batches
        return list(
            self.conn.execute(
                select(b.c.entity, b.c.file_name, b.c.imported_at)
                .where(b.c.company_id == company_id)
                .order_by(b.c.id.desc())
                .limit(limit)
            ).all()
        )
