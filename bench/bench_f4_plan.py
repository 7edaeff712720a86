"""F4 planning for one month of a large synthetic plant, against the reference.

ILLUSTRATIVE synthetic plant (immex.samples.plant_generator): imported into a SQLite
workspace, discharged with the ledger's engine, then the busiest month's F4 is planned:

* fast path   — ``immex.services.duties.f4_plan.plan_f4``: journal read + the duty engine's batch
  API (best rate and MFN-only) + grouping into pedimento lines;
* reference   — one plain ``compute_f4`` per allocation (no batch, no memo), best rate and
  MFN only, on a sample (``--reference-sample``, 0 = all) and extrapolated.

    python bench/bench_f4_plan.py                      # ≈ 100,000 F4 allocations in the month
    python bench/bench_f4_plan.py --shipments 5000     # a quick run
"""

from __future__ import annotations

import argparse
import tempfile
import time
from collections import Counter
from dataclasses import replace
from datetime import date
from pathlib import Path

from immex.domain.duties import DutyContext, compute_f4
from immex.domain.f4_plan import period_bounds, requests_for
from immex.domain.lot_portions import PortionSplit
from immex.samples.plant_generator import PlantSpec, write_plant
from immex.services.discharge import journal, runs
from immex.services.duties.f4_plan import plan_f4
from immex.services.duties.journal_portions import duty_context_of, lot_portions
from immex.services.ledger import importer as ledger_import
from immex.services.rates import loading as rates_service
from immex.services.workspace import companies as workspace

EXCERPT = (
    Path(__file__).resolve().parents[1] / "immex" / "samples" / "prosec_dof_2026-04-23_excerpt.csv"
)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--shipments", type=int, default=50_000, help="shipment lines of the plant")
    ap.add_argument("--components", type=int, default=40)
    ap.add_argument("--days", type=int, default=120, help="days the plant's movements span")
    ap.add_argument("--reference-sample", type=int, default=10_000)
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args()

    spec = replace(
        PlantSpec.scaled(
            args.shipments * args.components, seed=args.seed, components=args.components
        ),
        days=args.days,
        start=date(2025, 1, 1),
    )
    with tempfile.TemporaryDirectory(prefix="immex-bench-f4-") as tmp:
        folder = Path(tmp)
        t0 = time.perf_counter()
        paths = write_plant(spec, folder / "plant")
        t_gen = time.perf_counter() - t0
        ws = workspace.create_workspace(f"sqlite:///{folder / 'bench.db'}")
        company = workspace.add_company(
            ws, "EKU9003173C9", "Bench plant (ILLUSTRATIVE)", prosec=("II",)
        )
        ws = ws.with_company(company)
        engine = ws.store.engine
        rates_service.load_rates(ws, "prosec", EXCERPT)
        t0 = time.perf_counter()
        for entity, path in paths.items():
            ledger_import.import_file(ws, entity, path)
        t_imp = time.perf_counter() - t0
        t0 = time.perf_counter()
        run = runs.run_discharge(ws)
        t_dis = time.perf_counter() - t0
        rows = journal.journal_rows(ws, keys=("F4",))
        months = Counter((r.shipment_date.year, r.shipment_date.month) for r in rows)
        month, n_month = months.most_common(1)[0]
        del rows
        print(
            f"plant: {spec.shipments:,} shipment lines × {spec.components} components, "
            f"{spec.lots:,} lots; generated {t_gen:.1f} s, imported {t_imp:.1f} s, "
            f"discharged {t_dis:.1f} s ({run.allocations:,} allocations)"
        )
        print(f"month {month[0]}-{month[1]:02d}: {n_month:,} domestic-sale (F4) allocations")

        ctx = duty_context_of(ws)
        t0 = time.perf_counter()
        plan = plan_f4(ws, month, context=ctx)
        t_fast = time.perf_counter() - t0
        print(
            f"fast  plan_f4: {t_fast:.2f} s — {plan.portions:,} portions → "
            f"{len(plan.lines)} lines, "
            f"{n_month / t_fast:,.0f} allocations/s; total {plan.totals['total']:,} MXN, "
            f"MFN {plan.totals_mfn['total']:,}, savings {plan.savings:,}"
        )

        start, end = period_bounds(month)
        t0 = time.perf_counter()
        allocations = [
            p
            for p in lot_portions(ws, ("F4",), start, end, split=PortionSplit.ALLOCATION)
            if p.value_usd > 0
        ]
        t_read = time.perf_counter() - t0
        sample = allocations if args.reference_sample <= 0 else allocations[: args.reference_sample]
        plain = DutyContext(ctx.fx, ctx.inpc, ctx.params, ctx.book, ctx.mfn, ctx.notes)
        sectors = tuple(company.prosec_sectors)
        t0 = time.perf_counter()
        for r in requests_for(sample, plan.change_date, sectors):
            compute_f4(r, plain)
        for r in requests_for(sample, plan.change_date, sectors, programs=False):
            compute_f4(r, plain)
        t_ref = time.perf_counter() - t0
        t_ref_all = t_ref / max(len(sample), 1) * len(allocations) + t_read
        how = "measured" if len(sample) == len(allocations) else "extrapolated"
        print(f"journal read alone: {t_read:.2f} s")
        print(
            f"reference (one plain compute_f4 per allocation, best + MFN): {len(sample):,} in "
            f"{t_ref:.2f} s → {len(allocations):,} ≈ {t_ref_all:.1f} s incl. the journal read "
            f"({how})"
        )
        print(f"speed-up of plan_f4 over the reference: ×{t_ref_all / t_fast:.1f}")
        # the plan's per-lot figures are the engine's: recompute a sample of lot portions plainly
        lots = [pp for ln in plan.lines for pp in ln.portions][:2000]
        same = all(
            compute_f4(r, plain).total == pp.best.total
            for r, pp in zip(
                requests_for([pp.portion for pp in lots], plan.change_date, sectors),
                lots,
                strict=True,
            )
        )
        print(f"plain compute_f4 on {len(lots):,} lot portions equals the plan's figures: {same}")
        engine.dispose()


if __name__ == "__main__":
    main()
