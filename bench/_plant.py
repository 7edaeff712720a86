"""Shared helpers of the ledger benchmarks: build a synthetic plant in a workspace."""

from __future__ import annotations

import json
import os
import resource
import time
import uuid
from pathlib import Path

from immex.samples.plant_generator import ORDER, PlantSpec, write_plant
from immex.services.ledger.importer import import_file
from immex.services.workspace import companies as workspace

BENCH_DIR = Path(os.environ.get("IMMEX_BENCH_DIR", "/tmp/immex_bench_ledger"))
PG_ADMIN = os.environ.get("IMMEX_TEST_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


def peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def plant_files(consumptions: int) -> dict[str, Path]:
    out = BENCH_DIR / f"plant_{consumptions}"
    done = out / "done.json"
    if done.exists():
        return {name: out / f"{name}.csv" for name in ORDER}
    paths = write_plant(PlantSpec.scaled(consumptions), out)
    done.write_text(json.dumps({"consumptions": consumptions}))
    return paths


def pg_database() -> str:
    from sqlalchemy import create_engine, text

    name = f"immex_bench_{uuid.uuid4().hex[:8]}"
    admin = create_engine(PG_ADMIN, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return PG_ADMIN.rsplit("/", 1)[0] + "/" + name


def drop_pg(url: str) -> None:
    from sqlalchemy import create_engine, text

    admin = create_engine(PG_ADMIN, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{url.rsplit("/", 1)[1]}" WITH (FORCE)'))
    admin.dispose()


def load_workspace(url: str, paths: dict[str, Path]) -> dict[str, float]:
    """Initialise ``url``, add the illustrative company, import the five files; timings."""
    space = workspace.create_workspace(url)
    company = workspace.add_company(space, "EKU9003173C9", "Planta Ilustrativa (benchmark)")
    ws = space.with_company(company)
    timings = {}
    for name in ORDER:
        t = time.perf_counter()
        import_file(ws, name, paths[name])
        timings[name] = round(time.perf_counter() - t, 2)
    space.store.dispose()
    return timings
