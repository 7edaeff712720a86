"""Import SAT Data Stage extractions (``immex import datastage``).

All-or-nothing (see :mod:`immex.services.sat.import_batch`). Re-importing a ZIP, or an
extraction that overlaps an earlier one, writes nothing twice: a pedimento already stored
for the company (same year, patente, number and aduana) is counted under ``duplicates``
together with all its rows.

Large ZIPs into SQLite are read by two processes (``parallel=``): once the 501 rows are
written, a child process (:mod:`immex.datastage.parallel`) reads the tables from a split
point on into a scratch SQLite file while this process reads and writes the rest; then, in
the same transaction, the child's rows are copied with ``INSERT … SELECT`` after this
process's own, so ids and rows are those of the one-process path. Errors of either process
are reported as usual and nothing is written; a child that fails or stalls is an error too.
PostgreSQL always loads with ``COPY`` in one process.
"""

from __future__ import annotations

import enum
import gc
import shutil
import tempfile
from collections import Counter
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from immex.datastage import reader as ds_reader
from immex.datastage.keys import SatKey, pedimento_year
from immex.datastage.layout import LAYOUTS, TABLE_CODES
from immex.datastage.messages import ORPHANS, WORKER_FAILED, YEAR_ASSUMED
from immex.datastage.parallel import Part, PartLoader, Tally, WorkerFailed, bulk_rows
from immex.datastage.reader import DataStageZip
from immex.domain.errors import BatchError, ErrorRecord
from immex.domain.messages import Template
from immex.services.sat.import_batch import COUNTED, RFC, ImportBatch, refused, sha256_of
from immex.services.workspace.context import Workspace
from immex.store.repositories.sat_bulk import BulkWriter

REPEATED_501 = Template(
    "sat.repeated_501",
    "pedimento repeated (first on line {value}): one 501 row per pedimento",
)
NOT_AN_RFC = Template("sat.not_an_rfc", "not an RFC")
OTHER_COMPANY = Template(
    "sat.other_company",
    "pedimento of another company than --company {only_company}",
)
FILE_NOT_FOUND = Template("sat.file_not_found", "file not found")


#: SQLite: a ZIP whose tables other than 501 hold at least this many decompressed bytes
#: (about 50,000 lines) is read by two processes (see ``import_datastage(parallel=)``)
PARALLEL_MIN_BYTES = 8 << 20
#: the share of those bytes the main process reads itself: it also writes to the store
#: directly and copies the worker's rows at the end (measured with bench_datastage.py)
MAIN_SHARE = 0.5
#: SQLite attaches at most 10 databases: ZIPs of one call beyond this go sequentially
MAX_PARALLEL_ZIPS = 8


class Parallel(enum.StrEnum):
    """Whether a ZIP is read by two processes (SQLite only)."""

    AUTO = "auto"  # when its tables other than 501 hold PARALLEL_MIN_BYTES or more
    ALWAYS = "always"
    NEVER = "never"


