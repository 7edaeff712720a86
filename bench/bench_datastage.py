"""Benchmark: Data Stage import (1,000,000 line rows) and reconciliation of a large plant.

    python bench/bench_datastage.py [--lines 1000000] [--naive-lines 20000] [--keep]
                                    [--pg] [--sequential]

Prints, for SYNTHETIC extractions written by immex.datastage.generator in the real
physical format:

1. the import into SQLite of a set with ``--lines`` 551 rows and the per-pedimento tables
   only ("lines set"): 551 rows/s (goal ≥ 50,000/s) and all rows/s;
2. the same with the per-line tables at the ratios of real extractions (554, 556, 557, 558:
   about 2 more rows per line): 551 rows/s and all rows/s;
3. a naive reference importer (typed records, one INSERT per row through SQLAlchemy) on a
   ``--naive-lines`` slice, measured in the same run, and the ratio;
4. the reconciliation of the imported plant against a ledger derived from it with known
   perturbations: load from the store + the pure comparison, seconds and rows/s.

Large imports into SQLite read with two processes (``import_datastage(parallel=AUTO)``);
``--sequential`` measures the one-process path instead. CPU seconds and peaks include the
second process (``worker peak``).
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import shutil
import sys
import tempfile
import time
from datetime import date
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import insert  # noqa: E402

from immex.datastage.generator import generate_datastage  # noqa: E402
from immex.datastage.keys import SatKey, pedimento_year  # noqa: E402
from immex.datastage.layout import LAYOUTS, TABLE_CODES  # noqa: E402
from immex.datastage.reader import DataStageZip, to_record  # noqa: E402
from immex.domain import reconcile as rc  # noqa: E402
from immex.services.sat.datastage_import import Parallel, import_datastage  # noqa: E402
from immex.services.sat.reconcile import load_sat  # noqa: E402
from immex.services.workspace import companies as workspace  # noqa: E402
from immex.store.tables import core, sat  # noqa: E402

PARALLEL = Parallel.AUTO  # --sequential: Parallel.NEVER


def peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def worker_peak_mib() -> float:
    """Peak of the largest finished child process (the second reader)."""
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024


def cpu_seconds() -> float:
    """CPU seconds of this process and of its finished children."""
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + kids.ru_utime + kids.ru_stime


def timed_import(zip_path: Path, db: Path) -> tuple[float, dict]:
    """Wall seconds of the import; the summary carries the CPU seconds too."""
    ws = workspace.create_workspace(f"sqlite:///{db}")
    t0, c0 = time.perf_counter(), cpu_seconds()
    summary = import_datastage(ws, [zip_path], parallel=PARALLEL)
    secs = time.perf_counter() - t0
    summary["cpu_seconds"] = cpu_seconds() - c0
    ws.store.dispose()
    return secs, summary


def pg_import(zip_path: Path) -> None:
    """The same import into a fresh PostgreSQL database ($IMMEX_TEST_PG server; COPY)."""
    import uuid

    from sqlalchemy import create_engine, text

    admin_url = os.environ.get("IMMEX_TEST_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
    name = f"immex_bench_ds_{uuid.uuid4().hex[:8]}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        ws = workspace.create_workspace(admin_url.rsplit("/", 1)[0] + "/" + name)
        t0, c0 = time.perf_counter(), time.process_time()
        summary = import_datastage(ws, [zip_path])
        secs, cpu = time.perf_counter() - t0, time.process_time() - c0
        ws.store.dispose()
        print(
            f"[1b] same set into PostgreSQL (COPY): {secs:.1f} s — "
            f"{summary['partidas'] / secs:,.0f} line rows/s ({cpu:.1f} s CPU in Python)"
        )
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def naive_import(zip_path: Path, db: Path) -> tuple[float, int, int]:
    """The obviously-correct reference: typed records, one INSERT per row, one transaction."""
    engine = workspace.create_workspace(f"sqlite:///{db}").store.engine
    t0 = time.perf_counter()
    lines = rows = 0
    with engine.begin() as conn, DataStageZip(zip_path) as dz:
        ids: dict[tuple[str, str, str], int] = {}
        for code in TABLE_CODES:
            lay = LAYOUTS[code]
            for _line, vals in dz.rows(code):
                rows += 1
                if not lay.typed:
                    continue  # the naive importer keeps typed tables only
                rec = to_record(code, tuple(vals))
                values = {c: getattr(rec, c) for c in lay.columns[3:]}
                key = (rec.patente, rec.pedimento, rec.aduana)
                if code == "501":
                    cid = conn.execute(
                        core.companies.select().where(core.companies.c.rfc == rec.rfc)
                    ).first()
                    if cid is None:
                        cid_v = conn.execute(
                            insert(core.companies).values(
                                rfc=rec.rfc, name="x", created_at=rec.fecha_pago
                            )
                        ).inserted_primary_key[0]
                    else:
                        cid_v = cid.id
                    year = pedimento_year(rec.pedimento, rec.fecha_pago.year)[0]
                    bid = conn.execute(
                        insert(sat.sat_import_batches).values(
                            kind="naive",
                            source_name="x",
                            sha256="0",
                            imported_at=rec.fecha_pago,
                            actor="bench",
                        )
                    ).inserted_primary_key[0]
                    ids[key] = conn.execute(
                        insert(sat.sat_pedimentos).values(
                            company_id=cid_v,
                            batch_id=bid,
                            source="datastage",
                            year=year,
                            number=SatKey(year, rec.aduana, rec.patente, rec.pedimento).number,
                            patente=rec.patente,
                            pedimento=rec.pedimento,
                            aduana=rec.aduana,
                            **values,
                        )
                    ).inserted_primary_key[0]
                    continue
                if code == "512":
                    values["year_orig"] = pedimento_year(rec.pedimento_orig, rec.fecha_orig.year)[0]
                if code == "701":
                    values["year_anterior"] = rec.fecha_anterior.year
                conn.execute(insert(sat.CHILD_TABLES[code]).values(pedimento_id=ids[key], **values))
                lines += code == "551"
    secs = time.perf_counter() - t0
    engine.dispose()
    return secs, lines, rows


def derived_ledger(speds, slines, sdis, rnd: random.Random):  # type: ignore[no-untyped-def]
    """A ledger built from SAT's data with known damage: 0.5% pedimentos missing, 1% lines
    off by one unit, 0.3% extra pedimentos, discharges = SAT's 512 with 1% off."""
    heads = rc.chain_heads(speds)
    lpeds, llines, ldis = [], [], []
    dropped = set()
    for p in speds:
        if p.tipo_operacion != 1 or p.superseded_by:
            continue
        if rnd.random() < 0.005:
            dropped.add(p.number)
            continue
        lpeds.append(rc.LedgerPedimento(p.number, p.clave, p.paid, f"ledger {p.number}"))
    for i in range(max(1, len(lpeds) * 3 // 1000)):
        lpeds.append(rc.LedgerPedimento(f"99{i:013d}", "IN", date(2023, 6, 1), "ledger extra"))
    keep = {p.number for p in lpeds}
    for ln in slines:
        if ln.number not in keep:
            continue
        qty = (ln.qty_umc or Decimal(0)) + (1 if rnd.random() < 0.01 else 0)
        llines.append(rc.LedgerLine(ln.number, ln.fraccion, qty, ln.umc, ln.value_usd, "lot"))
    for d in sdis:
        if d.fraccion and d.quantity is not None:
            q = d.quantity + (1 if rnd.random() < 0.01 else 0)
            ldis.append(
                rc.LedgerDischarge(
                    heads.get(d.original, d.original), d.fraccion, q, d.unit, d.paid, "run"
                )
            )
    return lpeds, llines, ldis


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--lines", type=int, default=1_000_000)
    ap.add_argument("--naive-lines", type=int, default=20_000)
    ap.add_argument("--keep", action="store_true", help="keep the generated files")
    ap.add_argument("--pg", action="store_true", help="also import the lines set into PostgreSQL")
    ap.add_argument(
        "--sequential", action="store_true", help="SQLite imports in one process (no worker)"
    )
    args = ap.parse_args()
    global PARALLEL
    PARALLEL = Parallel.NEVER if args.sequential else Parallel.AUTO
    tmp = Path(tempfile.mkdtemp(prefix="immex_bench_ds_", dir=os.environ.get("IMMEX_BENCH_DIR")))
    print(
        f"SYNTHETIC Data Stage sets in {tmp} (cores: {os.cpu_count()}, load shared; "
        f"{'one process' if args.sequential else 'two processes for large SQLite imports'})"
    )
    try:
        t0 = time.perf_counter()
        (tmp / "a").mkdir()
        lines_set = generate_datastage(
            tmp / "a",
            seed=1,
            lines=args.lines,
            lines_per_pedimento=40,
            companions=False,
            folio="9991001",
        )
        print(
            f"generated lines set: {sum(lines_set.counts.values()):,} rows "
            f"({lines_set.counts['551']:,} in 551) in {time.perf_counter() - t0:.1f} s, "
            f"{lines_set.path.stat().st_size / 2**20:.0f} MiB zipped"
        )
        secs, s = timed_import(lines_set.path, tmp / "a.db")
        total = sum(lines_set.counts.values())
        fast_rate = s["partidas"] / secs
        cpu_rate = s["partidas"] / s["cpu_seconds"]
        print(
            f"[1] import lines set into SQLite: {secs:.1f} s — {fast_rate:,.0f} line rows/s "
            f"(goal 50,000; {cpu_rate:,.0f}/s per CPU second), {total / secs:,.0f} rows/s all "
            f"tables; load average {os.getloadavg()[0]:.1f}; peak {peak_mib():,.0f} MiB "
            f"(worker peak {worker_peak_mib():,.0f} MiB)"
        )

        if args.pg:
            pg_import(lines_set.path)

        (tmp / "b").mkdir()
        real_lines = max(args.lines // 2, 1)
        full = generate_datastage(
            tmp / "b", seed=2, lines=real_lines, companions=True, folio="9991002"
        )
        secs_b, s_b = timed_import(full.path, tmp / "b.db")
        total_b = sum(full.counts.values())
        print(
            f"[2] import realistic set ({full.counts['551']:,} lines, {total_b:,} rows incl. "
            f"554/556/557/558): {secs_b:.1f} s — {s_b['partidas'] / secs_b:,.0f} line rows/s "
            f"(goal 50,000; {s_b['partidas'] / s_b['cpu_seconds']:,.0f}/s per CPU second), "
            f"{total_b / secs_b:,.0f} rows/s all tables; load average {os.getloadavg()[0]:.1f}; "
            f"peak {peak_mib():,.0f} MiB (worker peak {worker_peak_mib():,.0f} MiB)"
        )

        (tmp / "c").mkdir()
        small = generate_datastage(
            tmp / "c",
            seed=3,
            lines=args.naive_lines,
            lines_per_pedimento=40,
            companions=False,
            folio="9991003",
        )
        secs_fast, s_fast = timed_import(small.path, tmp / "c_fast.db")
        secs_naive, n_lines, _ = naive_import(small.path, tmp / "c_naive.db")
        print(
            f"[3] {small.counts['551']:,}-line slice: bulk {s_fast['partidas'] / secs_fast:,.0f} "
            f"line rows/s vs naive row-by-row {n_lines / secs_naive:,.0f} line rows/s — "
            f"ratio {secs_naive / secs_fast:.1f}×"
        )

        ws = workspace.open_workspace(f"sqlite:///{tmp / 'a.db'}")
        engine = ws.store.engine
        t0 = time.perf_counter()
        with engine.connect() as conn:
            cid = conn.execute(core.companies.select()).first().id
        with ws.read() as repos:
            speds, slines, sdis, coverage = load_sat(repos, cid)
        t_load = time.perf_counter() - t0
        lpeds, llines, ldis = derived_ledger(speds, slines, sdis, random.Random(7))
        t0 = time.perf_counter()
        report = rc.reconcile(
            speds,
            slines,
            sdis,
            lpeds,
            llines,
            ldis,
            as_of=date(2026, 6, 30),
            limit_months=lambda k, s: {"IN": 18}.get(k),
            sat_coverage=coverage,
        )
        t_rec = time.perf_counter() - t0
        n_in = len(slines) + len(llines) + len(sdis) + len(ldis)
        print(
            f"[4] reconcile large plant: {len(speds):,} SAT pedimentos, {len(slines):,} SAT lines, "
            f"{len(llines):,} ledger lines, {len(sdis):,}+{len(ldis):,} discharges — load "
            f"{t_load:.1f} s, compare {t_rec:.1f} s ({n_in / t_rec:,.0f} records/s); "
            f"differences {report.totals}"
        )
        engine.dispose()
        print(f"peak memory {peak_mib():,.0f} MiB (worker peak {worker_peak_mib():,.0f} MiB)")
    finally:
        if not args.keep:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
