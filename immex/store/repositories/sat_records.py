"""What SAT knows, in the store: import batches, pedimentos, their rows, rectification links.

Every SQL statement of the SAT area: the imports (batches, bulk writers and the copy of a
second reader's rows — the driver-level SQL of those two is in
:mod:`immex.store.repositories.sat_bulk`), ``pedimento show``, the export back to Data
Stage rows, and both sides of the reconciliation as it reads them (SAT's tables and the
ledger's lots). Rows come back as plain tuples/dicts or the records of
:mod:`immex.domain.reconcile`.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from datetime import date, datetime
from decimal import Decimal
from functools import cached_property
from pathlib import Path
from typing import Any

from sqlalchemy import (
    Connection,
    Table,
    and_,
    bindparam,
    case,
    func,
    insert,
    inspect,
    select,
    update,
)
from sqlalchemy.orm import aliased

from immex.domain import reconcile as rc
from immex.domain.reconcile.wording import REF_LEDGER_LOT, REF_LEDGER_PEDIMENTO, REF_SAT_512
from immex.store.database import inserted_id
from immex.store.repositories.sat_bulk import BulkWriter, ScratchCopies
from immex.store.tables import core, ledger, sat

#: a stored pedimento's key in its company: (company id, year, patente, pedimento, aduana)
PedimentoKey = tuple[int, int, str, str, str]

#: columns of the typed tables that are not fields of the Data Stage table
_NOT_FIELDS = frozenset({
    "id", "pedimento_id", "company_id", "batch_id", "source", "year", "number",
    "superseded_by_id", "year_orig", "year_anterior", "anterior_id",
})  # fmt: skip
_KEY = ("patente", "pedimento", "aduana")


def _date(v: Any) -> date:
    if isinstance(v, datetime):
        return v.date()
    if isinstance(v, date):
        return v
    return date.fromisoformat(str(v)[:10])


def _row_dict(row: Any, skip: Iterable[str] = ("id", "pedimento_id")) -> dict[str, Any]:
    return {k: v for k, v in row._mapping.items() if k not in skip}


def _typed_table(code: str) -> Table | None:
    """The store table of a typed Data Stage table (None: kept raw)."""
    return sat.sat_pedimentos if code == "501" else sat.CHILD_TABLES.get(code)


def field_columns(code: str) -> list[str]:
    """The stored fields of typed table ``code`` (the key excluded), in layout order."""
    table = _typed_table(code)
    if table is None:
        raise KeyError(f"Data Stage table {code} is not stored typed")
    return [c.name for c in table.columns if c.name not in _NOT_FIELDS and c.name not in _KEY]


class SatRepository:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    @property
    def dialect(self) -> str:
        return self.conn.dialect.name

    # -- import batches and pedimentos ---------------------------------------------------
    def company_ids(self) -> dict[str, int]:
        """RFC → id of every company of the workspace (a removed company is not one)."""
        c = core.companies
        rows = self.conn.execute(select(c.c.rfc, c.c.id).where(c.c.removed_at.is_(None)))
        return {r.rfc: r.id for r in rows}

    def removed_companies(self) -> dict[str, tuple[datetime, str]]:
        """RFC → (when, by whom) of every removed company of the workspace."""
        c = core.companies
        q = select(c.c.rfc, c.c.removed_at, c.c.removed_by).where(c.c.removed_at.is_not(None))
        return {r.rfc: (r.removed_at, r.removed_by or "") for r in self.conn.execute(q)}

    def company_batches(self, company_id: int) -> list[tuple[Any, int, int]]:
        """The Data Stage and archivo M batches that wrote pedimentos of the company, by
        id: (batch row, its pedimentos of the company, those not superseded by a
        rectification)."""
        b, p = sat.sat_import_batches, sat.sat_pedimentos
        current = func.sum(case((p.c.superseded_by_id.is_(None), 1), else_=0))
        counts = (
            select(p.c.batch_id, func.count().label("n"), current.label("current"))
            .where(p.c.company_id == company_id)
            .group_by(p.c.batch_id)
            .subquery()
        )
        q = (
            select(b, counts.c.n, counts.c.current)
            .join(counts, counts.c.batch_id == b.c.id)
            .order_by(b.c.id)
        )
        return [(r, int(r.n), int(r.current or 0)) for r in self.conn.execute(q)]

    def company_batch(self, company_id: int, batch_id: int) -> Any | None:
        """The batch of that id, if it wrote pedimentos of the company."""
        return next((r for r, _, _ in self.company_batches(company_id) if r.id == batch_id), None)

    def add_batch(
        self, *, kind: str, source_name: str, sha256: str, folio: str | None,
        imported_at: datetime, actor: str,
    ) -> int:  # fmt: skip
        return inserted_id(
            self.conn.execute(
                insert(sat.sat_import_batches).values(
                    kind=kind,
                    source_name=source_name,
                    sha256=sha256,
                    folio=folio,
                    imported_at=imported_at,
                    actor=actor,
                )  # fmt: skip
            )
        )

    def set_batch_summary(self, batch_id: int, summary: dict[str, Any]) -> None:
        b = sat.sat_import_batches
        self.conn.execute(update(b).where(b.c.id == batch_id).values(summary=summary))

    def existing_keys(self, company_ids: Iterable[int], source: str) -> dict[PedimentoKey, int]:
        """Key → id of the pedimentos stored for these companies from ``source``."""
        t = sat.sat_pedimentos
        out: dict[PedimentoKey, int] = {}
        for cid in set(company_ids):
            q = select(t.c.id, t.c.year, t.c.patente, t.c.pedimento, t.c.aduana).where(
                t.c.company_id == cid, t.c.source == source
            )
            for r in self.conn.execute(q):
                out[(cid, r.year, r.patente, r.pedimento, r.aduana)] = r.id
        return out

    def batch_pedimento_ids(self, batch_id: int) -> dict[tuple[str, str, str], int]:
        """(patente, pedimento, aduana) → id of the pedimentos a batch wrote."""
        t = sat.sat_pedimentos
        q = select(t.c.id, t.c.patente, t.c.pedimento, t.c.aduana).where(t.c.batch_id == batch_id)
        return {(r.patente, r.pedimento, r.aduana): r.id for r in self.conn.execute(q)}

    def writer(
        self, code: str, columns: Sequence[str], positions: Sequence[int] | None = None
    ) -> BulkWriter:
        """A bulk writer for Data Stage table ``code`` (501 → pedimentos, a typed table →
        its child table, any other → the raw rows)."""
        table = _typed_table(code)
        return BulkWriter(self.conn, sat.sat_raw_rows if table is None else table, columns,
                          positions)  # fmt: skip

    def add_pedimento(self, values: dict[str, Any]) -> int:
        return inserted_id(self.conn.execute(insert(sat.sat_pedimentos).values(**values)))

    def add_rows(self, code: str, rows: list[dict[str, Any]]) -> None:
        """Rows of the typed child table of ``code`` (each with its ``pedimento_id``)."""
        self.conn.execute(insert(sat.CHILD_TABLES[code]), rows)

    def add_raw_row(self, batch_id: int, pedimento_id: int, table_code: str, data: str) -> None:
        self.conn.execute(
            insert(sat.sat_raw_rows).values(
                batch_id=batch_id, pedimento_id=pedimento_id, table_code=table_code, data=data
            )
        )

    @staticmethod
    def is_typed(code: str) -> bool:
        """Whether table ``code`` (other than 501) has a typed child table."""
        return code in sat.CHILD_TABLES

    @cached_property
    def scratch(self) -> ScratchCopies:
        """The second reader's scratch databases attached to this connection (SQLite)."""
        return ScratchCopies(self.conn)

    def attach_scratch(self, path: Path) -> str:
        return self.scratch.attach(path)

    def copy_from_scratch(self, alias: str, table: str, columns: Sequence[str]) -> None:
        self.scratch.copy(alias, table, columns)

    def detach_scratch(self) -> None:
        """After the transaction: detach the scratch databases."""
        self.scratch.detach_all()

    def link_rectifications(self) -> int:
        """Resolve 701 rows to the pedimento they rectify and mark it superseded; returns how
        many links were made."""
        r, p = sat.sat_rectificaciones, sat.sat_pedimentos
        target = p.alias("target")
        links = self.conn.execute(
            select(r.c.id, r.c.pedimento_id, target.c.id.label("target_id"))
            .join(p, p.c.id == r.c.pedimento_id)
            .join(target, and_(
                target.c.company_id == p.c.company_id,
                target.c.source == p.c.source,
                target.c.year == r.c.year_anterior,
                target.c.patente == r.c.patente_anterior,
                target.c.pedimento == r.c.pedimento_anterior,
                target.c.aduana == r.c.aduana_anterior,
            ))
            .where(r.c.anterior_id.is_(None), target.c.id != r.c.pedimento_id)
            .order_by(r.c.id)
        ).all()  # fmt: skip
        if links:
            self.conn.execute(
                update(r).where(r.c.id == bindparam("rid")).values(anterior_id=bindparam("tid")),
                [{"rid": row.id, "tid": row.target_id} for row in links],
            )
            self.conn.execute(
                update(p)
                .where(p.c.id == bindparam("tid"))
                .values(superseded_by_id=bindparam("by")),
                [{"tid": row.target_id, "by": row.pedimento_id} for row in links],
            )
        return len(links)

    # -- pedimento show -------------------------------------------------------------------
    def find_pedimentos(
        self,
        *,
        company_id: int | None,
        pedimento: str,
        year2: int | None = None,
        patente: str | None = None,
        office: str | None = None,
    ) -> list[Any]:
        """Stored pedimentos numbered ``pedimento`` (and, given the full number, of that
        2-digit year, patente and office), Data Stage first, newest year first."""
        p = sat.sat_pedimentos
        q = select(p).where(p.c.pedimento == pedimento)
        if year2 is not None:
            q = q.where(p.c.year % 100 == year2)
        if patente is not None:
            q = q.where(p.c.patente == patente)
        if office is not None:
            q = q.where(p.c.aduana.like(office + "%"))
        if company_id is not None:
            q = q.where(p.c.company_id == company_id)
        return list(self.conn.execute(q.order_by(p.c.source, p.c.year.desc(), p.c.id)))

    def company_rfc(self, company_id: int) -> str | None:
        c = core.companies
        rfc = self.conn.execute(select(c.c.rfc).where(c.c.id == company_id)).scalar()
        return None if rfc is None else str(rfc)

    def rows_of(self, pedimento_id: int, code: str) -> list[dict[str, Any]]:
        """The stored rows of child table ``code`` of a pedimento, in their order (506 by
        kind of date, 551 by partida, the others as stored)."""
        t = sat.CHILD_TABLES[code]
        order = t.c[{"506": "tipo_fecha", "551": "secuencia"}.get(code, "id")]
        q = select(t).where(t.c.pedimento_id == pedimento_id).order_by(order)
        return [_row_dict(r) for r in self.conn.execute(q)]

    def discharged_from(self, head: Any) -> list[dict[str, Any]]:
        """512 rows of other pedimentos of the company that discharge pedimento ``head``."""
        d, p = sat.sat_descargos, sat.sat_pedimentos
        q = (
            select(d, p.c.number).join(p, p.c.id == d.c.pedimento_id).where(
                p.c.company_id == head.company_id, d.c.year_orig == head.year,
                d.c.patente_orig == head.patente, d.c.pedimento_orig == head.pedimento,
                d.c.aduana_orig == head.aduana,
            ).order_by(d.c.id)
        )  # fmt: skip
        return [
            _row_dict(r, skip=("id", "pedimento_id", "number")) | {"discharging_number": r.number}
            for r in self.conn.execute(q)
        ]

    def chain_info(self, pedimento_id: int) -> Any:
        """Number, key, type, payment and successor of a pedimento (None if absent)."""
        p = sat.sat_pedimentos
        return self.conn.execute(
            select(p.c.id, p.c.number, p.c.clave_documento, p.c.tipo_pedimento, p.c.fecha_pago,
                   p.c.superseded_by_id).where(p.c.id == pedimento_id)
        ).first()  # fmt: skip

    def rectified_by(self, pedimento_id: int) -> int | None:
        """The stored pedimento that ``pedimento_id`` rectifies (None: none stored)."""
        r = sat.sat_rectificaciones
        value = self.conn.execute(
            select(r.c.anterior_id).where(
                r.c.pedimento_id == pedimento_id, r.c.anterior_id.is_not(None)
            )
        ).scalar()
        return None if value is None else int(value)

    def unresolved_rectification(self, pedimento_id: int) -> Any:
        """The key of the pedimento ``pedimento_id`` rectifies when it is not stored."""
        r = sat.sat_rectificaciones
        return self.conn.execute(
            select(r.c.year_anterior, r.c.patente_anterior, r.c.pedimento_anterior,
                   r.c.aduana_anterior).where(r.c.pedimento_id == pedimento_id,
                                              r.c.anterior_id.is_(None))
        ).first()  # fmt: skip

    # -- export back to Data Stage rows ----------------------------------------------------
    def stored_rows(
        self, code: str, company_id: int | None = None, source: str = "datastage"
    ) -> Iterator[tuple[Any, ...] | str]:
        """The stored rows of Data Stage table ``code`` in their order: value tuples of a
        typed table (key first, fields in layout order), else the raw ``|``-joined text."""
        p = sat.sat_pedimentos
        where = [p.c.source == source]
        if company_id is not None:
            where.append(p.c.company_id == company_id)
        table = _typed_table(code)
        if table is not None:
            key = [p.c[k] for k in _KEY]
            fields = [table.c[c] for c in field_columns(code)]
            if table is p:
                q = select(*key, *fields).where(*where).order_by(p.c.id)
            else:
                q = select(*key, *fields).join(p, p.c.id == table.c.pedimento_id)
                q = q.where(*where).order_by(table.c.id)
            for row in self.conn.execute(q):
                yield tuple(row)
            return
        r = sat.sat_raw_rows
        raw = select(r.c.data).where(r.c.table_code == code)
        if code == "Resumen":
            b = sat.sat_import_batches
            raw = raw.join(b, b.c.id == r.c.batch_id).where(b.c.kind == source)
        else:
            raw = raw.join(p, p.c.id == r.c.pedimento_id).where(*where)
        for (data,) in self.conn.execute(raw.order_by(r.c.id)):
            yield str(data)

    # -- the SAT side of the reconciliation -------------------------------------------------
    def reconcile_pedimentos(self, company_id: int) -> list[rc.SatPedimento]:
        p, b = sat.sat_pedimentos, sat.sat_import_batches
        nxt = aliased(p)
        rect = {
            r.pedimento_id: r.number
            for r in self.conn.execute(
                select(sat.sat_rectificaciones.c.pedimento_id, p.c.number).join(
                    p, p.c.id == sat.sat_rectificaciones.c.anterior_id
                )
            )
        }
        q = (
            select(p.c.id, p.c.number, p.c.clave_documento, p.c.tipo_operacion, p.c.fecha_pago,
                   nxt.c.number.label("next_number"), b.c.source_name)
            .join(b, b.c.id == p.c.batch_id)
            .outerjoin(nxt, nxt.c.id == p.c.superseded_by_id)
            .where(p.c.company_id == company_id, p.c.source == "datastage")
        )  # fmt: skip
        return [
            rc.SatPedimento(
                r.number,
                r.clave_documento,
                int(r.tipo_operacion),
                _date(r.fecha_pago),
                f"SAT 501 {r.number} ({r.source_name})",
                r.next_number,
                rect.get(r.id),
            )  # fmt: skip
            for r in self.conn.execute(q)
        ]

    def reconcile_lines(self, company_id: int) -> list[rc.SatLine]:
        p, ln = sat.sat_pedimentos, sat.sat_partidas
        q = (
            select(p.c.number, ln.c.fraccion, ln.c.secuencia, ln.c.cantidad_umc, ln.c.umc,
                   ln.c.cantidad_umt, ln.c.umt, ln.c.valor_dolares)
            .join(p, p.c.id == ln.c.pedimento_id)
            .where(p.c.company_id == company_id, p.c.source == "datastage")
        )  # fmt: skip
        return [
            rc.SatLine(
                r.number,
                r.fraccion,
                int(r.secuencia),
                r.cantidad_umc,
                None if r.umc is None else str(r.umc),
                r.cantidad_umt,
                None if r.umt is None else str(r.umt),
                r.valor_dolares,
                f"SAT 551 {r.number} partida {r.secuencia}",
            )  # fmt: skip
            for r in self.conn.execute(q)
        ]

    def reconcile_discharges(self, company_id: int) -> list[rc.SatDischarge]:
        p, d = sat.sat_pedimentos, sat.sat_descargos
        out = []
        for dr in self.conn.execute(
            select(p.c.number, p.c.fecha_pago, d.c.id, d.c.year_orig, d.c.aduana_orig,
                   d.c.patente_orig, d.c.pedimento_orig, d.c.documento_orig, d.c.fraccion_orig,
                   d.c.unidad, d.c.cantidad)
            .join(p, p.c.id == d.c.pedimento_id)
            .where(p.c.company_id == company_id, p.c.source == "datastage")
        ):  # fmt: skip
            orig = (f"{dr.year_orig % 100:02d}{dr.aduana_orig[:2]}{dr.patente_orig}"
                    f"{dr.pedimento_orig}")  # fmt: skip
            out.append(
                rc.SatDischarge(
                    dr.number,
                    _date(dr.fecha_pago),
                    orig,
                    dr.documento_orig,
                    dr.fraccion_orig,
                    None if dr.unidad is None else str(dr.unidad),
                    dr.cantidad,
                    REF_SAT_512(number=dr.number, original=orig),
                )  # fmt: skip
            )
        return out

    def coverage_summaries(self, company_id: int) -> list[str]:
        """The raw ``Resumen`` rows of the company's Data Stage batches (their periods)."""
        p, b, r = sat.sat_pedimentos, sat.sat_import_batches, sat.sat_raw_rows
        q = (
            select(r.c.data)
            .join(b, b.c.id == r.c.batch_id)
            .where(
                r.c.table_code == "Resumen",
                b.c.kind == "datastage",
                b.c.id.in_(select(p.c.batch_id).where(p.c.company_id == company_id)),
            )
        )
        return [str(data) for (data,) in self.conn.execute(q)]

    # -- the ledger side, as the reconciliation reads it -----------------------------------
    def has_ledger(self) -> bool:
        return bool(inspect(self.conn).has_table("ledger_lots"))

    def reconcile_ledger(
        self, company_id: int
    ) -> tuple[
        list[rc.LedgerPedimento], list[rc.LedgerLine], dict[int, tuple[str, str, str | None]]
    ]:
        """The ledger's pedimentos (earliest entry of each) and lines (lots), and per lot id
        its (pedimento, fracción, unit) for reading the discharge journal."""
        t = ledger
        units = {
            r.part_number: r.umc
            for r in self.conn.execute(
                select(t.materials.c.part_number, t.materials.c.umc).where(
                    t.materials.c.company_id == company_id, t.materials.c.withdrawn_by.is_(None)
                )
            )
        }
        files = {
            r.id: r.file_name
            for r in self.conn.execute(
                select(t.import_batches.c.id, t.import_batches.c.file_name).where(
                    t.import_batches.c.company_id == company_id
                )
            )
        }
        peds: dict[str, rc.LedgerPedimento] = {}
        lines: list[rc.LedgerLine] = []
        lot_info: dict[int, tuple[str, str, str | None]] = {}
        lots = t.lots
        current = select(lots).where(lots.c.company_id == company_id, lots.c.withdrawn_by.is_(None))
        for r in self.conn.execute(current):
            where = f"{files.get(r.batch_id, 'ledger')}:{r.source_line}"
            if r.pedimento not in peds or r.entry_date < peds[r.pedimento].entry_date:
                peds[r.pedimento] = rc.LedgerPedimento(
                    r.pedimento, r.clave, r.entry_date, REF_LEDGER_PEDIMENTO(where=where)
                )
            unit = units.get(r.part_number)
            lines.append(
                rc.LedgerLine(
                    r.pedimento,
                    r.fraccion,
                    Decimal(r.quantity_micro).scaleb(-6),
                    unit,
                    Decimal(r.value_e4).scaleb(-4),
                    REF_LEDGER_LOT(lot=r.id, part=r.part_number, where=where),
                )  # fmt: skip
            )
            lot_info[r.id] = (r.pedimento, r.fraccion, unit)
        return list(peds.values()), lines, lot_info
