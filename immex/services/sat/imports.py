"""Import what SAT knows: Data Stage extractions and validation files (archivo M).

All-or-nothing: every file of a call is read in one transaction; any error in any file
(reported as ``file:line: field: message``) rolls everything back and raises
:class:`BatchError`. Re-importing a ZIP, or an extraction that overlaps an earlier one,
writes nothing twice: a pedimento already stored for the company (same year, patente,
number and aduana) is counted under ``duplicates`` together with all its rows.

Companies: each pedimento belongs to the company whose RFC is in its 501 row. A company
not yet in the workspace is registered from the 501 data (RFC and name) with a warning —
an extraction is issued by SAT to that RFC, so it is the best evidence of the company;
``--company RFC`` instead restricts the import to that (existing) company and makes rows
of any other RFC an error.

Large ZIPs into SQLite are read by two processes (``parallel=``): once the 501 rows are
written, a child process (:mod:`immex.datastage.parallel`) reads the tables from a split
point on into a scratch SQLite file while this process reads and writes the rest; then, in
the same transaction, the child's rows are copied with ``INSERT … SELECT`` after this
process's own, so ids and rows are those of the one-process path. Errors of either process
are reported as usual and nothing is written; a child that fails or stalls is an error too.
PostgreSQL always loads with ``COPY`` in one process.
"""

from __future__ import annotations

import gc
import hashlib
import operator
import re
import shutil
import tempfile
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, Table, and_, bindparam, insert, select, update
from sqlalchemy.exc import DBAPIError

from immex.datastage import reader as ds_reader
from immex.datastage.keys import SatKey, pedimento_year
from immex.datastage.layout import LAYOUTS, TABLE_CODES
from immex.datastage.m3 import M3File, M3Pedimento, parse_m3
from immex.datastage.parallel import Part, PartLoader, Tally, WorkerFailed, bulk_rows
from immex.datastage.reader import CONVERTERS, DataStageZip
from immex.domain.codes import parse_pedimento_number
from immex.domain.errors import BatchError, ErrorRecord, InvalidFormat, InvalidInput, NotFound
from immex.services.workspace.companies import audit, current_actor, now_utc, resolve_company
from immex.store.database import inserted_id
from immex.store.tables import core, sat

CHUNK_ROWS = 50_000
#: SQLite: a ZIP whose tables other than 501 hold at least this many decompressed bytes
#: (about 50,000 lines) is read by two processes (see ``import_datastage(parallel=)``)
PARALLEL_MIN_BYTES = 8 << 20
#: the share of those bytes the main process reads itself: it also writes to the store
#: directly and copies the worker's rows at the end (measured with bench_datastage.py)
MAIN_SHARE = 0.5
#: SQLite attaches at most 10 databases: ZIPs of one call beyond this go sequentially
MAX_PARALLEL_ZIPS = 8
_RFC = re.compile(r"^[A-ZÑ&]{3,4}\d{6}[A-Z0-9]{3}$")
#: summary names of the counted tables
COUNTED = {"501": "pedimentos", "551": "partidas", "512": "descargos", "701": "rectificaciones"}


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


class BulkWriter:
    """Bulk inserts through the driver (no per-row SQLAlchemy work): ``executemany`` on
    SQLite, ``COPY`` on PostgreSQL.

    A row is a sequence whose element ``positions[i]`` (default ``i``) goes to
    ``columns[i]``; other elements are ignored. ``""`` stands for NULL (the bulk rows of
    :meth:`DataStageZip.bulk_batches`): SQLite turns it into NULL with ``NULLIF`` (binding
    ``None`` costs the sqlite3 module far more), PostgreSQL reads it as its COPY NULL string.
    """

    def __init__(
        self,
        conn: Connection,
        table: Table,
        columns: Sequence[str],
        positions: Sequence[int] | None = None,
    ) -> None:
        self.conn = conn
        self.table = table
        self.columns = tuple(columns)
        self.positions = tuple(range(len(columns)) if positions is None else positions)
        names = ", ".join(columns)
        self.copy_sql: str | None = None
        self.pick: Any = None
        if conn.dialect.name == "postgresql":
            self.copy_sql = f"COPY {table.name} ({names}) FROM STDIN (NULL '')"
            if self.positions != tuple(range(len(columns))):
                self.pick = operator.itemgetter(*self.positions)
        ph = []  # SQLite's numbered parameters: ?N is element N-1 of a row
        for col, pos in zip(columns, self.positions, strict=True):
            mark = f"?{pos + 1}"
            ph.append(f"NULLIF({mark}, '')" if table.c[col].nullable else mark)
        self.sql = f"INSERT INTO {table.name} ({names}) VALUES ({', '.join(ph)})"
        self.rows: list[Any] = []
        self.count = 0

    def add(self, row: Sequence[Any]) -> None:
        self.rows.append(row)
        if len(self.rows) >= CHUNK_ROWS:
            self.flush()

    def write(self, rows: list[Any]) -> None:
        """Write ``rows`` (and whatever :meth:`add` buffered) now."""
        self.flush()
        self.rows = rows
        self.flush()

    def flush(self) -> None:
        rows = self.rows
        if not rows:
            return
        if self.copy_sql is not None:  # PostgreSQL: COPY (values are canonical text)
            dbapi = self.conn.connection.driver_connection
            pick = self.pick
            with dbapi.cursor() as cur, cur.copy(self.copy_sql) as copy:  # type: ignore[union-attr]
                write = copy.write_row
                if pick is None:
                    for row in rows:
                        write(row)
                else:
                    for row in rows:
                        write(pick(row))
        else:  # rows may be lists, which exec_driver_sql refuses: the driver's cursor
            cur = self.conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
            try:
                cur.executemany(self.sql, rows)
            finally:
                cur.close()
        self.count += len(rows)
        self.rows = []


