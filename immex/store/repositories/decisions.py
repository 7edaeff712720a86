"""Read-only ledger queries of the decision tools (what-if, advisor, expiry plan, packs)."""

from __future__ import annotations

from sqlalchemy import Connection, func, select

from immex.store.tables import ledger as lt


class DecisionsRepository:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def export_destinations(self, company_id: int) -> list[str]:
        """The countries the company exported to, in the order of their first export."""
        t = lt.shipments
        first = func.min(t.c.ship_date)
        q = (
            select(t.c.destination, first)
            .where(t.c.company_id == company_id, t.c.kind == "export")
            .where(t.c.destination.is_not(None), t.c.destination != "")
            .group_by(t.c.destination)
            .order_by(first, t.c.destination)
        )
        return [str(r[0]) for r in self.conn.execute(q)]

    def material_fractions(self, company_id: int) -> dict[str, str]:
        """Part number → fracción of the company's materials."""
        t = lt.materials
        q = select(t.c.part_number, t.c.fraccion).where(t.c.company_id == company_id)
        return {str(r[0]): str(r[1]) for r in self.conn.execute(q)}

    def product_fractions(self, company_id: int) -> dict[str, str]:
        """Part number → fracción of the company's products."""
        t = lt.products
        q = select(t.c.part_number, t.c.fraccion).where(t.c.company_id == company_id)
        return {str(r[0]): str(r[1]) for r in self.conn.execute(q)}
