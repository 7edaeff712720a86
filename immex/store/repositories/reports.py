"""Read-only ledger queries of the month-end figures and reports.

The Annex 24 tables of a period (lots entered, shipments made, what each part is), and the
shipments and lots behind the journal's lot portions. Integers of the store (micro-units,
1/10,000 USD) come back as Decimal.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import Connection, select

from immex.domain.lot_portions import PortionLot, PortionShipment
from immex.store.tables import ledger as lt

#: ids per ``IN (…)`` query (well below every driver's parameter limit)
CHUNK = 5000


@dataclass(frozen=True, slots=True)
class EnteredLot:
    """A pedimento line entered in the period (Annex 24: entries)."""

    pedimento: str
    clave: str
    entry_date: date
    part_number: str
    fraccion: str
    origin: str
    quantity: Decimal
    value_usd: Decimal


@dataclass(frozen=True, slots=True)
class ShipmentLine:
    """A shipment line of the period (Annex 24: exits)."""

    document: str
    kind: str
    ship_date: date
    product: str
    quantity: Decimal
    destination: str
    value_usd: Decimal | None


def _chunks(ids: Iterable[int]) -> list[list[int]]:
    wanted = sorted(set(ids))
    return [wanted[i : i + CHUNK] for i in range(0, len(wanted), CHUNK)]


class ReportsRepository:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def materials(self, company_id: int) -> dict[str, tuple[str, str]]:
        """part number → (description, fracción) of the company's materials."""
        m = lt.materials
        rows = self.conn.execute(
            select(m.c.part_number, m.c.description, m.c.fraccion).where(
                m.c.company_id == company_id, m.c.withdrawn_by.is_(None)
            )
        )
        return {r.part_number: (r.description, r.fraccion) for r in rows}

    def part_units(self, company_id: int) -> dict[str, str]:
        """part number → unit (UMC, SAT code) of the company's products and materials (a
        part number that is both: the material's)."""
        out: dict[str, str] = {}
        for table in (lt.products, lt.materials):
            rows = self.conn.execute(
                select(table.c.part_number, table.c.umc).where(
                    table.c.company_id == company_id, table.c.withdrawn_by.is_(None)
                )
            )
            out.update((r.part_number, r.umc) for r in rows)
        return out

    def lots_entered(self, company_id: int, start: date, end: date) -> list[EnteredLot]:
        """Lots whose entry date is within ``start … end``, by date, pedimento and id."""
        t = lt.lots
        rows = self.conn.execute(
            select(t)
            .where(t.c.company_id == company_id, t.c.entry_date >= start, t.c.entry_date <= end)
            .where(t.c.withdrawn_by.is_(None))
            .order_by(t.c.entry_date, t.c.pedimento, t.c.id)
        )
        return [
            EnteredLot(
                r.pedimento,
                r.clave,
                r.entry_date,
                r.part_number,
                r.fraccion,
                r.origin,
                Decimal(r.quantity_micro).scaleb(-6),
                Decimal(r.value_e4).scaleb(-4),
            )
            for r in rows
        ]

    def shipments_made(self, company_id: int, start: date, end: date) -> list[ShipmentLine]:
        """Shipment lines dated ``start … end``, by date, document and line."""
        t = lt.shipments
        rows = self.conn.execute(
            select(t)
            .where(t.c.company_id == company_id, t.c.ship_date >= start, t.c.ship_date <= end)
            .where(t.c.withdrawn_by.is_(None))
            .order_by(t.c.ship_date, t.c.document, t.c.line)
        )
        return [
            ShipmentLine(
                r.document,
                r.kind,
                r.ship_date,
                r.product,
                Decimal(r.quantity_micro).scaleb(-6),
                r.destination or "",
                Decimal(r.value_e4).scaleb(-4) if r.value_e4 is not None else None,
            )
            for r in rows
        ]

    def lot_fracciones_and_origins(self, company_id: int) -> dict[int, tuple[str, str]]:
        """lot id → (fracción, origin) of every lot of the company."""
        t = lt.lots
        rows = self.conn.execute(
            select(t.c.id, t.c.fraccion, t.c.origin).where(t.c.company_id == company_id)
        )
        return {r.id: (r.fraccion, r.origin) for r in rows}

    def portion_shipments(self, ids: Iterable[int]) -> dict[int, PortionShipment]:
        """The shipment lines of those ids, as lot portions need them."""
        t = lt.shipments
        out: dict[int, PortionShipment] = {}
        for chunk in _chunks(ids):
            q = select(t.c.id, t.c.document, t.c.ship_date, t.c.product, t.c.destination).where(
                t.c.id.in_(chunk)
            )
            for r in self.conn.execute(q):
                out[r.id] = PortionShipment(r.id, r.document, r.ship_date, r.product, r.destination)
        return out

    def portion_lots(self, ids: Iterable[int]) -> dict[int, PortionLot]:
        """The lots of those ids, as lot portions need them."""
        t = lt.lots
        out: dict[int, PortionLot] = {}
        for chunk in _chunks(ids):
            q = select(
                t.c.id,
                t.c.pedimento,
                t.c.entry_date,
                t.c.part_number,
                t.c.origin,
                t.c.fraccion,
                t.c.certificate,
            ).where(t.c.id.in_(chunk))
            for r in self.conn.execute(q):
                out[r.id] = PortionLot(
                    r.id,
                    r.pedimento,
                    r.entry_date,
                    r.part_number,
                    r.origin,
                    r.fraccion,
                    r.certificate,
                )
        return out
