"""The discharge journal: append-only runs, their allocations, shortfalls, expired lots
reached and shipments without a BOM in force.

A run header records its inputs' hash, parameters, who, when and the run it supersedes;
the company's current run is its latest. Allocations are stored as compressed numpy
columns in 1,000,000-row chunks (:data:`ALLOCATION_COLUMNS`). Nothing is updated or
deleted: a new run supersedes the previous one.
"""

from __future__ import annotations

import io
import zlib
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import numpy as np
from sqlalchemy import Connection, Select, func, insert, select

from immex.store.bulk import bulk_insert
from immex.store.database import inserted_id
from immex.store.repositories.statistics import refresh_statistics
from immex.store.tables import ledger as t

CHUNK_ROWS = 1_000_000
#: the allocation columns: shipment id, shipment date (days since 1970-01-01), lot id,
#: quantity (micro-units), value (1/10,000 USD), discharge key (index into KEY_NAMES),
#: directed (taken from the shipment's own pedimento first)
ALLOCATION_COLUMNS: dict[str, type] = {
    "ship_id": np.int64,
    "ship_date": np.int32,
    "lot_id": np.int64,
    "qty": np.int64,
    "value": np.int64,
    "key": np.int8,
    "directed": np.bool_,
}
#: a run's lot uses per part (``ledger_lot_uses.data``): lot ids, then µ used, compressed
LOT_USE_DTYPE = np.dtype("<i8")
#: (stage, done, total)
WriteProgress = Callable[[str, int, int], None]


def pack_columns(cols: dict[str, np.ndarray], lo: int, hi: int) -> bytes:
    """Rows ``lo:hi`` of the allocation columns as one compressed chunk."""
    buf = io.BytesIO()
    np.savez(buf, **{k: v[lo:hi] for k, v in cols.items()})  # type: ignore[arg-type]
    return zlib.compress(buf.getvalue(), 1)


def unpack_columns(data: bytes) -> dict[str, np.ndarray]:
    with np.load(io.BytesIO(zlib.decompress(data))) as z:
        return {k: z[k] for k in z.files}


@dataclass(frozen=True, slots=True)
class RunRecord:
    """The header of a stored discharge run."""

    id: int
    company_id: int
    created_at: datetime
    actor: str
    through: date | None
    inputs_hash: str
    journal_hash: str
    parameters: dict[str, Any]
    summary: dict[str, Any]
    supersedes: int | None


def _record(row: Any) -> RunRecord:
    return RunRecord(
        row.id, row.company_id, row.created_at, row.actor, row.through, row.inputs_hash,
        row.journal_hash, row.parameters, row.summary, row.supersedes,
    )  # fmt: skip