class _Context:
    """State shared by the files of one import call."""

    def __init__(self, conn: Connection, company_rfc: str | None) -> None:
        self.conn = conn
        self.errors: list[ErrorRecord] = []
        self.warnings: list[str] = []
        self.companies = {
            r.rfc: r.id for r in conn.execute(select(core.companies.c.rfc, core.companies.c.id))
        }
        self.only_company = company_rfc
        self.registered: list[str] = []
        self.touched: set[int] = set()
        self.totals: Counter[str] = Counter()
        self.dup_rows: Counter[str] = Counter()
        self.other_rows: Counter[str] = Counter()
        self.duplicates = 0
        self.files: list[dict[str, Any]] = []
        self.scratch: list[Path] = []  # scratch directories of the worker processes
        self.attached: list[str] = []  # their databases attached to ``conn``

    def cleanup(self) -> None:
        """Detach the worker databases (after the commit or rollback) and delete them."""
        if self.attached and not self.conn.closed:
            try:
                cur = self.conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
                try:
                    for alias in self.attached:
                        cur.execute(f"DETACH DATABASE {alias}")
                finally:
                    cur.close()
            except Exception:  # never back to the pool with a scratch file attached
                self.conn.invalidate()
        self.attached = []
        for path in self.scratch:
            shutil.rmtree(path, ignore_errors=True)

    @property
    def writing(self) -> bool:
        return not self.errors

    def company_id(self, rfc: str, name: str | None) -> int:
        cid = self.companies.get(rfc)
        if cid is None:
            cid = inserted_id(
                self.conn.execute(
                    insert(core.companies).values(rfc=rfc, name=name or rfc, created_at=now_utc())
                )
            )
            audit(self.conn, "company.add", {"rfc": rfc, "source": "datastage 501"}, cid)
            self.companies[rfc] = cid
            self.registered.append(rfc)
            self.warnings.append(
                f"company {rfc} ({name or 'no name'}) was not in the workspace: registered from "
                "the Data Stage 501 data; check it with `immex company list`"
            )
        return cid


def _existing_keys(conn: Connection, company_ids: Iterable[int], source: str) -> dict[Any, int]:
    t = sat.sat_pedimentos
    out: dict[Any, int] = {}
    for cid in set(company_ids):
        q = select(t.c.id, t.c.year, t.c.patente, t.c.pedimento, t.c.aduana).where(
            t.c.company_id == cid, t.c.source == source
        )
        for r in conn.execute(q):
            out[(cid, r.year, r.patente, r.pedimento, r.aduana)] = r.id
    return out