class _ZipImport:
    def __init__(self, ctx: ImportBatch, dz: DataStageZip, sha: str) -> None:
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
                        ErrorRecord(src, line, "Pedimento", REPEATED_501(value=seen[key3]), v[1])
                    )  # fmt: skip
                    continue
                seen[key3] = line
                rfc = v[7].upper()
                if not RFC.match(rfc):
                    ctx.errors.append(ErrorRecord(src, line, "Rfc", NOT_AN_RFC(), v[7] or None))
                    continue
                if ctx.only_company and rfc != ctx.only_company:
                    other = OTHER_COMPANY(only_company=ctx.only_company)
                    ctx.errors.append(ErrorRecord(src, line, "Rfc", other, rfc))
                    continue
                gone = ctx.removed_problem(rfc)
                if gone is not None:
                    ctx.errors.append(ErrorRecord(src, line, "Rfc", gone, rfc))
                    continue
                year, consistent = pedimento_year(v[1], int(v[30][:4]))
                if not consistent:
                    dz.warnings.append(YEAR_ASSUMED(source=src, line=line, pedimento=v[1],
                                                    paid=v[30][:4], year=year))  # fmt: skip
                cid = ctx.company_id(rfc, v[20] or None) if ctx.writing else 0
                out.append((line, cid, year, v))
        return out

    def _insert_501(self, rows: list[tuple[int, int, int, list[str]]]) -> dict[Any, int]:
        """Write new pedimentos; key3 → id (new) or -1 (already stored)."""
        ctx = self.ctx
        existing = ctx.repo.existing_keys((r[1] for r in rows), "datastage")
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
            self.batch_id = ctx.add_batch("datastage", self.dz.name, self.sha, self.dz.folio)
            w = ctx.repo.writer("501", cols)
            for cid, year, v in fresh:
                number = SatKey(year, v[2], v[0], v[1]).number
                w.add((cid, self.batch_id, "datastage", year, number, *v))
                ctx.touched.add(cid)
            w.flush()
            key3map.update(ctx.repo.batch_pedimento_ids(self.batch_id))
            self.new["501"] = len(fresh)
        return key3map

    # -- other tables -----------------------------------------------------------------------
    def _child_writer(self, code: str) -> BulkWriter:
        """Writer of the bulk rows of a typed table whose element 0 was replaced by the
        pedimento id (elements 1 and 2, the rest of the key, are not stored)."""
        n = len(LAYOUTS[code].fields)
        cols = ["pedimento_id", *LAYOUTS[code].columns[3:]]
        positions = [0, *range(3, n)]
        if code == "512":
            cols.append("year_orig")
            positions.append(n)
        elif code == "701":
            cols.append("year_anterior")
            positions.append(n)
        return self.ctx.repo.writer(code, cols, positions)

    def _writer(self, code: str) -> BulkWriter:
        if LAYOUTS[code].typed:
            return self._child_writer(code)
        cols = ["batch_id", "pedimento_id", "table_code", "data"]
        return self.ctx.repo.writer(code, cols)

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
    def _split(self, parallel: Parallel) -> tuple[str, int] | None:
        """Where the worker starts: (table code, chunk), or None for one process. The
        worker takes everything after that point in :data:`TABLE_CODES` order, so every
        store table gets its rows in the order of the sequential path (the worker's are
        copied last)."""
        ctx, dz = self.ctx, self.dz
        if parallel is Parallel.NEVER or ctx.repo.dialect != "sqlite" or self.batch_id is None:
            return None
        if len(ctx.scratch) >= MAX_PARALLEL_ZIPS:
            return None
        sizes = [
            (code, dz.members[code].file_size)
            for code in TABLE_CODES
            if code != "501" and code in dz.members
        ]
        total = sum(size for _c, size in sizes)
        if not total or (parallel is Parallel.AUTO and total < PARALLEL_MIN_BYTES):
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
                parts.append(Part(code, first if code == at else 0, w.table_name, w.columns, w.sql))
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
            msg = WORKER_FAILED(problem=exc.message)
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
        alias = ctx.repo.attach_scratch(ctx.scratch[-1] / "part.db")
        copied: list[str] = []
        for code in TABLE_CODES[TABLE_CODES.index(at) :]:
            if code not in dz.members:
                continue
            self.new[code] += res.written[code]
            w = self._writer(code)
            if w.table_name in copied:
                continue
            ctx.repo.copy_from_scratch(alias, w.table_name, w.columns)
            copied.append(w.table_name)
        return copied

    def run(self, parallel: Parallel = Parallel.AUTO) -> None:
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
            ctx.warnings.append(ORPHANS(source=dz.source(code), n=n))
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
            ctx.repo.set_batch_summary(self.batch_id, summary)


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


def import_datastage(
    ws: Workspace,
    paths: Sequence[str | Path],
    parallel: Parallel = Parallel.AUTO,
    *,
    dry_run: bool = False,
) -> dict[str, Any]:
    """Import Data Stage ZIPs; returns the summary (see module docstring). With a company
    in ``ws``, only pedimentos of that company may be in the files. With ``dry_run``
    everything is read, checked and written in a transaction that is rolled back.

    ``parallel`` (SQLite only; PostgreSQL loads with COPY in one process): ``AUTO`` reads a
    large ZIP with two processes (at least :data:`PARALLEL_MIN_BYTES`), ``ALWAYS`` every
    ZIP, ``NEVER`` none. The stored rows are the same either way."""
    only = ws.company.rfc if ws.company else None
    scratch: list[Path] = []
    try:
        with _no_gc():
            try:
                with ws.write(dry_run=dry_run) as uow:
                    uow.repos.after_transaction(uow.repos.sat.detach_scratch)
                    ctx = ImportBatch(uow, only, scratch)
                    summary = _import_zips(ctx, paths, parallel)
            finally:
                for path in scratch:
                    shutil.rmtree(path, ignore_errors=True)
    except ws.store.refusal_errors as exc:
        raise refused(paths, exc) from None
    return summary | {"dry_run": True} if dry_run else summary


def _import_zips(
    ctx: ImportBatch, paths: Sequence[str | Path], parallel: Parallel
) -> dict[str, Any]:
    for raw_path in paths:
        path = Path(raw_path)
        if not path.is_file():
            ctx.errors.append(ErrorRecord(str(path), None, None, FILE_NOT_FOUND()))
            continue
        with DataStageZip(path) as dz:
            _ZipImport(ctx, dz, sha256_of(path)).run(parallel)
    if ctx.errors:
        raise BatchError(ctx.errors)
    linked = ctx.repo.link_rectifications()
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
        ctx.uow.audit("sat.import_datastage", {k: summary[k] for k in (
            "pedimentos", "partidas", "descargos", "rectificaciones", "duplicates")}
            | {"files": [f["file"] for f in ctx.files]}, cid)  # fmt: skip
    return summary
