"""An import or discharge run on PostgreSQL that changes a table enough leaves its planner
statistics, so the next read is planned on its real size (without them, 1M lots joined to
5,005 materials planned as one row became a 230 s nested loop on the 10M plant)."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from immex.samples.plant_generator import ORDER, PlantSpec, write_plant
from immex.services.discharge.runs import run_discharge
from immex.services.ledger.importer import import_file
from immex.services.workspace import companies as workspace
from immex.store.repositories.statistics import (
    ANALYZE_BASE_ROWS,
    estimated_rows,
    refresh_statistics,
)
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
    # every table the import filled has its size as estimate (ANALYZE sampled it), not -1:
    # the big lots table and the small materials table alike
    assert _analyzed(workspace_url, "ledger_lots") > 10_000
    assert 0 < _analyzed(workspace_url, "ledger_materials") < 10_000
    summary = run_discharge(ws)  # refreshes the shortfall tables' statistics
    assert summary.run_id is not None
    assert _analyzed(workspace_url, "ledger_shortfalls") >= 0
    engine = create_engine(workspace_url)
    try:
        with engine.begin() as conn:
            known = estimated_rows(conn, t.lots)
            enough = int(ANALYZE_BASE_ROWS + 0.1 * known) + 1
            # a write of 10 % of a big table and more refreshes it; a few rows do not
            assert refresh_statistics(conn, [t.lots], enough)
            assert not refresh_statistics(conn, [t.lots], ANALYZE_BASE_ROWS)
            assert not refresh_statistics(conn, [t.lots], ANALYZE_BASE_ROWS - 1)
    finally:
        engine.dispose()
    space.store.dispose()


@pytest.mark.postgres
def test_small_table_is_analyzed_from_its_first_rows(workspace_url: str) -> None:
    if not workspace_url.startswith("postgresql"):
        pytest.skip("statistics are PostgreSQL's (SQLite plans without them)")
    space = workspace.create_workspace(workspace_url)
    engine = create_engine(workspace_url)
    try:
        with engine.begin() as conn:
            assert estimated_rows(conn, t.shortfalls) == 0  # never analyzed
            assert not refresh_statistics(conn, [t.shortfalls], ANALYZE_BASE_ROWS - 1)
            assert refresh_statistics(conn, [t.shortfalls], ANALYZE_BASE_ROWS)
    finally:
        engine.dispose()
        space.store.dispose()


def test_sqlite_is_left_alone(tmp_path: Path) -> None:
    engine = create_engine(f"sqlite:///{tmp_path / 'x.db'}")
    try:
        with engine.begin() as conn:
            assert not refresh_statistics(conn, [t.shortfalls], 10 * ANALYZE_BASE_ROWS)
    finally:
        engine.dispose()