class _ZipImport:
    def __init__(self, ctx: _Context, dz: DataStageZip, sha: str) -> None:
        self.ctx = ctx
        self.dz = dz
        self.sha = sha
        self.batch_id: int | None = None
        self.new: Counter[str] = Counter()
        self.dups = 0
        self.orphans: Counter[str] = Counter()
        self.tally = Tally()
        self._key16: dict[str, int] | None = None

    # -- 501 -------------------------------------------------------------------------------
    def _read_501(self) -> list[tuple[int, int, int, list[str]]]:
        """(line, company_id, year, values) of the 501 rows, with key checks; values are
        the bulk rows of the reader (``""`` for empty)."""
        ctx, dz = self.ctx, self.dz
        out = []
        seen: dict[tuple[str, ...], int] = {}
        src = dz.source("501")
        for batch in dz.bulk_batches("501", numbered=True):
            for line, v in batch:
                key3 = (v[0], v[1], v[2])
                if key3 in seen:
                    ctx.errors.append(
                        ErrorRecord(src, line, "Pedimento", f"pedimento repeated (first on line "
                                    f"{seen[key3]}): one 501 row per pedimento", v[1])
                    )  # fmt: skip
                    continue
                seen[key3] = line
                rfc = v[7].upper()
                if not _RFC.match(rfc):
                    ctx.errors.append(ErrorRecord(src, line, "Rfc", "not an RFC", v[7] or None))
                    continue
                if ctx.only_company and rfc != ctx.only_company:
                    ctx.errors.append(
                        ErrorRecord(src, line, "Rfc", f"pedimento of another company than "
                                    f"--company {ctx.only_company}", rfc)
                    )  # fmt: skip
                    continue
                year, consistent = pedimento_year(v[1], int(v[30][:4]))
                if not consistent:
                    dz.warnings.append(
                        f"{src}:{line}: pedimento {v[1]} does not start with the last digit of "
                        f"its payment year {v[30][:4]}; year {year} assumed"
                    )
                cid = ctx.company_id(rfc, v[20] or None) if ctx.writing else 0
                out.append((line, cid, year, v))
        return out

    def _insert_501(self, rows: list[tuple[int, int, int, list[str]]]) -> dict[Any, int]:
        """Write new pedimentos; key3 → id (new) or -1 (already stored)."""
        ctx = self.ctx
        existing = _existing_keys(ctx.conn, (r[1] for r in rows), "datastage")
        key3map: dict[Any, int] = {}
        cols = ["company_id", "batch_id", "source", "year", "number", "patente", "pedimento",
                "aduana", *LAYOUTS["501"].columns[3:]]  # fmt: skip
        fresh = []
        for _line, cid, year, v in rows:
            key3 = (v[0], v[1], v[2])
            if (cid, year, v[0], v[1], v[2]) in existing:
                key3map[key3] = -1
                self.dups += 1
            else:
                fresh.append((cid, year, v))
        if fresh:
            self.batch_id = inserted_id(
                ctx.conn.execute(
                    insert(sat.sat_import_batches).values(
                        kind="datastage",
                        source_name=self.dz.name,
                        sha256=self.sha,
                        folio=self.dz.folio,
                        imported_at=now_utc(),
                        actor=current_actor(),
                    )  # fmt: skip
                )
            )
            w = BulkWriter(ctx.conn, sat.sat_pedimentos, cols)
            for cid, year, v in fresh:
                number = SatKey(year, v[2], v[0], v[1]).number
                w.add((cid, self.batch_id, "datastage", year, number, *v))
                ctx.touched.add(cid)
            w.flush()
            t = sat.sat_pedimentos
            q = select(t.c.id, t.c.patente, t.c.pedimento, t.c.aduana).where(
                t.c.batch_id == self.batch_id
            )
            for r in ctx.conn.execute(q):
                key3map[(r.patente, r.pedimento, r.aduana)] = r.id
            self.new["501"] = len(fresh)
        return key3map

    # -- other tables -----------------------------------------------------------------------
    def _child_writer(self, code: str) -> BulkWriter:
        """Writer of the bulk rows of a typed table whose element 0 was replaced by the
        pedimento id (elements 1 and 2, the rest of the key, are not stored)."""
        table = sat.CHILD_TABLES[code]
        n = len(LAYOUTS[code].fields)
        cols = ["pedimento_id", *LAYOUTS[code].columns[3:]]
        positions = [0, *range(3, n)]
        if code == "512":
            cols.append("year_orig")
            positions.append(n)
        elif code == "701":
            cols.append("year_anterior")
            positions.append(n)
        return BulkWriter(self.ctx.conn, table, cols, positions)

    def _writer(self, code: str) -> BulkWriter:
        if LAYOUTS[code].typed:
            return self._child_writer(code)
        cols = ["batch_id", "pedimento_id", "table_code", "data"]
        return BulkWriter(self.ctx.conn, sat.sat_raw_rows, cols)

    def _read_table(
        self,
        code: str,
        key3map: dict[Any, int],
        writing: bool,
        chunks: tuple[int, int | None] = (0, None),
    ) -> None:
        w = self._writer(code) if writing else None
        if self._key16 is None:  # "PPPP|NNNNNNN|AAA", the start of a raw row
            self._key16 = {"|".join(k): pid for k, pid in key3map.items()}
        batches = bulk_rows(self.dz, code, key3map, self.batch_id, self.tally, chunks, self._key16)
        for rows in batches:
            if w is not None and self.batch_id is not None:
                w.write(rows)
        if w is not None:
            self.new[code] += w.count

    # -- a second process for large ZIPs (SQLite) --------------------------------------------
    def _split(self, parallel: bool | None) -> tuple[str, int] | None:
        """Where the worker starts: (table code, chunk), or None for one process. The
        worker takes everything after that point in :data:`TABLE_CODES` order, so every
        store table gets its rows in the order of the sequential path (the worker's are
        copied last)."""
        ctx, dz = self.ctx, self.dz
        if parallel is False or ctx.conn.dialect.name != "sqlite" or self.batch_id is None:
            return None
        if len(ctx.scratch) >= MAX_PARALLEL_ZIPS:
            return None
        sizes = [
            (code, dz.members[code].file_size)
            for code in TABLE_CODES
            if code != "501" and code in dz.members
        ]
        total = sum(size for _c, size in sizes)
        if not total or (parallel is None and total < PARALLEL_MIN_BYTES):
            return None
        target, before = total * MAIN_SHARE, 0
        for code, size in sizes:
            if before + size > target:
                return code, min(dz.chunk_count(code), round((target - before) / ds_reader.CHUNK))
            before += size
        return None

    def _start_worker(self, split: tuple[str, int], key3map: dict[Any, int]) -> PartLoader:
        ctx, dz = self.ctx, self.dz
        at, first = split
        parts = []
        for code in TABLE_CODES[TABLE_CODES.index(at) :]:
            if code in dz.members:
                w = self._writer(code)
                parts.append(Part(code, first if code == at else 0, w.table.name, w.columns, w.sql))
        scratch = Path(tempfile.mkdtemp(prefix="immex_datastage_"))
        ctx.scratch.append(scratch)
        assert self.batch_id is not None
        loader = PartLoader(dz.path, parts, key3map, self.batch_id, scratch)
        loader.start()
        return loader

    def _finish_worker(self, loader: PartLoader, split: tuple[str, int]) -> list[str]:
        """Merge what the worker read; copy its rows when nothing failed. Returns the
        store tables copied."""
        ctx, dz = self.ctx, self.dz
        at = split[0]
        try:
            res = loader.result()
        except WorkerFailed as exc:
            msg = f"{exc}; nothing was written"
            raise BatchError([ErrorRecord(dz.name, None, None, msg)]) from None
        for code, n in res.tally.dups.items():
            self.tally.dups[code] += n
        for code, n in res.tally.orphans.items():
            self.tally.orphans[code] += n
        src = dz.source(at)
        if any(e.source == src for e in dz.errors) or any(e.source == src for e in res.errors):
            # the report of the split table must be the sequential one (error limit, reading
            # stopped at the first bad byte): read it again alone, nothing is written anyway
            dz.errors = [e for e in dz.errors if e.source != src]
            with DataStageZip(dz.path) as again:
                start = len(again.errors)
                for _batch in again.bulk_batches(at):
                    pass
                dz.errors.extend(again.errors[start:])
            res.errors = [e for e in res.errors if e.source != src]
        dz.errors.extend(res.errors)
        mark = f"{src}:"
        if dz.repaired.get(at):  # the first repaired row of the table is in the main part
            res.warnings = [w for w in res.warnings if not w.startswith(mark)]
        dz.warnings.extend(res.warnings)
        if dz.errors or ctx.errors:
            return []
        alias = f"ds_part{len(ctx.scratch)}"
        db_path = ctx.scratch[-1] / "part.db"
        cur = ctx.conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
        copied: list[str] = []
        try:
            cur.execute(f"ATTACH DATABASE ? AS {alias}", (str(db_path),))
            ctx.attached.append(alias)
            for code in TABLE_CODES[TABLE_CODES.index(at) :]:
                if code not in dz.members:
                    continue
                self.new[code] += res.written[code]
                w = self._writer(code)
                if w.table.name in copied:
                    continue
                cols = ", ".join(w.columns)
                cur.execute(
                    f"INSERT INTO main.{w.table.name} ({cols}) "
                    f"SELECT {cols} FROM {alias}.{w.table.name} ORDER BY rowid"
                )
                copied.append(w.table.name)
        finally:
            cur.close()
        return copied

    def run(self, parallel: bool | None = None) -> None:
        ctx, dz = self.ctx, self.dz
        rows = self._read_501()
        writing = ctx.writing and dz.ok
        key3map = self._insert_501(rows) if writing else {}
        if not writing:  # still read everything, to report every error at once
            key3map = {(v[0], v[1], v[2]): 0 for _l, _c, _y, v in rows}
        split = self._split(parallel) if writing else None
        loader = self._start_worker(split, key3map) if split else None
        try:
            for code in TABLE_CODES:
                if code == "501" or code not in dz.members:
                    continue
                if split and code == split[0]:
                    if split[1]:
                        self._read_table(code, key3map, ctx.writing and dz.ok, (0, split[1]))
                    break
                self._read_table(code, key3map, writing and ctx.writing and dz.ok)
            if loader is not None and split is not None:
                self._finish_worker(loader, split)
        finally:
            if loader is not None:
                loader.stop()
        for code, n in self.tally.dups.items():
            self.ctx.dup_rows[COUNTED.get(code, code)] += n
        self.orphans.update(self.tally.orphans)
        ctx.errors.extend(dz.errors)
        ctx.warnings.extend(dz.warnings)
        for code, n in sorted(self.orphans.items()):
            ctx.warnings.append(
                f"{dz.source(code)}: {n} row(s) of pedimentos absent from table 501 skipped"
            )
        if self.dups:
            ctx.dup_rows["pedimentos"] += self.dups
        ctx.duplicates += self.dups
        for code, n in self.new.items():
            if code in COUNTED:
                ctx.totals[COUNTED[code]] += n
            elif n:
                ctx.other_rows[code] += n
        summary = {
            "file": dz.name,
            "folio": dz.folio,
            "sha256": self.sha,
            "batch_id": self.batch_id,
            **{name: self.new.get(code, 0) for code, name in COUNTED.items()},
            "duplicates": self.dups,
        }
        ctx.files.append(summary)
        if self.batch_id is not None and ctx.writing:
            ctx.conn.execute(
                update(sat.sat_import_batches)
                .where(sat.sat_import_batches.c.id == self.batch_id)
                .values(summary=summary)
            )


