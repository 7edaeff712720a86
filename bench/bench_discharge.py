"""Benchmark: the whole discharge, store → journal in the store, at 100k, 1M and 10M
consumptions (synthetic ILLUSTRATIVE plant, 40-component BOMs, ~0.1 lots per consumption),
on SQLite and PostgreSQL; and the speed-up of the fast engine over the reference at 1M.

    python bench/bench_discharge.py                       # SQLite 100k, 1M, 10M + reference
    python bench/bench_discharge.py --sizes 1000000 --pg  # also PostgreSQL

Each measured discharge runs in a fresh subprocess so its peak memory is its own.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _plant import BENCH_DIR, drop_pg, load_workspace, peak_mib, pg_database, plant_files  # noqa: E402


def one_run(url: str) -> dict[str, object]:
    from immex.services.discharge import runs as discharge
    from immex.services.workspace import companies as workspace

    ws = workspace.open_workspace(url, actor="bench", require_company=True)
    t = time.perf_counter()
    summary = discharge.run_discharge(ws)
    wall = time.perf_counter() - t
    ws.store.dispose()
    return {
        "seconds": round(wall, 2),
        "stages": summary.seconds,
        "lots": summary.lots,
        "shipments": summary.shipments,
        "consumptions": summary.consumptions,
        "allocations": summary.allocations,
        "shortfalls": summary.shortfalls,
        "expired_lots": summary.expired_lots,
        "peak_mib": round(peak_mib()),
        "consumptions_per_s": round(summary.consumptions / wall),
    }


def reference_compare(url: str) -> dict[str, object]:
    """Same domain records: reference vs fast; the journals must be equal.

    ``fast_engine_s`` is the numpy engine on columns; ``fast_with_conversion_s`` adds
    turning the domain records into columns and the journal back into records."""
    from immex.domain.discharge import discharge_reference
    from immex.domain.discharge.kernel import discharge_fast
    from immex.domain.discharge.kernel_pack import journal_to_domain, plant_from_domain
    from immex.services.discharge.plant import load_domain_inputs
    from immex.services.workspace import companies as workspace

    ws = workspace.open_workspace(url, require_company=True)
    lots, ships, bom = load_domain_inputs(ws)
    ws.store.dispose()
    t = time.perf_counter()
    plant = plant_from_domain(lots, ships, bom)
    t_in = time.perf_counter() - t
    t = time.perf_counter()
    journal = discharge_fast(plant)
    t_engine = time.perf_counter() - t
    t = time.perf_counter()
    fast = journal_to_domain(plant, journal)
    t_out = time.perf_counter() - t
    t = time.perf_counter()
    ref = discharge_reference(lots, ships, bom)
    t_ref = time.perf_counter() - t
    t_fast = t_in + t_engine + t_out
    return {
        "consumptions": ref.consumptions,
        "reference_s": round(t_ref, 2),
        "fast_engine_s": round(t_engine, 2),
        "fast_with_conversion_s": round(t_fast, 2),
        "speedup_engine": round(t_ref / t_engine, 1),
        "speedup": round(t_ref / t_fast, 1),
        "identical_journal": fast == ref,
    }


def subprocess_json(args: list[str]) -> dict[str, object]:
    out = subprocess.run(
        [sys.executable, __file__, *args], check=True, capture_output=True, text=True
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", default="100000,1000000,10000000")
    ap.add_argument("--pg", action="store_true", help="also measure PostgreSQL")
    ap.add_argument("--no-reference", action="store_true")
    ap.add_argument("--one", help=argparse.SUPPRESS)
    ap.add_argument("--reference-on", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.one:
        print(json.dumps(one_run(args.one)))
        return
    if args.reference_on:
        print(json.dumps(reference_compare(args.reference_on)))
        return
    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    results = []
    for n in [int(s) for s in args.sizes.split(",")]:
        paths = plant_files(n)
        stores = ["sqlite"] + (["postgresql"] if args.pg else [])
        for store in stores:
            if store == "sqlite":
                db = BENCH_DIR / f"bench_{n}.db"
                for f in BENCH_DIR.glob(f"bench_{n}.db*"):
                    f.unlink()
                url = f"sqlite:///{db}"
            else:
                url = pg_database()
            try:
                load = load_workspace(url, paths)
                res = subprocess_json(["--one", url])
                res.update({"store": store, "target": n, "import_s": load})
                print(json.dumps(res), flush=True)
                results.append(res)
                if store == "sqlite" and n == 1_000_000 and not args.no_reference:
                    ref = subprocess_json(["--reference-on", url])
                    ref.update({"store": store, "target": n, "what": "reference vs fast"})
                    print(json.dumps(ref), flush=True)
                    results.append(ref)
            finally:
                if store == "postgresql":
                    drop_pg(url)
    print("\nstore       consumptions  allocations   seconds  consumptions/s  peak MiB")
    for r in results:
        if "allocations" in r:
            print(
                f"{r['store']:<11} {r['consumptions']:>12,} {r['allocations']:>12,} "
                f"{r['seconds']:>9} {r['consumptions_per_s']:>15,} {r['peak_mib']:>9}"
            )
        else:
            print(
                f"reference at {r['consumptions']:,}: {r['reference_s']} s; fast engine "
                f"{r['fast_engine_s']} s (×{r['speedup_engine']}), with record conversion "
                f"{r['fast_with_conversion_s']} s (×{r['speedup']}); "
                f"identical journal: {r['identical_journal']}"
            )


if __name__ == "__main__":
    main()
