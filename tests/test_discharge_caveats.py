"""What the month's figures leave out is said, not hidden: shipment lines the discharge could
not cover (shortfall, no BOM version in force), a run that stops early, imports made after
the run. SQLite and PostgreSQL."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

from immex.domain.errors import InvalidInput
from immex.services.discharge import balances, runs
from immex.services.duties.f4_plan import plan_f4
from immex.services.duties.savings import savings
from immex.services.duties.usmca import report_63a
from immex.services.ledger.importer import import_file
from immex.services.workspace import companies as workspace

FILES = {
    "materials": """part_number,description,kind,fraccion,umc
MCU,Microcontrolador,input,8542.31.03,Pza
BOX,Caja de cartón,packaging,4819.10.01,Pza
""",
    "products": """part_number,description,fraccion,umc
P1,No-break,8504.40.16,Pza
P2,Fuente de poder,8504.40.14,Pza
""",
    # P2 has a BOM only from 2025-06-01
    "bom": """product,component,qty_per_unit,scrap_pct,valid_from,valid_to
P1,MCU,1,0,,
P1,BOX,1,0,,
P2,MCU,2,0,2025-06-01,
""",
    "pedimentos": """pedimento,clave,date,part_number,quantity,value_usd,origin
25 24 3012 5000001,IN,2025-01-10,MCU,100,1000,CHN
25 24 3012 5000001,IN,2025-01-10,BOX,100,10,CHN
""",
    # D2 wants more MCU than is open; E2 has no BOM version in force on its date
    "shipments": """document,kind,date,product,quantity,destination,value_usd
E1,export,2025-03-10,P1,20,USA,2000
D1,domestic,2025-03-20,P1,10,MEX,1000
E2,export,2025-05-10,P2,5,CAN,500
D2,domestic,2025-05-20,P1,90,MEX,9000
""",
}


@pytest.fixture
def plant(workspace_url: str, tmp_path: Path):  # type: ignore[no-untyped-def]
    ws = workspace.create_workspace(workspace_url)
    company = workspace.add_company(ws, "EKU9003173C9", "Planta", prosec=["II"])
    ws = ws.with_company(company)
    engine = ws.store.engine
    for name, text in FILES.items():
        path = tmp_path / f"{name}.csv"
        path.write_text(text, encoding="utf-8")
        import_file(ws, name, path)
    yield engine, company, tmp_path, ws
    engine.dispose()


def _has(warnings: tuple[str, ...] | list[str], *parts: str) -> bool:
    return any(all(p in w for p in parts) for w in warnings)


def test_shortfalls_and_shipments_without_bom_are_named(plant) -> None:  # type: ignore[no-untyped-def]
    engine, company, _, ws = plant
    runs.run_discharge(ws)
    may = plan_f4(ws, "2025-05")
    assert _has(may.warnings, "could not be discharged in full", "D2/1", "MCU missing 20")
    assert _has(may.warnings, "BOX missing 20")
    assert not _has(may.warnings, "E2/1")  # an export: not the F4's business
    usmca = report_63a(ws, "2025-05")
    assert _has(usmca.warnings, "no BOM version in force", "E2/1 2025-05-10 P2")
    assert not _has(usmca.warnings, "D2/1")
    sav = savings(ws, date(2025, 1, 1), date(2025, 12, 31))
    assert _has(sav.warnings, "D2/1")
    # a month with everything discharged says nothing of the kind
    march = plan_f4(ws, "2025-03")
    assert not _has(march.warnings, "could not be discharged")
    assert not _has(march.warnings, "no BOM version")
    assert march.totals["total"] > 0


def test_a_run_older_than_the_ledger_or_stopping_early_is_said(plant) -> None:  # type: ignore[no-untyped-def]
    engine, company, tmp, ws = plant
    runs.run_discharge(ws, through=date(2025, 3, 15))
    march = plan_f4(ws, "2025-03")
    assert _has(march.warnings, "covers shipments through 2025-03-15 only")
    runs.run_discharge(ws)
    whole = plan_f4(ws, "2025-03")
    assert not _has(whole.warnings, "covers shipments")
    more = tmp / "more.csv"
    more.write_text(
        "document,kind,date,product,quantity,destination,value_usd\n"
        "D3,domestic,2025-03-28,P1,1,MEX,100\n",
        encoding="utf-8",
    )
    import_file(ws, "shipments", more)
    stale = plan_f4(ws, "2025-03")
    assert _has(stale.warnings, "the ledger changed after discharge run 2", "shipments more.csv")
    rows, notes = balances.balance(ws, date(2025, 3, 31))
    assert _has(notes, "the ledger changed after discharge run 2")
    runs.run_discharge(ws)
    fresh = plan_f4(ws, "2025-03")
    assert not _has(fresh.warnings, "the ledger changed")
    assert fresh.allocations == whole.allocations + 2  # D3's MCU and BOX


def test_an_unknown_policy_is_refused_even_for_an_empty_month(plant) -> None:  # type: ignore[no-untyped-def]
    engine, company, _, ws = plant
    runs.run_discharge(ws)
    for period in ("2025-03", "2025-04"):  # with and without domestic sales
        with pytest.raises(InvalidInput) as info:
            plan_f4(ws, period, policy="foo")
        assert info.value.field == "policy" and "entry_date" in info.value.message


def test_cli_says_what_the_run_left_out(tmp_path: Path) -> None:
    from immex.cli.main import app

    db = str(tmp_path / "c.db")
    runner = CliRunner()
    assert runner.invoke(app, ["init", "--db", db]).exit_code == 0
    args = ["company", "add", "--rfc", "EKU9003173C9", "--name", "X", "--db", db]
    assert runner.invoke(app, args).exit_code == 0
    for name, text in FILES.items():
        path = tmp_path / f"{name}.csv"
        path.write_text(text, encoding="utf-8")
        assert runner.invoke(app, ["import", name, str(path), "--db", db]).exit_code == 0
    res = runner.invoke(app, ["discharge", "run", "--through", "2025-04-30", "--db", db])
    assert res.exit_code == 0 and "2 of 4 shipment lines (through 2025-04-30)" in res.stdout
    assert runner.invoke(app, ["discharge", "run", "--db", db]).exit_code == 0
    res = runner.invoke(app, ["discharge", "show", "2", "--db", db])
    assert res.exit_code == 0
    assert "not discharged: E2/1 2025-05-10 P2 — no BOM version in force" in res.stdout
    assert "shortfall: D2/1 2025-05-20 MCU missing 20" in res.stdout
    res = runner.invoke(app, ["f4", "plan", "--period", "2025-05", "--db", db])
    assert res.exit_code == 0 and "D2/1 2025-05-20 BOX missing 20" in res.stderr
    res = runner.invoke(app, ["expiry", "--within", "-1", "--as-of", "2025-06-01", "--db", db])
    assert res.exit_code == 2 and "--within: -1 is negative" in res.stderr
    res = runner.invoke(app, ["savings", "--db", db, "--json"])
    notes = json.loads(res.stdout)["cli_notes"]
    assert res.exit_code == 0 and notes[0].startswith("no --to given: using today's date")
    assert notes[1].startswith("no --from given")