def link_rectifications(conn: Connection) -> int:
    """Resolve 701 rows to the pedimento they rectify and mark it superseded; returns how
    many links were made. Runs after every import, so the order of imports is free."""
    r, p = sat.sat_rectificaciones, sat.sat_pedimentos
    target = p.alias("target")
    links = conn.execute(
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
        conn.execute(
            update(r).where(r.c.id == bindparam("rid")).values(anterior_id=bindparam("tid")),
            [{"rid": row.id, "tid": row.target_id} for row in links],
        )
        conn.execute(
            update(p).where(p.c.id == bindparam("tid")).values(superseded_by_id=bindparam("by")),
            [{"tid": row.target_id, "by": row.pedimento_id} for row in links],
        )
    return len(links)


def _driver_errors(engine: Engine) -> tuple[type[BaseException], ...]:
    """SQLAlchemy's wrapped errors and the driver's own (raised by COPY)."""
    dbapi = getattr(engine.dialect, "dbapi", None)
    own = getattr(dbapi, "Error", None)
    return (DBAPIError, own) if isinstance(own, type) else (DBAPIError,)


@contextmanager
def _no_gc() -> Iterator[None]:
    """Cyclic garbage collection off while rows are read: a bulk load allocates millions of
    short-lived lists and tuples (no cycles), and each collection would walk them all."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


class _DryRun(Exception):
    """Rolls back the transaction of a dry run, carrying what it would have written."""

    def __init__(self, summary: dict[str, Any]) -> None:
        super().__init__("dry run")
        self.summary = summary | {"dry_run": True}


def import_datastage(
    engine: Engine,
    paths: Sequence[str | Path],
    company: str | None = None,
    parallel: bool | None = None,
    *,
    dry_run: bool = False,
) -> dict[str, Any]:
    """Import Data Stage ZIPs; returns the summary (see module docstring). With ``dry_run``
    everything is read, checked and written in a transaction that is rolled back.

    ``parallel`` (SQLite only; PostgreSQL loads with COPY in one process): ``None`` reads a
    large ZIP with two processes (at least :data:`PARALLEL_MIN_BYTES`), ``True`` every ZIP,
    ``False`` none. The stored rows are the same either way."""
    only = resolve_company(engine, company).rfc if company else None
    try:
        with _no_gc(), engine.connect() as conn:
            ctx: _Context | None = None
            try:
                with conn.begin():
                    ctx = _Context(conn, only)
                    summary = _import_zips(ctx, paths, parallel)
                    if dry_run:
                        raise _DryRun(summary)
            finally:
                if ctx is not None:
                    ctx.cleanup()
    except _DryRun as done:
        return done.summary
    except _driver_errors(engine) as exc:
        detail = getattr(exc, "orig", None) or exc
        raise BatchError(
            [ErrorRecord(", ".join(str(p) for p in paths), None, None,
                         f"the database refused the data: {detail}")]
        ) from None  # fmt: skip
    return summary


def _import_zips(
    ctx: _Context, paths: Sequence[str | Path], parallel: bool | None
) -> dict[str, Any]:
    conn = ctx.conn
    for raw_path in paths:
        path = Path(raw_path)
        if not path.is_file():
            ctx.errors.append(ErrorRecord(str(path), None, None, "file not found"))
            continue
        with DataStageZip(path) as dz:
            _ZipImport(ctx, dz, _sha256(path)).run(parallel)
    if ctx.errors:
        raise BatchError(ctx.errors)
    linked = link_rectifications(conn)
    summary = {
        "pedimentos": ctx.totals["pedimentos"],
        "partidas": ctx.totals["partidas"],
        "descargos": ctx.totals["descargos"],
        "rectificaciones": ctx.totals["rectificaciones"],
        "other_rows": dict(sorted(ctx.other_rows.items())),
        "duplicates": ctx.duplicates,
        "duplicate_rows": dict(sorted(ctx.dup_rows.items())),
        "rectifications_linked": linked,
        "companies_registered": ctx.registered,
        "files": ctx.files,
        "warnings": ctx.warnings,
    }
    for cid in sorted(ctx.touched):
        audit(conn, "sat.import_datastage", {k: summary[k] for k in (
            "pedimentos", "partidas", "descargos", "rectificaciones", "duplicates")}
            | {"files": [f["file"] for f in ctx.files]}, cid)  # fmt: skip
    return summary


# -- pedimento show -----------------------------------------------------------------------


def _row_dict(row: Any, skip: Iterable[str] = ("id", "pedimento_id")) -> dict[str, Any]:
    return {k: v for k, v in row._mapping.items() if k not in skip}


def _find_pedimentos(conn: Connection, number: str, company_id: int | None) -> list[Any]:
    p = sat.sat_pedimentos
    digits = re.sub(r"[\s.\-]", "", number)
    q = select(p)
    if len(digits) == 15 and digits.isdigit():
        ped = parse_pedimento_number(digits, check_year=False)
        q = q.where(
            p.c.year % 100 == int(ped.year), p.c.patente == ped.patent,
            p.c.pedimento == ped.number, p.c.aduana.like(ped.office + "%"),
        )  # fmt: skip
    elif len(digits) == 7 and digits.isdigit():
        q = q.where(p.c.pedimento == digits)
    else:
        raise InvalidFormat(
            f"not a pedimento number: {number!r}; give the 15 digits 'AA AD PPPP NNNNNNN' "
            "(e.g. 25 24 3999 5000101) or the 7-digit number",
            field="number",
        )
    if company_id is not None:
        q = q.where(p.c.company_id == company_id)
    return list(conn.execute(q.order_by(p.c.source, p.c.year.desc(), p.c.id)))


def _chain(conn: Connection, ped_id: int) -> list[dict[str, Any]]:
    """The rectification chain through ``ped_id``: oldest first."""
    p, r = sat.sat_pedimentos, sat.sat_rectificaciones

    def info(pid: int) -> Any:
        return conn.execute(
            select(p.c.id, p.c.number, p.c.clave_documento, p.c.tipo_pedimento, p.c.fecha_pago,
                   p.c.superseded_by_id).where(p.c.id == pid)
        ).first()  # fmt: skip

    back: list[Any] = []
    seen = {ped_id}
    cur = ped_id
    while True:
        prev = conn.execute(
            select(r.c.anterior_id).where(r.c.pedimento_id == cur, r.c.anterior_id.is_not(None))
        ).scalar()
        if prev is None or prev in seen:
            break
        seen.add(prev)
        back.append(prev)
        cur = prev
    forward: list[int] = []
    cur_row = info(ped_id)
    while cur_row is not None and cur_row.superseded_by_id and cur_row.superseded_by_id not in seen:
        seen.add(cur_row.superseded_by_id)
        forward.append(cur_row.superseded_by_id)
        cur_row = info(cur_row.superseded_by_id)
    out = []
    for pid in [*reversed(back), ped_id, *forward]:
        row = info(pid)
        out.append({
            "number": row.number, "clave": row.clave_documento,
            "tipo_pedimento": row.tipo_pedimento, "fecha_pago": row.fecha_pago,
            "superseded_by": None if row.superseded_by_id is None else info(
                row.superseded_by_id).number,
            "current": row.superseded_by_id is None, "this": pid == ped_id,
        })  # fmt: skip
    # rectifications naming a pedimento that is not stored
    oldest = back[-1] if back else ped_id
    missing = conn.execute(
        select(r.c.year_anterior, r.c.patente_anterior, r.c.pedimento_anterior,
               r.c.aduana_anterior).where(r.c.pedimento_id == oldest, r.c.anterior_id.is_(None))
    ).first()  # fmt: skip
    if missing is not None:
        key = SatKey(missing.year_anterior, missing.aduana_anterior, missing.patente_anterior,
                     missing.pedimento_anterior)  # fmt: skip
        out.insert(0, {"number": key.number, "clave": None, "tipo_pedimento": None,
                       "fecha_pago": None, "superseded_by": out[0]["number"], "current": False,
                       "this": False, "not_stored": True})  # fmt: skip
    return out


def pedimento_show(engine: Engine, number: str, company: str | None = None) -> dict[str, Any]:
    """A pedimento as SAT has it: header, dates, identifiers, invoices, contributions,
    lines (with their rates and contributions), discharges made by it and from it, and
    the rectification chain. Data Stage data is preferred to validation-file data."""
    with engine.connect() as conn:
        company_id = resolve_company(engine, company).id if company else None
        found = _find_pedimentos(conn, number, company_id)
        if not found:
            raise NotFound(
                f"pedimento {number!r} is not in the SAT data of this workspace; import the Data "
                "Stage extraction that holds it with `immex import datastage`",
                field="number",
            )
        keys = {(r.company_id, r.year, r.patente, r.pedimento, r.aduana) for r in found}
        if len(keys) > 1:
            raise InvalidInput(
                f"{number!r} matches {len(keys)} pedimentos: "
                + ", ".join(sorted({r.number for r in found}))
                + "; give the full 15-digit number (or --company)",
                field="number",
            )
        head = found[0]
        pid = head.id
        rfc = conn.execute(
            select(core.companies.c.rfc).where(core.companies.c.id == head.company_id)
        ).scalar()

        def rows(table: Table, order: Any) -> list[dict[str, Any]]:
            q = select(table).where(table.c.pedimento_id == pid).order_by(*order)
            return [_row_dict(r) for r in conn.execute(q)]

        lines = rows(sat.sat_partidas, [sat.sat_partidas.c.secuencia])
        tasas = rows(sat.sat_partida_tasas, [sat.sat_partida_tasas.c.id])
        contrib = rows(sat.sat_partida_contribuciones, [sat.sat_partida_contribuciones.c.id])
        for line in lines:
            line["tasas"] = [t for t in tasas if t["secuencia"] == line["secuencia"]]
            line["contribuciones"] = [c for c in contrib if c["secuencia"] == line["secuencia"]]
        d = sat.sat_descargos
        p = sat.sat_pedimentos
        discharged_from = [
            _row_dict(r, skip=("id", "pedimento_id", "number")) | {"discharging_number": r.number}
            for r in conn.execute(
                select(d, p.c.number).join(p, p.c.id == d.c.pedimento_id).where(
                    p.c.company_id == head.company_id, d.c.year_orig == head.year,
                    d.c.patente_orig == head.patente, d.c.pedimento_orig == head.pedimento,
                    d.c.aduana_orig == head.aduana,
                ).order_by(d.c.id)
            )
        ]  # fmt: skip
        header = _row_dict(head, skip=("id", "batch_id", "superseded_by_id"))
        return {
            "number": head.number,
            "display": str(SatKey(head.year, head.aduana, head.patente, head.pedimento)),
            "company": rfc,
            "source": head.source,
            "other_sources": sorted({r.source for r in found} - {head.source}),
            "status": "current" if head.superseded_by_id is None else "rectified",
            "header": header,
            "fechas": rows(sat.sat_fechas, [sat.sat_fechas.c.tipo_fecha]),
            "identificadores": rows(sat.sat_identificadores, [sat.sat_identificadores.c.id]),
            "facturas": rows(sat.sat_facturas, [sat.sat_facturas.c.id]),
            "tasas": rows(sat.sat_tasas, [sat.sat_tasas.c.id]),
            "contribuciones": rows(sat.sat_contribuciones, [sat.sat_contribuciones.c.id]),
            "partidas": lines,
            "descargos": rows(sat.sat_descargos, [sat.sat_descargos.c.id]),
            "descargado_por": discharged_from,
            "rectificaciones": rows(sat.sat_rectificaciones, [sat.sat_rectificaciones.c.id]),
            "chain": _chain(conn, pid),
        }


# -- validation files (archivo M) ---------------------------------------------------------


def _typed(code: str, rec: dict[str, Any]) -> dict[str, Any]:
    """An M3 record (canonical strings) as values for the Data Stage table ``code``."""
    out: dict[str, Any] = {}
    for f in LAYOUTS[code].fields:
        if f.column in _KEYS3 or f.column not in rec:
            continue
        v = rec[f.column]
        conv = CONVERTERS.get(f.kind)
        out[f.column] = v if v is None or conv is None else conv(v)
    return out


_KEYS3 = ("patente", "pedimento", "aduana")


def _m3_payment_date(ped: M3Pedimento) -> str | None:
    fechas = ped.records.get("506", [])
    for rec in sorted(fechas, key=lambda r: r["tipo_fecha"] != "2"):
        return str(rec["fecha"])
    for rec in ped.records.get("505", []):
        if rec.get("fecha_factura"):
            return str(rec["fecha_factura"])
    return None


def import_m3(
    engine: Engine, paths: Sequence[str | Path], *, dry_run: bool = False
) -> dict[str, Any]:
    """Import validation files; stored with ``source = 'm3'`` beside the Data Stage data
    (``dry_run``: read, check and write in a transaction that is rolled back).

    All-or-nothing like :func:`import_datastage`; a pedimento already stored from a
    validation file is a duplicate. The year of each pedimento comes from its 506 dates
    (payment first), else its invoice date.
    """
    parsed = [parse_m3(p) for p in paths]
    errors = [e for f in parsed for e in f.errors]
    warnings = [w for f in parsed for w in f.warnings]
    plans: list[tuple[M3File, M3Pedimento, str, int]] = []
    for f in parsed:
        for ped in f.pedimentos:
            rec501 = ped.records.get("501", [{}])[0]
            rfc = (rec501.get("rfc") or "").upper()
            if rec501 and not _RFC.match(rfc):
                errors.append(ErrorRecord(f.name, rec501["_line"], "rfc", "not an RFC", rfc))
                continue
            when = _m3_payment_date(ped)
            if when is None:
                errors.append(ErrorRecord(f.name, ped.line, None, f"pedimento {ped.pedimento} "
                              "has no 506 date nor invoice date: its year is unknown"))  # fmt: skip
                continue
            year, ok = pedimento_year(ped.pedimento, int(when[:4]))
            if not ok:
                warnings.append(
                    f"{f.name}:{ped.line}: pedimento {ped.pedimento} does not start with the "
                    f"last digit of {when[:4]}; year {year} assumed"
                )
            plans.append((f, ped, rfc, year))
    if errors:
        raise BatchError(errors)
    try:
        return _write_m3(engine, paths, parsed, plans, warnings, dry_run)
    except _DryRun as done:
        return done.summary
    except _driver_errors(engine) as exc:
        detail = getattr(exc, "orig", None) or exc
        raise BatchError(
            [ErrorRecord(", ".join(str(p) for p in paths), None, None,
                         f"the database refused the data: {detail}")]
        ) from None  # fmt: skip


def _write_m3(
    engine: Engine,
    paths: Sequence[str | Path],
    parsed: list[M3File],
    plans: list[tuple[M3File, M3Pedimento, str, int]],
    warnings: list[str],
    dry_run: bool = False,
) -> dict[str, Any]:
    counts: Counter[str] = Counter()
    duplicates = 0
    with engine.begin() as conn:
        ctx = _Context(conn, None)
        for f, f_path in zip(parsed, paths, strict=True):
            mine = [pl for pl in plans if pl[0] is f]
            batch_id: int | None = None
            for _f, ped, rfc, year in mine:
                rec501 = ped.records["501"][0]
                cid = ctx.company_id(rfc, rec501.get("nombre"))
                existing = _existing_keys(conn, [cid], "m3")
                if (cid, year, ped.patente, ped.pedimento, ped.aduana) in existing:
                    duplicates += 1
                    continue
                if batch_id is None:
                    batch_id = inserted_id(conn.execute(
                        insert(sat.sat_import_batches).values(
                            kind="m3", source_name=f.name, sha256=_sha256(Path(f_path)),
                            folio=None, imported_at=now_utc(), actor=current_actor())
                    ))  # fmt: skip
                when = _m3_payment_date(ped)
                head = _typed("501", rec501 | {"fecha_pago": f"{when} 00:00:00"})
                decs = [rec501.get(k) for k in ("dec_fletes", "dec_seguros", "dec_carga",
                                                "dec_descarga", "dec_otros")]  # fmt: skip
                head["total_deducibles"] = sum((Decimal(x) for x in decs if x), Decimal(0))
                pid = inserted_id(conn.execute(
                    insert(sat.sat_pedimentos).values(
                        company_id=cid, batch_id=batch_id, source="m3", year=year,
                        number=SatKey(year, ped.aduana, ped.patente, ped.pedimento).number,
                        patente=ped.patente, pedimento=ped.pedimento, aduana=ped.aduana, **head)
                ))  # fmt: skip
                ctx.touched.add(cid)
                counts["pedimentos"] += 1
                for code, recs in ped.records.items():
                    if code == "501" or code not in sat.CHILD_TABLES:
                        for rec in recs if code not in ("501",) else []:
                            conn.execute(insert(sat.sat_raw_rows).values(
                                batch_id=batch_id, pedimento_id=pid, table_code=f"M{code}",
                                data="|".join("" if v is None else str(v) for k, v in
                                              rec.items() if k != "_line")))  # fmt: skip
                        continue
                    rows = []
                    for rec in recs:
                        row = _typed(code, rec) | {"pedimento_id": pid}
                        if code == "551":
                            row["tipo_operacion"] = head.get("tipo_operacion")
                            row["clave_documento"] = head.get("clave_documento")
                        if code == "512":
                            row["year_orig"] = pedimento_year(
                                rec["pedimento_orig"], int(str(rec["fecha_orig"])[:4])
                            )[0]
                        if code == "701":
                            row["year_anterior"] = pedimento_year(
                                rec["pedimento_anterior"], int(str(rec["fecha_anterior"])[:4])
                            )[0]
                        rows.append(row)
                    conn.execute(insert(sat.CHILD_TABLES[code]), rows)
                    counts[COUNTED.get(code, code)] += len(rows)
                for rtype, line in ped.raw:
                    conn.execute(
                        insert(sat.sat_raw_rows).values(
                            batch_id=batch_id, pedimento_id=pid, table_code=f"M{rtype}", data=line
                        )
                    )
        linked = link_rectifications(conn)
        summary = {
            "pedimentos": counts["pedimentos"],
            "partidas": counts["partidas"],
            "descargos": counts["descargos"],
            "rectificaciones": counts["rectificaciones"],
            "duplicates": duplicates,
            "rectifications_linked": linked,
            "companies_registered": ctx.registered,
            "files": [f.name for f in parsed],
            "warnings": warnings + ctx.warnings,
        }
        for cid in sorted(ctx.touched):
            audit(
                conn,
                "sat.import_m3",
                {"files": summary["files"], "pedimentos": summary["pedimentos"]},
                cid,
            )
        if dry_run:
            raise _DryRun(summary)
    return summary
