"""Discharge from the store into the journal: SQLite and PostgreSQL pass one contract."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from immex.domain.discharge import discharge_reference
from immex.domain.errors import NotFound
from immex.samples.plant_generator import ORDER, PlantSpec, write_plant
from immex.services.discharge import balances, journal, runs
from immex.services.discharge import plant as inputs
from immex.services.ledger.importer import import_file
from immex.services.workspace import companies as workspace
from immex.store.tables import ledger as t

SPEC = PlantSpec(
    seed=3,
    materials=40,
    products=6,
    components=5,
    shipments=150,
    lots=300,
    days=760,
    directed=0.05,
    slow_movers=0.1,
    short_parts=0.1,
)


@pytest.fixture
def plant(workspace_url: str, tmp_path: Path):  # type: ignore[no-untyped-def]
    ws = workspace.create_workspace(workspace_url, actor="tester")
    company = workspace.add_company(ws, "EKU9003173C9", "Planta Ilustrativa")
    ws = ws.with_company(company)
    paths = write_plant(SPEC, tmp_path / "plant")
    for name in ORDER:
        import_file(ws, name, paths[name])
    yield ws
    ws.store.dispose()


def _count(ws, table) -> int:  # type: ignore[no-untyped-def]
    with ws.store.engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(table)).scalar_one())


def test_run_equals_reference_supersede_and_dry_run(plant) -> None:  # type: ignore[no-untyped-def]
    ws = plant
    dry = runs.run_discharge(ws, dry_run=True)
    assert dry.run_id is None and _count(ws, t.discharge_runs) == 0
    assert _count(ws, t.allocation_chunks) == 0 and _count(ws, t.shortfalls) == 0
    first = runs.run_discharge(ws)
    assert first.run_id is not None and first.journal_hash == dry.journal_hash
    assert first.shortfalls and first.expired_lots and first.by_key.get("F4")
    # the stored journal is the reference's journal
    lots, ships, bom = inputs.load_domain_inputs(ws)
    ref = discharge_reference(lots, ships, bom)
    assert any(a.directed for a in ref.allocations)
    stored = journal.run_domain_result(ws, first.run_id)
    assert stored == [
        (a.shipment_id, a.lot_id, a.quantity, a.value_usd, a.key, a.directed)
        for a in ref.allocations
    ]
    assert len(ref.shortfalls) == first.shortfalls and len(ref.expired) == first.expired_lots
    # re-running: same journal, a new run that supersedes the old one, nothing deleted
    second = runs.run_discharge(ws)
    assert second.same_as_previous and second.supersedes == first.run_id
    assert second.journal_hash == first.journal_hash
    assert journal.run_domain_result(ws, first.run_id) == stored
    assert [r["run_id"] for r in journal.list_runs(ws)] == [first.run_id, second.run_id]
    assert [r["current"] for r in journal.list_runs(ws)] == [False, True]
    # through a date: fewer shipments, a different journal
    cut = runs.run_discharge(ws, through=date(2024, 9, 30))
    assert cut.shipments == first.shipments and cut.consumptions < first.consumptions
    assert cut.journal_hash != first.journal_hash
    detail = journal.show_run(ws, first.run_id, limit=5)
    assert len(detail["allocations"]) == 5 and detail["shortfalls"] and detail["expired_lots"]
    with pytest.raises(NotFound):
        journal.show_run(ws, 999)


def test_balance_expiry_and_journal_rows(plant) -> None:  # type: ignore[no-untyped-def]
    ws = plant
    before, notes = balances.balance(ws, date(2026, 1, 31))
    assert notes and all(b.allocated == 0 for b in before)
    runs.run_discharge(ws)
    as_of = date(2025, 3, 31)
    rows, notes = balances.balance(ws, as_of)
    assert rows and not notes
    for b in rows:
        assert b.open_quantity > 0 and b.quantity == b.allocated + b.open_quantity
        assert b.entry_date <= as_of
        if b.limit_date is not None:
            assert b.days_left == (b.limit_date - as_of).days
    part = rows[0].part
    only, _ = balances.balance(ws, as_of, part)
    assert only and {b.part for b in only} == {part}
    exp, _ = balances.expiry(ws, 60, date(2025, 12, 31))
    assert exp and {b.status for b in exp} <= {"near", "expired"}
    assert any(b.status == "expired" for b in exp)
    assert all(b.days_left is not None and b.days_left <= 60 for b in exp)
    f4 = journal.journal_rows(
        ws, keys=("F4",), date_from=date(2024, 6, 1), date_to=date(2024, 12, 31)
    )
    assert f4 and all(r.key == "F4" and r.shipment_kind == "domestic" for r in f4)
    assert all(date(2024, 6, 1) <= r.shipment_date <= date(2024, 12, 31) for r in f4)
    assert all(r.entry_date <= r.shipment_date and len(r.pedimento) == 15 for r in f4)
    assert all(r.origin and r.fraccion and r.value_usd >= 0 for r in f4)


def test_cli_discharge_balance_expiry(tmp_path: Path) -> None:
    from immex.cli.main import app

    db = str(tmp_path / "cli.db")
    runner = CliRunner()
    assert runner.invoke(app, ["init", "--db", db]).exit_code == 0
    assert (
        runner.invoke(
            app, ["company", "add", "--rfc", "EKU9003173C9", "--name", "X", "--db", db]
        ).exit_code
        == 0
    )
    paths = write_plant(SPEC, tmp_path / "plant")
    for name in ORDER:
        res = runner.invoke(app, ["import", name, str(paths[name]), "--db", db, "--json"])
        assert res.exit_code == 0, res.output
    res = runner.invoke(app, ["discharge", "run", "--dry-run", "--db", db, "--json"])
    assert res.exit_code == 0 and json.loads(res.stdout)["run_id"] is None
    res = runner.invoke(app, ["discharge", "run", "--db", db, "--json"])
    run = json.loads(res.stdout)
    assert res.exit_code == 0 and run["run_id"] == 1 and run["allocations"] > 0
    res = runner.invoke(app, ["discharge", "run", "--through", "2024-06-30", "--db", db])
    assert res.exit_code == 0 and "supersedes run 1" in res.stdout
    res = runner.invoke(app, ["discharge", "show", "1", "--limit", "3", "--db", db, "--json"])
    shown = json.loads(res.stdout)
    assert res.exit_code == 0 and len(shown["allocations"]) == 3
    assert {"pedimento", "entry_date", "value_usd", "key"} <= set(shown["allocations"][0])
    res = runner.invoke(app, ["discharge", "show", "77", "--db", db])
    assert res.exit_code == 2 and "no discharge run 77" in res.stderr
    res = runner.invoke(app, ["balance", "--as-of", "2025-01-31", "--db", db, "--json"])
    assert res.exit_code == 0 and json.loads(res.stdout)["lots"]
    res = runner.invoke(app, ["expiry", "--within", "45", "--as-of", "2025-12-31", "--db", db])
    assert res.exit_code == 0 and "expired" in res.stdout
    res = runner.invoke(app, ["balance", "--db", db])
    assert res.exit_code == 0 and "no --as-of given" in res.stderr
    res = runner.invoke(app, ["balance", "--as-of", "31/01/2025", "--db", db])
    assert res.exit_code == 2
