"""Benchmark: ``immex whatif sell`` on the synthetic plant of the discharge benchmark
(ILLUSTRATIVE data, 40-component BOMs, ~0.1 lots per consumption), against the full
discharge of the same plant measured in the same run.

    python bench/bench_whatif.py                        # 10M consumptions
    python bench/bench_whatif.py --sizes 1000000        # other sizes
    python bench/bench_whatif.py --sizes 100000 --store # also end to end on a SQLite workspace
    python bench/bench_whatif.py --sizes 10000000 --store --reuse  # keep the imported workspace
    python bench/bench_whatif.py --sizes 10000000 --db postgresql+psycopg://…/immex_bench_x
                                   # on the PostgreSQL plant bench_api_load.py --keep left
                                   # (--run: record a discharge run there first if needed)

IMMEX_BENCH_DIR (default /tmp/immex_bench_ledger) holds the plant files and workspaces; the
10M workspace takes a few GB of disk and some minutes of import (run it on a quiet machine).

The what-if is the simulation (the plant restricted to the product's components, the
engine over the recorded shipments up to the date plus the simulated line) and the pricing
of MEX (F4), USA (63-A) and DEU; the plant is built in memory from the generator's rows,
as a discharge run would read it. ``--store`` also imports the plant into SQLite and times
the whole use case (``whatif_sell``: reading the plant from the store included) after a
recorded discharge run — the line dated after the last shipment starts from that run's lot
balances — and the same line replaying every recorded shipment (``from_run=False``; the
two answers must be equal).
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import numpy as np  # noqa: E402
from _plant import BENCH_DIR, load_workspace, peak_mib, plant_files  # noqa: E402

from immex.domain.company import Company  # noqa: E402
from immex.domain.discharge import kernel as fe  # noqa: E402
from immex.domain.discharge.kernel_pack import plant_from_domain  # noqa: E402
from immex.domain.lot_portions import PortionLot  # noqa: E402
from immex.samples.plant_generator import PlantSpec, generate  # noqa: E402
from immex.samples.plant_records import records_from_rows  # noqa: E402
from immex.services.decide.plant_slice import load_slice  # noqa: E402
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


def _timed(fn: Any) -> tuple[Any, float, float]:
    w, c = time.perf_counter(), time.process_time()
    out = fn()
    return out, time.perf_counter() - w, time.process_time() - c


PRODUCTS = ("P00000", "P00001", "P00002", "P00003")


def _start(ws: Any, product: str, when: date) -> str:
    """Where the what-if's FIFO started: a discharge run's balances, or a replay."""
    with ws.read() as repos:
        start = load_slice(repos, ws.the_company, product, when).start
    return "replay" if start is None else f"run {start.run_id} ({start.lines:,} lines before)"


def on_store(n: int, reuse: bool, url: str | None = None, record: bool = True) -> dict[str, object]:
    """``whatif_sell`` end to end on a SQLite workspace (reading the slice from the store
    included) for five products, against ``discharge run --dry-run`` of the same workspace;
    with ``url``, on that workspace instead (e.g. the PostgreSQL one of bench_api_load).
    With ``record``, a discharge run is recorded first when the current one does not cover
    the ledger (a what-if then starts from its balances, as after the month's run)."""
    from immex.services.discharge.runs import run_discharge
    from immex.services.workspace import companies as workspace

    db = BENCH_DIR / f"whatif_{n}.db"
    ready = BENCH_DIR / f"whatif_{n}.ready"
    built = None
    if url is None and not (reuse and ready.exists()):
        for f in BENCH_DIR.glob(f"whatif_{n}.*"):
            f.unlink()
        t = time.perf_counter()
        load_workspace(f"sqlite:///{db}", plant_files(n))
        built = round(time.perf_counter() - t, 1)
        ready.write_text("imported")
    url = url or f"sqlite:///{db}"
    ws = workspace.open_workspace(url, actor="bench", require_company=True)
    try:
        when = date.fromordinal(date(2024, 1, 1).toordinal() + 720)
        recorded = None
        if record and _start(ws, PRODUCTS[0], when) == "replay":
            _, recorded, _cpu = _timed(lambda: run_discharge(ws))
        whatif_sell(ws, "P00004", Decimal(1), when, DESTINATIONS)  # warm-up (imports, rates)
        walls, cpus, lots, ships, starts = [], [], [], [], []
        replay_walls, replay_cpus = [], []
        for product in PRODUCTS:
            r, wall, cpu = _timed(
                lambda p=product: whatif_sell(ws, p, Decimal(100), when, DESTINATIONS)
            )
            walls.append(wall)
            cpus.append(cpu)
            lots.append(len(r.lots))
            ships.append(r.data_used[0])
            starts.append(_start(ws, product, when))
            # the same line replaying every recorded shipment (the answer must not change)
            again, wall, cpu = _timed(
                lambda p=product: whatif_sell(ws, p, Decimal(100), when, DESTINATIONS,
                                              from_run=False)
            )  # fmt: skip
            assert again == r, f"{product}: the replay and the run's balances disagree"
            replay_walls.append(wall)
            replay_cpus.append(cpu)
        _, run_wall, run_cpu = _timed(lambda: run_discharge(ws, dry_run=True))
    finally:
        ws.store.dispose()
    wall, cpu = statistics.median(walls), statistics.median(cpus)
    return {
        "what": f"store ({url.split(':', 1)[0]}): whatif_sell end to end vs discharge run "
        "--dry-run",
        "target": n,
        "imported_s": built,
        "discharge_recorded_s": None if recorded is None else round(recorded, 1),
        "whatif_wall_s": round(wall, 3),
        "whatif_cpu_s": round(cpu, 3),
        "whatif_wall_each_s": [round(x, 3) for x in walls],
        "lots_used": lots,
        "slice_read": ships[0],
        "started_from": starts,
        "replay_wall_s": round(statistics.median(replay_walls), 3),
        "replay_cpu_s": round(statistics.median(replay_cpus), 3),
        "discharge_dry_run_wall_s": round(run_wall, 2),
        "discharge_dry_run_cpu_s": round(run_cpu, 2),
        "ratio_wall": round(run_wall / wall, 1),
        "ratio_cpu": round(run_cpu / cpu, 1),
    }


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", default="10000000")
    ap.add_argument("--store", action="store_true", help="also end to end on SQLite")
    ap.add_argument(
        "--reuse", action="store_true", help="--store: reuse a workspace imported before"
    )
    ap.add_argument(
        "--db", help="--store on this workspace of --sizes consumptions (no in-memory part)"
    )
    ap.add_argument(
        "--run",
        action="store_true",
        help="--db: record a discharge run first when the current one does not cover the ledger",
    )
    args = ap.parse_args()
    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    if args.db:
        n = int(args.sizes.split(",")[0])
        s = on_store(n, True, args.db, args.run)
        print(json.dumps(s), flush=True)
        print(f"whatif_sell at {n:,} consumptions ({args.db.split(':', 1)[0]}): "
              f"{s['whatif_wall_s']} s wall, {s['whatif_cpu_s']} s CPU (median of 4 products; "
              f"started from {s['started_from'][0]}; replaying instead: "
              f"{s['replay_wall_s']} s wall, {s['replay_cpu_s']} s CPU); "
              f"discharge run --dry-run {s['discharge_dry_run_wall_s']} s wall — "
              f"×{s['ratio_wall']} (CPU ×{s['ratio_cpu']})", flush=True)  # fmt: skip
        return
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
            s = on_store(n, args.reuse)
            print(json.dumps(s), flush=True)
            print(
                f"whatif_sell at {n:,} consumptions (store): {s['whatif_wall_s']} s wall, "
                f"{s['whatif_cpu_s']} s CPU (median of 4 products; started from "
                f"{s['started_from'][0]}; replaying: {s['replay_wall_s']} s); discharge run "
                f"--dry-run {s['discharge_dry_run_wall_s']} s wall — ×{s['ratio_wall']} "
                f"(CPU ×{s['ratio_cpu']})",
                flush=True,
            )


if __name__ == "__main__":
    main()
