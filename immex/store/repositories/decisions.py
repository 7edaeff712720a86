"""Read-only ledger queries of the decision tools (what-if, advisor, expiry plan, packs)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection, func, select

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

    # -- a what-if's slice of the discharge inputs: plain driver rows, few columns

    def _raw(self, sql: str, params: Sequence[Any]) -> list[tuple[Any, ...]]:
        """Rows as plain tuples straight from the driver (``?`` placeholders in ``sql``)."""
        dbapi = self.conn.connection.driver_connection
        if self.conn.dialect.name == "postgresql":
            sql = sql.replace("?", "%s")
        cur = dbapi.cursor()  # type: ignore[union-attr]
        try:
            cur.execute(sql, tuple(params))
            return list(cur.fetchall())
        finally:
            cur.close()

    def _raw_in(
        self, sql: str, before: Sequence[Any], values: Sequence[str], after: Sequence[Any] = ()
    ) -> list[tuple[Any, ...]]:
        """``sql`` with one ``IN ({in})`` list, run in chunks of values."""
        out: list[tuple[Any, ...]] = []
        wanted = sorted(set(values))
        for i in range(0, len(wanted), _CHUNK):
            chunk = wanted[i : i + _CHUNK]
            marks = ", ".join("?" * len(chunk))
            out.extend(self._raw(sql.format(marks=marks), [*before, *chunk, *after]))
        return out

    def bom_of_products(self, company_id: int, products: Sequence[str]) -> list[tuple[Any, ...]]:
        """BOM lines (id, product, component, qty_per_unit_micro, scrap_pct_e4, valid_from,
        valid_to) of ``products``; dates as the driver gives them."""
        return self._raw_in(
            "SELECT id, product, component, qty_per_unit_micro, scrap_pct_e4, valid_from, valid_to "
            "FROM ledger_bom WHERE company_id = ? AND product IN ({marks}) "
            "AND withdrawn_by IS NULL ORDER BY id",
            [company_id],
            products,
        )

    def bom_of_components(
        self, company_id: int, components: Sequence[str]
    ) -> list[tuple[Any, ...]]:
        """BOM lines (as :meth:`bom_of_products`) whose component is one of ``components``."""
        return self._raw_in(
            "SELECT id, product, component, qty_per_unit_micro, scrap_pct_e4, valid_from, valid_to "
            "FROM ledger_bom WHERE company_id = ? AND component IN ({marks}) "
            "AND withdrawn_by IS NULL ORDER BY id",
            [company_id],
            components,
        )

    def material_kinds(self, company_id: int, parts: Sequence[str]) -> dict[str, str]:
        """Part number → kind of good of those of ``parts`` that are materials."""
        rows = self._raw_in(
            "SELECT part_number, kind FROM ledger_materials WHERE company_id = ? "
            "AND part_number IN ({marks}) AND withdrawn_by IS NULL",
            [company_id],
            parts,
        )
        return {str(p): str(k) for p, k in rows}

    def lots_of_parts(
        self, company_id: int, keys: Sequence[str], parts: Sequence[str]
    ) -> list[tuple[Any, ...]]:
        """Lots of pedimento ``keys`` of ``parts``: (id, part_number, entry_date,
        start_date, quantity_micro, value_e4, pedimento, clave), by id — read from the
        covering index ``ix_ledger_lots_company_part`` (0017) alone."""
        marks = ", ".join("?" * len(keys))
        rows = self._raw_in(
            "SELECT id, part_number, entry_date, start_date, quantity_micro, value_e4, "
            "pedimento, clave FROM ledger_lots WHERE company_id = ? AND part_number IN "
            f"({{marks}}) AND clave IN ({marks}) AND withdrawn_by IS NULL",
            [company_id],
            parts,
            list(keys),
        )
        rows.sort(key=lambda r: r[0])
        return rows

    def shipments_of_products(
        self, company_id: int, products: Sequence[str]
    ) -> list[tuple[Any, ...]]:
        """Shipment lines of ``products`` in processing order (date, document, line, id):
        (ship_date, product, quantity_micro, pedimento) — what the FIFO of the lots depends
        on (a line's id and kind only name and key its allocations, which a what-if of
        another line does not read)."""
        several = len(set(products)) > _CHUNK
        sql = (
            "SELECT ship_date, product, quantity_micro, pedimento"
            + (", document, line, id" if several else "")
            + " FROM ledger_shipments WHERE company_id = ? AND product IN ({marks}) "
            "AND withdrawn_by IS NULL ORDER BY ship_date, document, line, id"
        )
        rows = self._raw_in(sql, [company_id], products)
        if several:  # one query per chunk: merge them in processing order
            rows.sort(key=lambda r: (str(r[0]), r[4], r[5], r[6]))
            rows = [r[:4] for r in rows]
        return rows

    def shipments_of_batches(
        self, company_id: int, products: Sequence[str], batches: Sequence[int]
    ) -> list[tuple[Any, ...]]:
        """The lines of ``products`` that import ``batches`` added, as
        :meth:`shipments_of_products` (in processing order)."""
        if not batches:
            return []
        marks = ", ".join("?" * len(batches))
        rows = self._raw_in(
            "SELECT ship_date, product, quantity_micro, pedimento, document, line, id "
            f"FROM ledger_shipments WHERE company_id = ? AND batch_id IN ({marks}) "
            "AND product IN ({marks}) AND withdrawn_by IS NULL",
            [company_id, *batches],
            products,
        )
        rows.sort(key=lambda r: (str(r[0]), r[4], r[5], r[6]))
        return [r[:4] for r in rows]

    def batches_after(self, company_id: int, after_id: int) -> list[tuple[int, str]]:
        """(id, entity) of the company's import batches after ``after_id``, by id."""
        b = lt.import_batches
        q = (
            select(b.c.id, b.c.entity)
            .where(b.c.company_id == company_id, b.c.id > after_id)
            .order_by(b.c.id)
        )
        return [(int(i), str(e)) for i, e in self.conn.execute(q)]