class JournalRepository:
    """Discharge runs of one connection. The current run of a company is looked up once
    per repository (that is, once per ``ws.read()`` block) and remembered."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        self._current: dict[int, RunRecord | None] = {}
        #: how many times the current run was read from the database (tests)
        self.current_lookups = 0

    # -- runs ----------------------------------------------------------------------------

    def current_run(self, company_id: int) -> RunRecord | None:
        """The company's latest run (None before the first), remembered."""
        if company_id not in self._current:
            self.current_lookups += 1
            r = t.discharge_runs
            latest = select(func.max(r.c.id)).where(r.c.company_id == company_id).scalar_subquery()
            row = self.conn.execute(select(r).where(r.c.id == latest)).first()
            self._current[company_id] = None if row is None else _record(row)
        return self._current[company_id]

    def forget_current_run(self) -> None:
        """Read the current run again next time (after a run was written elsewhere)."""
        self._current.clear()

    def run(self, company_id: int, run_id: int) -> RunRecord | None:
        r = t.discharge_runs
        row = self.conn.execute(
            select(r).where(r.c.id == run_id, r.c.company_id == company_id)
        ).first()
        return None if row is None else _record(row)

    def runs(self, company_id: int) -> list[RunRecord]:
        """The company's runs, oldest first (the last is current)."""
        r = t.discharge_runs
        rows = self.conn.execute(select(r).where(r.c.company_id == company_id).order_by(r.c.id))
        return [_record(row) for row in rows]

    def add_run(
        self, *, company_id: int, created_at: datetime, actor: str, through: date | None,
        inputs_hash: str, journal_hash: str, parameters: dict[str, Any],
        summary: dict[str, Any], supersedes: int | None,
    ) -> int:  # fmt: skip
        """Append a run header; it becomes the company's current run."""
        run_id = inserted_id(
            self.conn.execute(
                insert(t.discharge_runs).values(
                    company_id=company_id,
                    created_at=created_at,
                    actor=actor,
                    through=through,
                    inputs_hash=inputs_hash,
                    journal_hash=journal_hash,
                    parameters=parameters,
                    summary=summary,
                    supersedes=supersedes,
                )  # fmt: skip
            )
        )
        self._current.pop(company_id, None)
        return run_id

    # -- the journal of a run ------------------------------------------------------------

    def add_allocations(
        self, run_id: int, cols: dict[str, np.ndarray], progress: WriteProgress | None = None
    ) -> int:
        """Store the allocation columns in chunks; returns the number of chunks."""
        n = len(cols["qty"])
        starts = list(range(0, n, CHUNK_ROWS))
        # zlib releases the GIL: compress the chunks on both cores
        with ThreadPoolExecutor(max_workers=2) as pool:
            packed = list(pool.map(lambda lo: pack_columns(cols, lo, lo + CHUNK_ROWS), starts))
        for no, (lo, data) in enumerate(zip(starts, packed, strict=True)):
            self.conn.execute(
                insert(t.allocation_chunks).values(
                    run_id=run_id, chunk_no=no, rows=min(CHUNK_ROWS, n - lo), data=data
                )
            )
            packed[no] = b""
            if progress:
                progress("write", no + 1, len(starts))
        return len(starts)

    def allocations(self, run_id: int) -> dict[str, np.ndarray]:
        """The allocations of a run as columns (see :data:`ALLOCATION_COLUMNS`)."""
        c = t.allocation_chunks
        parts = [
            unpack_columns(r.data)
            for r in self.conn.execute(
                select(c.c.data).where(c.c.run_id == run_id).order_by(c.c.chunk_no)
            )
        ]
        if not parts:
            return {n: np.zeros(0, dtype=d) for n, d in ALLOCATION_COLUMNS.items()}
        return {n: np.concatenate([p[n] for p in parts]) for n in ALLOCATION_COLUMNS}

    def refresh_statistics(self, rows: int) -> None:
        """After a run that wrote ``rows`` shortfall and expired-lot rows: their tables'
        planner statistics (see :mod:`immex.store.repositories.statistics`)."""
        refresh_statistics(self.conn, [t.shortfalls, t.expired_uses, t.unexploded], rows)

    def allocation_count(self, run_id: int) -> int:
        """How many allocations the run's journal holds (the chunks' row counts)."""
        c = t.allocation_chunks
        total = self.conn.execute(select(func.sum(c.c.rows)).where(c.c.run_id == run_id))
        return int(total.scalar_one() or 0)

    def allocation_chunk(self, run_id: int, chunk_no: int) -> dict[str, np.ndarray] | None:
        """One chunk of the run's journal (rows ``chunk_no * CHUNK_ROWS`` on), found by its
        unique (run, chunk number) index; None past the end."""
        c = t.allocation_chunks
        data = self.conn.execute(
            select(c.c.data).where(c.c.run_id == run_id, c.c.chunk_no == chunk_no)
        ).scalar_one_or_none()
        return None if data is None else unpack_columns(data)

    # -- what a run used of each part's lots, and the ledger it read (0018_lot_uses) -----

    def add_lot_uses(
        self, run_id: int, uses: Iterable[tuple[str, np.ndarray, np.ndarray, str]]
    ) -> None:
        """(part, lot ids ascending, µ allocated from each, digest of the lots) per part;
        ``data`` holds the ids then the uses as little-endian int64, compressed."""
        rows = [
            {
                "run_id": run_id, "part_number": part, "lots": len(ids), "lots_digest": digest,
                "data": zlib.compress(np.concatenate((ids, used)).astype(LOT_USE_DTYPE).data, 1),
            }
            for part, ids, used, digest in uses
        ]  # fmt: skip
        if rows:
            self.conn.execute(insert(t.lot_uses), rows)

    def lot_uses(
        self, run_id: int, parts: Sequence[str]
    ) -> dict[str, tuple[np.ndarray, np.ndarray, str]]:
        """Part → (lot ids, µ used, digest) of those of ``parts`` the run recorded."""
        u = t.lot_uses
        out: dict[str, tuple[np.ndarray, np.ndarray, str]] = {}
        wanted = sorted(set(parts))
        for i in range(0, len(wanted), 2000):
            q = select(u.c.part_number, u.c.lots, u.c.lots_digest, u.c.data).where(
                u.c.run_id == run_id, u.c.part_number.in_(wanted[i : i + 2000])
            )
            for part, n, digest, data in self.conn.execute(q):
                cols = np.frombuffer(zlib.decompress(data), dtype=LOT_USE_DTYPE).astype(np.int64)
                out[str(part)] = (cols[:n], cols[n:], str(digest))
        return out

    def add_run_state(
        self, run_id: int, ledger_mark: dict[str, Any], products: dict[str, Any]
    ) -> None:
        """The ledger the run read (:meth:`ledger_mark` before it) and, per product, its
        shipment lines and the date of the last (``[lines, "YYYY-MM-DD"]``)."""
        self.conn.execute(
            insert(t.run_states).values(run_id=run_id, ledger_mark=ledger_mark, products=products)
        )

    def run_state(self, run_id: int) -> tuple[dict[str, Any], dict[str, Any]] | None:
        """(ledger mark, products) the run recorded; None for a run that recorded none."""
        s = t.run_states
        row = self.conn.execute(
            select(s.c.ledger_mark, s.c.products).where(s.c.run_id == run_id)
        ).first()
        return None if row is None else (dict(row[0]), dict(row[1]))

    def ledger_mark(self, company_id: int) -> dict[str, list[int]]:
        """How many import batches and corrections the company's ledger has and the last id
        of each: every change of the discharge inputs adds one of them (an import, a void,
        a rectification), so an equal mark means the same inputs."""
        out: dict[str, list[int]] = {}
        for name, table in (("batches", t.import_batches), ("corrections", t.corrections)):
            n, last = self.conn.execute(
                select(func.count(), func.max(table.c.id)).where(table.c.company_id == company_id)
            ).one()
            out[name] = [int(n), int(last or 0)]
        return out

    def add_shortfalls(self, run_id: int, rows: Iterable[tuple[int, str, int, int]]) -> None:
        """(shipment id, part, required µ, missing µ) per component short on a shipment."""
        bulk_insert(
            self.conn, t.shortfalls,
            ["run_id", "shipment_id", "part_number", "required_micro", "missing_micro"],
            [(run_id, *r) for r in rows],
        )  # fmt: skip

    def add_expired_uses(self, run_id: int, rows: Iterable[tuple[int, int, int]]) -> None:
        """(lot id, shipment id that reached it, open µ) per lot reached after its limit."""
        bulk_insert(
            self.conn, t.expired_uses, ["run_id", "lot_id", "shipment_id", "open_micro"],
            [(run_id, *r) for r in rows],
        )  # fmt: skip

    def add_unexploded(self, run_id: int, shipment_ids: Iterable[int]) -> None:
        """Shipments with no BOM version in force on their date."""
        bulk_insert(
            self.conn, t.unexploded, ["run_id", "shipment_id"],
            [(run_id, s) for s in shipment_ids],
        )  # fmt: skip

    def shortfalls(self, run_id: int) -> list[Any]:
        """Rows: shipment_id, document, line, ship_date, part_number, required_micro,
        missing_micro."""
        s, sh = t.shipments, t.shortfalls
        return list(
            self.conn.execute(
                select(sh, s.c.document, s.c.line, s.c.ship_date)
                .join(s, s.c.id == sh.c.shipment_id)
                .where(sh.c.run_id == run_id)
                .order_by(sh.c.id)
            ).all()
        )

    def expired_uses(self, run_id: int) -> list[Any]:
        """Rows: lot_id, shipment_id, open_micro and the lot's pedimento, part_number,
        entry_date, value_e4, quantity_micro."""
        e, lots = t.expired_uses, t.lots
        return list(
            self.conn.execute(
                select(
                    e,
                    lots.c.pedimento,
                    lots.c.part_number,
                    lots.c.entry_date,
                    lots.c.value_e4,
                    lots.c.quantity_micro,
                )  # fmt: skip
                .join(lots, lots.c.id == e.c.lot_id)
                .where(e.c.run_id == run_id)
                .order_by(e.c.id)
            ).all()
        )

    def unexploded(self, run_id: int) -> list[Any]:
        """Rows: id, document, line, product, ship_date of the shipments not exploded."""
        s, u = t.shipments, t.unexploded
        return list(
            self.conn.execute(
                select(s.c.id, s.c.document, s.c.line, s.c.product, s.c.ship_date)
                .join(u, u.c.shipment_id == s.c.id)
                .where(u.c.run_id == run_id)
                .order_by(u.c.id)
            ).all()
        )

    # -- what a period's figures leave out ----------------------------------------------

    @staticmethod
    def _period(
        q: Select[Any], date_from: date, date_to: date, kinds: Sequence[str],
        destinations: Sequence[str] | None,
    ) -> Select[Any]:  # fmt: skip
        s = t.shipments
        q = q.where(s.c.ship_date >= date_from, s.c.ship_date <= date_to, s.c.kind.in_(kinds))
        return q if destinations is None else q.where(s.c.destination.in_(destinations))

    def period_shortfalls(
        self, run_id: int, date_from: date, date_to: date, kinds: Sequence[str],
        destinations: Sequence[str] | None = None,
    ) -> list[Any]:  # fmt: skip
        """Shortfalls of shipments of ``kinds`` (and ``destinations``) dated in the period,
        by date: document, line, ship_date, part_number, missing_micro."""
        s, sh = t.shipments, t.shortfalls
        q = (
            select(s.c.document, s.c.line, s.c.ship_date, sh.c.part_number, sh.c.missing_micro)
            .join(s, s.c.id == sh.c.shipment_id)
            .where(sh.c.run_id == run_id)
        )
        q = self._period(q, date_from, date_to, kinds, destinations)
        order = (s.c.ship_date, s.c.document, s.c.line, sh.c.id)
        return list(self.conn.execute(q.order_by(*order)).all())

    def period_unexploded(
        self, run_id: int, date_from: date, date_to: date, kinds: Sequence[str],
        destinations: Sequence[str] | None = None,
    ) -> list[Any]:  # fmt: skip
        """Shipments of the period not exploded: document, line, ship_date, product."""
        s, u = t.shipments, t.unexploded
        q = (
            select(s.c.document, s.c.line, s.c.ship_date, s.c.product)
            .join(u, u.c.shipment_id == s.c.id)
            .where(u.c.run_id == run_id)
        )
        q = self._period(q, date_from, date_to, kinds, destinations)
        return list(self.conn.execute(q.order_by(s.c.ship_date, s.c.document, s.c.line)).all())
