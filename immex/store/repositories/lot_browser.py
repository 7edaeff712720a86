"""The ledger's lots a page at a time: keyset pagination on the lot id (``id > after``
… ``LIMIT n``), so page 20,000 of a million lots costs what page 1 costs (no OFFSET)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlalchemy import Connection, and_, or_, select

from immex.store.tables import ledger as t


class LotBrowserRepository:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def _base(self, company_id: int, keys: Sequence[str]) -> Any:
        lots, m = t.lots, t.materials
        return (
            select(lots, m.c.kind, m.c.umc)
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

    def page(
        self, company_id: int, keys: Sequence[str], *, after: int, limit: int,
        search: str | None = None, entered_by: date | None = None,
    ) -> list[Any]:  # fmt: skip
        """Up to ``limit`` lots with an id above ``after``, by id, each with its material's
        ``kind`` and ``umc``; ``search`` matches the start of the part number or fraction, or
        any part of the pedimento number."""
        lots, m = t.lots, t.materials
        # walk the primary key (id > after … LIMIT): ``company_id + 0`` keeps the planners
        # off the (company, pedimento) index, which would sort every lot of the company
        q = (
            select(lots, m.c.kind, m.c.umc)
            .outerjoin(
                m,
                and_(
                    m.c.company_id == lots.c.company_id,
                    m.c.part_number == lots.c.part_number,
                    m.c.withdrawn_by.is_(None),
                ),
            )
            .where(lots.c.company_id + 0 == company_id, lots.c.clave.in_(keys), lots.c.id > after)
            .where(lots.c.withdrawn_by.is_(None))
        )
        if search:
            text = search.strip().upper().replace("%", "").replace("_", "")
            digits = "".join(ch for ch in text if ch.isdigit())
            terms = [lots.c.part_number.like(f"{text}%"), lots.c.fraccion.like(f"{text}%")]
            if digits:
                terms.append(lots.c.pedimento.like(f"%{digits}%"))
            q = q.where(or_(*terms))
        if entered_by is not None:
            q = q.where(lots.c.entry_date <= entered_by)
        return list(self.conn.execute(q.order_by(lots.c.id).limit(limit)).all())

    def lot(self, company_id: int, keys: Sequence[str], lot_id: int) -> Any | None:
        """One lot of the company (with its material's ``kind`` and ``umc``), or None."""
        q = self._base(company_id, keys).where(t.lots.c.id == lot_id)
        return self.conn.execute(q).first()
