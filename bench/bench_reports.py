"""Report generation: the demo company and a larger synthetic plant (ILLUSTRATIVE data).

For each: the month-end figures (F4 plan, 63-A, 12-month savings), the report's assembly
from the store, then each format (xlsx, html, pdf) — seconds, rows and file sizes.

    python bench/bench_reports.py                 # demo + a plant of 8,000 shipment lines
    python bench/bench_reports.py --shipments 0   # demo only
"""

from __future__ import annotations

import argparse
import tempfile
import time
from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path

from immex.reports import render
from immex.samples.plant_generator import PlantSpec, write_plant
from immex.samples.showcase import PROSEC_EXCERPT, run_demo
from immex.services.discharge import runs as discharge
from immex.services.ledger import importer as ledger_import
from immex.services.month_end.close import month_end_figures
from immex.services.rates import loading as rates_service
from immex.services.reports.figures import build_report
from immex.services.workspace import companies as workspace
from immex.services.workspace.context import Workspace


def _time_reports(ws: Workspace, month: tuple[int, int], folder: Path, label: str) -> None:
    t0 = time.perf_counter()
    plan, usmca, sav = month_end_figures(ws, month)
    t_fig = time.perf_counter() - t0
    t0 = time.perf_counter()
    report, _ = build_report(
        ws,
        month,
        plan=plan,
        usmca=usmca,
        sav=sav,
        computed_at=datetime.now(UTC),
        illustrative=True,
    )
    t_build = time.perf_counter() - t0
    rows = sum(len(tb.rows) for tb in report.tables())
    print(
        f"[{label}] {month[0]}-{month[1]:02d}: figures {t_fig:.2f} s (F4 {plan.portions:,} "
        f"portions, 63-A {len(usmca.priced):,} inputs), assembly {t_build:.2f} s, "
        f"{len(report.tables())} tables / {rows:,} rows, {len(report.charts())} charts"
    )
    for fmt in ("xlsx", "html", "pdf"):
        t0 = time.perf_counter()
        path = render(report, fmt, folder)
        dt = time.perf_counter() - t0
        print(f"[{label}]   {fmt:<4} {dt:6.2f} s  {path.stat().st_size / 1024:8.0f} KiB")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--shipments", type=int, default=8_000)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="immex-bench-reports-") as tmp:
        folder = Path(tmp)
        t0 = time.perf_counter()
        s = run_demo(folder / "demo")
        print(
            f"[demo] immex demo end to end: {time.perf_counter() - t0:.2f} s "
            f"(steps: {', '.join(f'{k} {v:.2f}' for k, v in s.seconds.items())})"
        )
        ws = workspace.open_workspace(s.db, require_company=True)
        y, m = (int(x) for x in s.period.split("-"))
        _time_reports(ws, (y, m), folder / "demo-reports", "demo")
        ws.store.dispose()
        if args.shipments <= 0:
            return
        spec = replace(
            PlantSpec.scaled(args.shipments * 40, components=40), start=date(2024, 6, 1), days=540
        )
        paths = write_plant(spec, folder / "plant")
        ws = workspace.create_workspace(f"sqlite:///{folder / 'plant.db'}")
        company = workspace.add_company(
            ws, "EKU9003173C9", "Bench plant (ILLUSTRATIVE)", prosec=("II",)
        )
        ws = ws.with_company(company)
        engine = ws.store.engine
        rates_service.load_rates(ws, "prosec", PROSEC_EXCERPT)
        for entity, path in paths.items():
            ledger_import.import_file(ws, entity, path)
        run = discharge.run_discharge(ws)
        print(
            f"[plant] {spec.shipments:,} shipment lines, {spec.lots:,} lots, "
            f"{run.allocations:,} allocations"
        )
        _time_reports(ws, (2025, 6), folder / "plant-reports", "plant")
        engine.dispose()


if __name__ == "__main__":
    main()
