"""Read-only ledger queries of the decision tools (what-if, advisor, expiry plan, packs)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection, bindparam, func, select, text

from immex.store.tables import ledger as lt

#: values per expanding ``IN (…)`` parameter (well below every driver's limit)
_CHUNK = 2000


class DecisionsRepository:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def export_destinations(self, company_id: int) -> list[str]:
        """The countries the company exported to, in the order of their first export."""
        t = lt.shipments
        first = func.min(t.c.ship_date)
        q = (
            select(t.c.destination, first)
            .where(t.c.company_id == company_id, t.c.kind == "export", t.c.withdrawn_by.is_(None))
            .where(t.c.destination.is_not(None), t.c.destination != "")
            .group_by(t.c.destination)
            .order_by(first, t.c.destination)
        )
        return [str(r[0]) for r in self.conn.execute(q)]

    def material_fractions(self, company_id: int) -> dict[str, str]:
        """Part number → fracción of the company's materials."""
        t = lt.materials
        q = select(t.c.part_number, t.c.fraccion).where(
            t.c.company_id == company_id, t.c.withdrawn_by.is_(None)
        )
        return {str(r[0]): str(r[1]) for r in self.conn.execute(q)}

    def product_fractions(self, company_id: int) -> dict[str, str]:
        """Part number → fracción of the company's products."""
        t = lt.products
        q = select(t.c.part_number, t.c.fraccion).where(
            t.c.company_id == company_id, t.c.withdrawn_by.is_(None)
        )
        return {str(r[0]): str(r[1]) for r in self.conn.execute(q)}

    # -- a what-if's slice of the discharge inputs (same tuples as DischargeInputsRepository)

    def _day(self, column: str) -> str:
        if self.conn.dialect.name == "postgresql":
            return f"({column} - DATE '1970-01-01')"
        return f"CAST(julianday({column}) - 2440587.5 AS INTEGER)"

    def _in_chunks(
        self, sql: str, name: str, values: Sequence[str], params: dict[str, Any]
    ) -> list[tuple[Any, ...]]:
        stmt = text(sql).bindparams(bindparam(name, expanding=True))
        if "keys" in params:
            stmt = stmt.bindparams(bindparam("keys", expanding=True))
        out: list[tuple[Any, ...]] = []
        wanted = sorted(set(values))
        for i in range(0, len(wanted), _CHUNK):
            rows = self.conn.execute(stmt, {**params, name: wanted[i : i + _CHUNK]})
            out.extend(tuple(r) for r in rows)
        return out

    def lot_tuples_of_parts(
        self, company_id: int, keys: Sequence[str], parts: Sequence[str]
    ) -> list[tuple[Any, ...]]:
        """:meth:`DischargeInputsRepository.lot_tuples` for lots of ``parts`` only."""
        integer = "BIGINT" if self.conn.dialect.name == "postgresql" else "INTEGER"
        sql = (
            f"SELECT l.id, l.part_number, {self._day('l.entry_date')}, "
            f"{self._day('COALESCE(l.start_date, l.entry_date)')}, l.quantity_micro, "
            f"l.value_e4, CAST(l.pedimento AS {integer}), "
            "CASE WHEN l.clave = 'AF' THEN 1 ELSE 0 END FROM ledger_lots l "
            "WHERE l.company_id = :cid AND l.clave IN :keys AND l.part_number IN :parts "
            "AND l.withdrawn_by IS NULL"
        )
        rows = self._in_chunks(sql, "parts", parts, {"cid": company_id, "keys": list(keys)})
        rows.sort(key=lambda r: r[0])
        return rows

    def shipment_tuples_of_products(
        self, company_id: int, products: Sequence[str]
    ) -> list[tuple[Any, ...]]:
        """:meth:`DischargeInputsRepository.shipment_tuples` for shipments of ``products``."""
        sql = (
            f"SELECT id, {self._day('ship_date')}, document, line, kind, product, "
            "quantity_micro, pedimento FROM ledger_shipments "
            "WHERE company_id = :cid AND product IN :products AND withdrawn_by IS NULL"
        )
        rows = self._in_chunks(sql, "products", products, {"cid": company_id})
        rows.sort(key=lambda r: (r[1], r[2], r[3], r[0]))
        return rows
