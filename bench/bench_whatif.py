"""Benchmark: ``immex whatif sell`` on the synthetic plant of the discharge benchmark
(ILLUSTRATIVE data, 40-component BOMs, ~0.1 lots per consumption), against the full
discharge of the same plant measured in the same run.

    python bench/bench_whatif.py                        # 10M consumptions
    python bench/bench_whatif.py --sizes 1000000        # other sizes
    python bench/bench_whatif.py --sizes 100000 --store # also end to end on a SQLite workspace

The what-if is the simulation (the plant restricted to the product's components, the
engine over the recorded shipments up to the date plus the simulated line) and the pricing
of MEX (F4), USA (63-A) and DEU; the plant is built in memory from the generator's rows,
as a discharge run would read it. ``--store`` also imports the plant into SQLite and times
the whole use case (``whatif_sell``: reading the plant from the store included).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from datetime import date
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import numpy as np  # noqa: E402
from _plant import BENCH_DIR, load_workspace, peak_mib, plant_files  # noqa: E402

from immex.domain.company import Company  # noqa: E402
from immex.domain.discharge import kernel as fe  # noqa: E402
from immex.domain.discharge.kernel_pack import plant_from_domain  # noqa: E402
from immex.domain.lot_portions import PortionLot  # noqa: E402
from immex.samples.plant_generator import PlantSpec, generate  # noqa: E402
from immex.samples.plant_records import records_from_rows  # noqa: E402
from immex.services.decide.simulate import SimulatedLine, simulate  # noqa: E402
from immex.services.decide.whatif import price_simulation, whatif_sell  # noqa: E402
from immex.services.duties.single import duty_context  # noqa: E402
from immex.services.rates.workspace_data import bundled_data  # noqa: E402

COMPANY = Company(1, "EKU9003173C9", "Planta Ilustrativa (benchmark)", None, ())
DESTINATIONS = ("MEX", "USA", "DEU")


def _busiest(plant: fe.Plant) -> tuple[str, date]:
    """The most shipped product and the day after the last shipment (the open lots now)."""
    product = int(np.bincount(plant.ship_product).argmax())
    return plant.products[product], fe.from_day(int(plant.ship_date.max()) + 1)


def in_memory(n: int) -> dict[str, object]:
    t = time.perf_counter()
    lots, ships, bom = records_from_rows(generate(PlantSpec.scaled(n)))
    plant = plant_from_domain(lots, ships, bom)
    by_id = {x.lot_id: x for x in lots}
    del ships, bom
    build = time.perf_counter() - t
    ctx = duty_context(data=bundled_data())
    product, when = _busiest(plant)
    line = SimulatedLine(product, 100 * fe.MICRO, fe.day(when))
    simulate(plant, line)  # warm-up (numpy, imports)
    t = time.perf_counter()
    sim = simulate(plant, line)
    t_sim = time.perf_counter() - t
    t = time.perf_counter()
    ids = {int(sim.plant.lot_id[i]) for i in sim.lot_index.tolist()}
    info = {
        i: PortionLot(
            i,
            by_id[i].pedimento,
            by_id[i].entry_date,
            by_id[i].part,
            by_id[i].origin,
            by_id[i].fraccion,
            by_id[i].certificate,
        )
        for i in ids
    }
    uses, options = price_simulation(sim, info, product, when, DESTINATIONS, ctx, COMPANY)
    t_price = time.perf_counter() - t
    t = time.perf_counter()
    full = fe.discharge_fast(plant)
    t_full = time.perf_counter() - t
    whatif = t_sim + t_price
    return {
        "what": "in memory",
        "consumptions": full.consumptions,
        "lots": len(plant.lot_id),
        "shipments": len(plant.ship_id),
        "build_s": round(build, 1),
        "product": product,
        "date": str(when),
        "components": len(sim.components),
        "lots_considered": len(sim.plant.lot_id),
        "lots_used": len(uses),
        "priced": [o.destination for o in options if o.priced],
        "whatif_s": round(whatif, 3),
        "simulate_s": round(t_sim, 3),
        "price_s": round(t_price, 3),
        "full_discharge_s": round(t_full, 2),
        "ratio_full_over_whatif": round(t_full / whatif, 1),
        "peak_mib": round(peak_mib()),
    }


def on_store(n: int) -> dict[str, object]:
    from immex.services.workspace import companies as workspace

    paths = plant_files(n)
    db = BENCH_DIR / f"whatif_{n}.db"
    for f in BENCH_DIR.glob(f"whatif_{n}.db*"):
        f.unlink()
    url = f"sqlite:///{db}"
    load_workspace(url, paths)
    from immex.services.discharge.runs import run_discharge

    ws = workspace.open_workspace(url, actor="bench", require_company=True)
    try:
        whatif_sell(ws, "P00001", Decimal(1), date(2026, 1, 1), DESTINATIONS)  # warm-up
        t = time.perf_counter()
        first = whatif_sell(ws, "P00000", Decimal(100), date(2026, 1, 1), DESTINATIONS)
        t_whatif = time.perf_counter() - t
        t = time.perf_counter()
        run_discharge(ws, dry_run=True)
        t_run = time.perf_counter() - t
    finally:
        ws.store.dispose()
    return {
        "what": "store (SQLite): whatif_sell end to end vs discharge run --dry-run",
        "target": n,
        "whatif_s": round(t_whatif, 3),
        "lots_used": len(first.lots),
        "discharge_dry_run_s": round(t_run, 2),
        "ratio": round(t_run / t_whatif, 1),
    }


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", default="10000000")
    ap.add_argument("--store", action="store_true", help="also end to end on SQLite")
    args = ap.parse_args()
    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    for n in [int(s) for s in args.sizes.split(",")]:
        r = in_memory(n)
        print(json.dumps(r), flush=True)
        print(
            f"what-if at {r['consumptions']:,} consumptions: {r['whatif_s']} s "
            f"(simulate {r['simulate_s']} s, price {r['price_s']} s; {r['lots_considered']:,} "
            f"lots of {r['components']} components considered); full discharge "
            f"{r['full_discharge_s']} s — ×{r['ratio_full_over_whatif']}",
            flush=True,
        )
        if args.store:
            print(json.dumps(on_store(n)), flush=True)


if __name__ == "__main__":
    main()
