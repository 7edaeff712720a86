"""A big import or discharge run on PostgreSQL leaves the planner statistics of the tables it
filled, so the next read is planned on their real size (without them, 1M lots joined to
their materials became a 280 s nested loop on the 10M plant)."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from immex.samples.plant_generator import ORDER, PlantSpec, write_plant
from immex.services.discharge.runs import run_discharge
from immex.services.ledger.importer import import_file
from immex.services.workspace import companies as workspace
from immex.store.repositories.statistics import ANALYZE_FROM_ROWS, refresh_statistics
from immex.store.tables import ledger as t

RFC = "EKU9003173C9"


def _analyzed(url: str, table: str) -> float:
    """The planner's row estimate of ``table`` (-1 before any ANALYZE or VACUUM)."""
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return float(
                conn.execute(
                    text("SELECT reltuples FROM pg_class WHERE relname = :t"), {"t": table}
                ).scalar_one()
            )
    finally:
        engine.dispose()


@pytest.mark.postgres
def test_big_import_and_run_refresh_statistics(workspace_url: str, tmp_path: Path) -> None:
    if not workspace_url.startswith("postgresql"):
        pytest.skip("statistics are PostgreSQL's (SQLite plans without them)")
    # an ILLUSTRATIVE plant of about 15,000 lots (0.1 lot per consumption)
    paths = write_plant(PlantSpec.scaled(150_000), tmp_path / "plant")
    space = workspace.create_workspace(workspace_url)
    company = workspace.add_company(space, RFC, "Planta Ilustrativa (prueba)")
    ws = space.with_company(company)
    for name in ORDER:
        import_file(ws, name, paths[name])
    # the lots table's estimate is its size (ANALYZE sampled it), not -1
    assert _analyzed(workspace_url, "ledger_lots") > ANALYZE_FROM_ROWS
    summary = run_discharge(ws)  # refreshes the shortfall tables' statistics when big
    assert summary.run_id is not None
    engine = create_engine(workspace_url)
    try:
        with engine.begin() as conn:
            assert refresh_statistics(conn, [t.shortfalls], ANALYZE_FROM_ROWS)
            assert not refresh_statistics(conn, [t.shortfalls], ANALYZE_FROM_ROWS - 1)
    finally:
        engine.dispose()
    assert _analyzed(workspace_url, "ledger_shortfalls") >= 0
    space.store.dispose()


def test_sqlite_is_left_alone(tmp_path: Path) -> None:
    engine = create_engine(f"sqlite:///{tmp_path / 'x.db'}")
    try:
        with engine.begin() as conn:
            assert not refresh_statistics(conn, [t.shortfalls], 10 * ANALYZE_FROM_ROWS)
    finally:
        engine.dispose()
