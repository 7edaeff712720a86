"""Benchmark: import 1,000,000 pedimento rows from CSV (SQLite, and PostgreSQL with --pg).

The file is the pedimentos file of the 10M-consumption synthetic ILLUSTRATIVE plant.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _plant import BENCH_DIR, drop_pg, peak_mib, pg_database, plant_files  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--consumptions", type=int, default=10_000_000)
    ap.add_argument("--pg", action="store_true")
    args = ap.parse_args()
    from immex.services.ledger.importer import import_file
    from immex.services.workspace import companies as workspace

    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    paths = plant_files(args.consumptions)
    stores = ["sqlite"] + (["postgresql"] if args.pg else [])
    for store in stores:
        if store == "sqlite":
            for f in BENCH_DIR.glob("bench_import.db*"):
                f.unlink()
            url = f"sqlite:///{BENCH_DIR / 'bench_import.db'}"
        else:
            url = pg_database()
        try:
            space = workspace.create_workspace(url)
            company = workspace.add_company(space, "EKU9003173C9", "Planta Ilustrativa")
            ws = space.with_company(company)
            import_file(ws, "materials", paths["materials"])
            t = time.perf_counter()
            r = import_file(ws, "pedimentos", paths["pedimentos"])
            wall = time.perf_counter() - t
            t = time.perf_counter()
            again = import_file(ws, "pedimentos", paths["pedimentos"])
            re_wall = time.perf_counter() - t
            space.store.dispose()
            print(
                f"{store}: {r.rows:,} pedimento rows in {wall:.1f} s "
                f"({r.rows / wall:,.0f} rows/s); re-import {re_wall:.2f} s "
                f"(already imported: {again.already_imported}); peak {peak_mib():.0f} MiB",
                flush=True,
            )
        finally:
            if store == "postgresql":
                drop_pg(url)


if __name__ == "__main__":
    main()
