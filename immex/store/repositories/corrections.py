"""Corrections of the ledger in the store: voided batches, rectified pedimentos, earlier
versions of master data.

Nothing here deletes a row. A correction is a row of ``ledger_corrections``; the rows it
takes out of the current ledger keep their data and name it in ``withdrawn_by``; a
material or product an import or a void changed keeps its earlier values in
``ledger_part_versions``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Table, func, insert, select, update

from immex.store.database import inserted_id
from immex.store.repositories.ledger_records import ImportBatch, MasterData
from immex.store.tables import ledger as t

#: the tables whose rows a batch writes and a void withdraws, by entity of the batch
BATCH_TABLES: dict[str, Table] = {
    "materials": t.materials,
    "products": t.products,
    "bom": t.bom,
    "pedimentos": t.lots,
    "shipments": t.shipments,
}
_MASTER_TABLES: dict[MasterData, Table] = {
    MasterData.MATERIALS: t.materials,
    MasterData.PRODUCTS: t.products,
}
_IN_CHUNK = 5000


@dataclass(frozen=True, slots=True)
class Correction:
    """A void or a rectification: the batch, why, who, when, the run it made stale."""

    id: int
    company_id: int
    kind: str
    batch_id: int
    reason: str
    actor: str
    created_at: datetime
    stale_run: int | None
    detail: dict[str, Any]


@dataclass(frozen=True, slots=True)
class LotVersion:
    """A stored line of a pedimento, current or withdrawn, with the batch that wrote it."""

    lot_id: int
    batch_id: int
    file_name: str
    imported_at: datetime
    actor: str
    source_line: int
    clave: str
    entry_date: Any
    part_number: str
    quantity_micro: int
    value_e4: int
    origin: str
    fraccion: str
    withdrawn_by: int | None


@dataclass(frozen=True, slots=True)
class PartVersion:
    """An earlier version of a material or product."""

    master: str
    part_number: str
    values: dict[str, Any]
    batch_id: int | None
    replaced_by: int | None
    correction_id: int | None
    replaced_at: datetime
    actor: str


@dataclass(frozen=True, slots=True)
class BomLine:
    """A stored BOM line, current or withdrawn, with the batch that wrote it."""

    id: int
    product: str
    component: str
    qty_per_unit_micro: int
    scrap_pct_e4: int
    valid_from: Any
    valid_to: Any
    batch_id: int | None
    withdrawn_by: int | None

    @property
    def version(self) -> tuple[int, int, Any, Any]:
        """(qty per unit µ, scrap % e4, valid from, valid to), as the BOM importer compares."""
        return (self.qty_per_unit_micro, self.scrap_pct_e4, self.valid_from, self.valid_to)


def _correction(row: Any) -> Correction:
    return Correction(
        row.id, row.company_id, row.kind, row.batch_id, row.reason, row.actor, row.created_at,
        row.stale_run, dict(row.detail or {}),
    )  # fmt: skip


class CorrectionsRepository:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    # -- corrections ----------------------------------------------------------------------
    def add(
        self, *, company_id: int, kind: str, batch_id: int, reason: str, actor: str,
        created_at: datetime, stale_run: int | None, detail: dict[str, Any],
    ) -> int:  # fmt: skip
        return inserted_id(
            self.conn.execute(
                insert(t.corrections).values(
                    company_id=company_id,
                    kind=kind,
                    batch_id=batch_id,
                    reason=reason,
                    actor=actor,
                    created_at=created_at,
                    stale_run=stale_run,
                    detail=detail,
                )  # fmt: skip
            )
        )

    def of_company(self, company_id: int) -> list[Correction]:
        c = t.corrections
        rows = self.conn.execute(select(c).where(c.c.company_id == company_id).order_by(c.c.id))
        return [_correction(r) for r in rows]

    def of_batch(self, company_id: int, batch_id: int) -> list[Correction]:
        c = t.corrections
        rows = self.conn.execute(
            select(c).where(c.c.company_id == company_id, c.c.batch_id == batch_id).order_by(c.c.id)
        )
        return [_correction(r) for r in rows]

    def making_stale(self, company_id: int, run_id: int) -> list[Correction]:
        """The corrections made while run ``run_id`` was current (its journal is stale)."""
        c = t.corrections
        rows = self.conn.execute(
            select(c).where(c.c.company_id == company_id, c.c.stale_run == run_id).order_by(c.c.id)
        )
        return [_correction(r) for r in rows]

    def batch(self, company_id: int, batch_id: int) -> ImportBatch | None:
        """The company's batch of that id (None for another company's)."""
        b = t.import_batches
        row = self.conn.execute(
            select(b).where(b.c.id == batch_id, b.c.company_id == company_id)
        ).first()
        return None if row is None else ImportBatch(**row._mapping)

    def current_rows(self, company_id: int, batch_id: int, entity: str) -> int:
        """How many rows the batch wrote that are still in the current ledger."""
        table = BATCH_TABLES[entity]
        return int(
            self.conn.execute(
                select(func.count())
                .select_from(table)
                .where(
                    table.c.company_id == company_id,
                    table.c.batch_id == batch_id,
                    table.c.withdrawn_by.is_(None),
                )
            ).scalar_one()
        )

    # -- withdrawing rows -----------------------------------------------------------------
    def withdraw_batch(self, company_id: int, batch_id: int, entity: str, correction: int) -> int:
        """Withdraw the batch's current rows (lots, shipments or BOM lines); how many."""
        table = BATCH_TABLES[entity]
        return int(
            self.conn.execute(
                update(table)
                .where(
                    table.c.company_id == company_id,
                    table.c.batch_id == batch_id,
                    table.c.withdrawn_by.is_(None),
                )
                .values(withdrawn_by=correction)
            ).rowcount
        )

    def withdraw_lots(
        self, company_id: int, pedimentos: Sequence[str], keep_batch: int, correction: int
    ) -> int:
        """Withdraw the current lots of ``pedimentos`` not written by ``keep_batch``."""
        lots = t.lots
        names = sorted(set(pedimentos))
        n = 0
        for i in range(0, len(names), _IN_CHUNK):
            n += self.conn.execute(
                update(lots)
                .where(
                    lots.c.company_id == company_id,
                    lots.c.pedimento.in_(names[i : i + _IN_CHUNK]),
                    lots.c.batch_id != keep_batch,
                    lots.c.withdrawn_by.is_(None),
                )
                .values(withdrawn_by=correction)
            ).rowcount
        return n

    def pedimento_versions(self, company_id: int, pedimento: str) -> list[LotVersion]:
        """Every stored line of the pedimento, withdrawn ones too, by batch and line."""
        lots, b = t.lots, t.import_batches
        q = (
            select(
                lots.c.id,
                lots.c.batch_id,
                b.c.file_name,
                b.c.imported_at,
                b.c.actor,
                lots.c.source_line,
                lots.c.clave,
                lots.c.entry_date,
                lots.c.part_number,
                lots.c.quantity_micro,
                lots.c.value_e4,
                lots.c.origin,
                lots.c.fraccion,
                lots.c.withdrawn_by,
            )  # fmt: skip
            .join(b, b.c.id == lots.c.batch_id)
            .where(lots.c.company_id == company_id, lots.c.pedimento == pedimento)
            .order_by(lots.c.batch_id, lots.c.source_line, lots.c.id)
        )
        return [LotVersion(*tuple(r)) for r in self.conn.execute(q)]

    def lots_using_parts(self, company_id: int, parts: Sequence[str]) -> dict[str, int]:
        """part → how many current lots, BOM lines and shipments name it (as a material,
        a component or a product)."""
        out: dict[str, int] = {}
        names = sorted(set(parts))
        for table, col in (
            (t.lots, "part_number"), (t.bom, "component"), (t.bom, "product"),
            (t.shipments, "product"),
        ):  # fmt: skip
            c = table.c[col]
            for i in range(0, len(names), _IN_CHUNK):
                q = (
                    select(c, func.count())
                    .where(
                        table.c.company_id == company_id,
                        c.in_(names[i : i + _IN_CHUNK]),
                        table.c.withdrawn_by.is_(None),
                    )
                    .group_by(c)
                )
                for part, n in self.conn.execute(q):
                    out[part] = out.get(part, 0) + int(n)
        return out

    # -- BOM lines ------------------------------------------------------------------------
    def bom_lines(
        self, company_id: int, products: Sequence[str], *, withdrawn: bool = False
    ) -> list[BomLine]:
        """The BOM lines of ``products`` (current ones; withdrawn ones too with
        ``withdrawn``), by product, component and id."""
        b = t.bom
        names = sorted(set(products))
        out: list[BomLine] = []
        for i in range(0, len(names), _IN_CHUNK):
            q = select(
                b.c.id,
                b.c.product,
                b.c.component,
                b.c.qty_per_unit_micro,
                b.c.scrap_pct_e4,
                b.c.valid_from,
                b.c.valid_to,
                b.c.batch_id,
                b.c.withdrawn_by,
            ).where(  # fmt: skip
                b.c.company_id == company_id, b.c.product.in_(names[i : i + _IN_CHUNK])
            )
            if not withdrawn:
                q = q.where(b.c.withdrawn_by.is_(None))
            out.extend(BomLine(*tuple(r)) for r in self.conn.execute(q))
        return sorted(out, key=lambda x: (x.product, x.component, x.id))

    def bom_components(self, company_id: int, component: str) -> list[BomLine]:
        """Every BOM line (withdrawn ones too) naming ``component``, by product and id."""
        b = t.bom
        q = select(
            b.c.id, b.c.product, b.c.component, b.c.qty_per_unit_micro, b.c.scrap_pct_e4,
            b.c.valid_from, b.c.valid_to, b.c.batch_id, b.c.withdrawn_by,
        ).where(b.c.company_id == company_id, b.c.component == component)  # fmt: skip
        rows = [BomLine(*tuple(r)) for r in self.conn.execute(q)]
        return sorted(rows, key=lambda x: (x.product, x.id))

    def withdraw_bom_lines(self, company_id: int, ids: Sequence[int], correction: int) -> int:
        """Withdraw these current BOM lines of the company; how many."""
        b = t.bom
        wanted = sorted(set(ids))
        n = 0
        for i in range(0, len(wanted), _IN_CHUNK):
            n += self.conn.execute(
                update(b)
                .where(
                    b.c.company_id == company_id,
                    b.c.id.in_(wanted[i : i + _IN_CHUNK]),
                    b.c.withdrawn_by.is_(None),
                )
                .values(withdrawn_by=correction)
            ).rowcount
        return n

    # -- master data versions -------------------------------------------------------------
    def parts_of_batch(
        self, master: MasterData, company_id: int, batch_id: int
    ) -> list[tuple[int, str, dict[str, Any]]]:
        """(row id, part number, values) of the parts whose current version is the batch's."""
        table = _MASTER_TABLES[master]
        skip = {"id", "company_id", "part_number", "batch_id", "withdrawn_by"}
        rows = self.conn.execute(
            select(table).where(
                table.c.company_id == company_id,
                table.c.batch_id == batch_id,
                table.c.withdrawn_by.is_(None),
            )
        )
        return [
            (r.id, r.part_number, {k: v for k, v in r._mapping.items() if k not in skip})
            for r in rows
        ]

    def keep_version(
        self, master: MasterData, company_id: int, part: str, values: dict[str, Any],
        batch_id: int | None, *, replaced_by: int | None, correction_id: int | None,
        at: datetime, actor: str,
    ) -> None:  # fmt: skip
        """Record a version of a part before it is replaced (by an import or a void)."""
        self.conn.execute(
            insert(t.part_versions).values(
                company_id=company_id,
                master=master.value,
                part_number=part,
                part_values=values,
                batch_id=batch_id,
                replaced_by=replaced_by,
                correction_id=correction_id,
                replaced_at=at,
                actor=actor,
            )  # fmt: skip
        )

    def version_replaced_by(
        self, master: MasterData, company_id: int, part: str, batch_id: int
    ) -> PartVersion | None:
        """The version of ``part`` that batch ``batch_id`` replaced (the latest such)."""
        v = t.part_versions
        row = self.conn.execute(
            select(v)
            .where(
                v.c.company_id == company_id,
                v.c.master == master.value,
                v.c.part_number == part,
                v.c.replaced_by == batch_id,
            )  # fmt: skip
            .order_by(v.c.id.desc())
        ).first()
        return None if row is None else _part_version(row)

    def restore_part(
        self, master: MasterData, part_id: int, values: dict[str, Any], batch_id: int | None
    ) -> None:
        table = _MASTER_TABLES[master]
        self.conn.execute(
            update(table).where(table.c.id == part_id).values(batch_id=batch_id, **values)
        )

    def withdraw_part(self, master: MasterData, part_id: int, correction: int) -> None:
        table = _MASTER_TABLES[master]
        self.conn.execute(
            update(table).where(table.c.id == part_id).values(withdrawn_by=correction)
        )

    def part_history(self, company_id: int, part: str) -> list[PartVersion]:
        v = t.part_versions
        rows = self.conn.execute(
            select(v).where(v.c.company_id == company_id, v.c.part_number == part).order_by(v.c.id)
        )
        return [_part_version(r) for r in rows]


def _part_version(row: Any) -> PartVersion:
    return PartVersion(
        row.master, row.part_number, dict(row.part_values), row.batch_id, row.replaced_by,
        row.correction_id, row.replaced_at, row.actor,
    )  # fmt: skip
