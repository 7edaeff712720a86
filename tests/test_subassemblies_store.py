"""Sub-assemblies through the importer, the store and the reports (SQLite and PostgreSQL):
the hand-worked plant of ``test_subassemblies`` as the user's files (ILLUSTRATIVE data)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from immex.cli.main import app
from immex.domain.discharge import discharge_reference
from immex.domain.errors import BatchError
from immex.services.discharge import journal, runs
from immex.services.discharge import plant as inputs
from immex.services.ledger.importer import import_file
from immex.services.workspace import companies as workspace
from immex.services.workspace.context import Workspace
from immex.store.tables import ledger as t

D = Decimal

FILES = {
    "materials": """part_number,description,kind,fraccion,umc
CU-WIRE,Cable de cobre,input,8544.42.99,Kg
TERM,Terminal,input,8536.69.99,Pza
HOUSING,Carcasa,input,3926.90.99,Pza
SCREW,Tornillo,input,7318.15.99,Pza
""",
    "products": """part_number,description,fraccion,umc
MOD-1,Modulo de control,8537.10.99,Pza
HARN-2,Arnes,8544.30.01,Pza
CONN-3,Conector,8536.69.99,Pza
""",
    # a sub-assembly is a BOM row whose component is a product
    "bom": """product,component,qty_per_unit,scrap_pct,valid_from,valid_to
MOD-1,HARN-2,2,5,,
MOD-1,HOUSING,1,0,,
MOD-1,SCREW,4,2.5,,
HARN-2,CU-WIRE,0.35,3,,2025-03-31
HARN-2,CU-WIRE,0.40,3,2025-04-01,
HARN-2,CONN-3,2,1,,
CONN-3,TERM,3,2,,
CONN-3,SCREW,1,0,,
""",
    "pedimentos": """pedimento,clave,date,part_number,quantity,value_usd,origin
253016005000001,IN,2025-01-10,CU-WIRE,80,800,USA
253016005000001,IN,2025-01-10,HOUSING,200,400,CHN
253016005000001,IN,2025-01-10,SCREW,1000,50,CHN
253016005000001,IN,2025-01-10,TERM,1300,130,USA
253016005000002,IN,2025-02-01,CU-WIRE,100,1100,USA
253016005000003,IN,2025-02-05,TERM,500,60,USA
""",
    "shipments": """document,kind,date,product,quantity,destination,value_usd
EXP-1,export,2025-03-10,MOD-1,100,USA,25000
EXP-2,export,2025-04-15,MOD-1,10,USA,2500
NAC-1,domestic,2025-04-20,HARN-2,3,,
""",
}


def _write(folder: Path, name: str, text: str) -> Path:
    path = folder / f"{name}.csv"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def ws(workspace_url: str, tmp_path: Path):  # type: ignore[no-untyped-def]
    space = workspace.create_workspace(workspace_url, actor="tester")
    space = space.with_company(workspace.add_company(space, "EKU9003173C9", "Ilustrativa"))
    for name, text in FILES.items():
        import_file(space, name, _write(tmp_path, name, text))
    yield space
    space.store.dispose()


def _count(ws: Workspace, table) -> int:  # type: ignore[no-untyped-def]
    with ws.store.engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(table)).scalar_one())


def test_stored_run_explodes_every_level(ws: Workspace) -> None:
    summary = runs.run_discharge(ws)
    # one consumption per shipment and material: 4 + 4 + 3 (test_subassemblies works them)
    assert summary.consumptions == 11 and summary.shortfalls == 0
    assert summary.unexploded_shipments == 0
    lots, ships, bom = inputs.load_domain_inputs(ws)
    ref = discharge_reference(lots, ships, bom)
    assert journal.run_domain_result(ws, summary.run_id) == [
        (a.shipment_id, a.lot_id, a.quantity, a.value_usd, a.key, a.directed)
        for a in ref.allocations
    ]
    rows = journal.journal_rows(ws)
    used: dict[str, Decimal] = {}
    for r in rows:
        used[r.component] = used.get(r.component, D(0)) + r.quantity
    # by hand: CU-WIRE 75.705 + 8.652 + 1.236; HOUSING 100 + 10; SCREW 834.2 + 83.42 + 6.06;
    # TERM 1,298.052 + 129.8052 + 18.5436
    assert used == {
        "CU-WIRE": D("85.593"),
        "HOUSING": D("110"),
        "SCREW": D("923.68"),
        "TERM": D("1446.4008"),
    }


def test_a_cycle_is_refused_at_import_with_its_path(ws: Workspace, tmp_path: Path) -> None:
    before = _count(ws, t.bom)
    bad = _write(
        tmp_path,
        "bom2",
        "product,component,qty_per_unit\nCONN-3,PIN,1\nCONN-3,MOD-1,1\nHARN-2,CONN-3,9\n",
    )
    with pytest.raises(BatchError) as info:
        import_file(ws, "bom", bad)
    errors = {(e.line, e.field): e.message for e in info.value.errors}
    assert "neither a material nor a product" in errors[(2, "component")]
    assert "CONN-3 → MOD-1 → HARN-2 → CONN-3" in errors[(3, "component")]
    assert _count(ws, t.bom) == before  # nothing written


def test_a_component_that_is_material_and_product_is_refused(ws: Workspace, tmp_path: Path) -> None:
    import_file(
        ws,
        "products",
        _write(
            tmp_path, "p2", "part_number,description,fraccion,umc\nSCREW,Tornillo,7318.15.99,Pza\n"
        ),
    )
    with pytest.raises(BatchError) as info:
        import_file(
            ws, "bom", _write(tmp_path, "b3", "product,component,qty_per_unit\nHARN-2,SCREW,1\n")
        )
    [err] = info.value.errors
    assert (err.line, err.field) == (2, "component") and "both a material and a product" in (
        err.message
    )


def test_cli_refuses_a_cycle_exit_2_file_and_line(tmp_path: Path) -> None:
    runner = CliRunner()
    db = str(tmp_path / "w.db")
    assert runner.invoke(app, ["init", "--db", db]).exit_code == 0
    add = ["company", "add", "--rfc", "EKU9003173C9", "--name", "Ilustrativa", "--db", db]
    assert runner.invoke(app, add).exit_code == 0
    for name in ("materials", "products"):
        path = _write(tmp_path, name, FILES[name])
        assert runner.invoke(app, ["import", name, str(path), "--db", db]).exit_code == 0
    bom = _write(tmp_path, "bom", FILES["bom"] + "CONN-3,MOD-1,1,0,,\n")
    res = runner.invoke(app, ["import", "bom", str(bom), "--db", db])
    assert res.exit_code == 2
    assert "bom.csv:10" in res.stderr and "CONN-3 → MOD-1 → HARN-2 → CONN-3" in res.stderr
    res = runner.invoke(app, ["import", "bom", str(bom), "--db", db, "--dry-run"])
    assert res.exit_code == 2
    ok = runner.invoke(
        app, ["import", "bom", str(_write(tmp_path, "bom", FILES["bom"])), "--db", db]
    )
    assert ok.exit_code == 0, ok.output  # nothing of the refused file was written


def test_the_whole_plant_runs_through_a_date(ws: Workspace) -> None:
    cut = runs.run_discharge(ws, through=date(2025, 3, 31))
    assert cut.consumptions == 4  # EXP-1 only


def test_annex24_lists_the_materials_of_each_finished_product(ws: Workspace) -> None:
    from immex.services.reports.annex24 import ledger_tables

    runs.run_discharge(ws)
    led = ledger_tables(ws, date(2025, 4, 1), date(2025, 4, 30))
    rows = {(r["product"], r["part"]): r for r in led["materials_by_product"]}
    assert sorted(rows) == [
        ("HARN-2", "CU-WIRE"),
        ("HARN-2", "SCREW"),
        ("HARN-2", "TERM"),
        ("MOD-1", "CU-WIRE"),
        ("MOD-1", "HOUSING"),
        ("MOD-1", "SCREW"),
        ("MOD-1", "TERM"),
    ]
    # April: 10 MOD-1 (EXP-2) and 3 HARN-2 sold on their own (NAC-1), worked by hand in
    # test_subassemblies: SCREW of MOD-1 = 41 direct + 42.42 through HARN-2 → CONN-3
    screw = rows[("MOD-1", "SCREW")]
    assert screw["shipped"] == D(10) and screw["level"] == "1, 3"
    assert screw["route"] == "MOD-1 → HARN-2 → CONN-3 → SCREW; MOD-1 → SCREW"
    assert screw["required"] == screw["quantity"] == D("83.42")
    assert screw["value_usd"] == D("4.171") and screw["fraccion"] == "7318.15.99"
    term = rows[("MOD-1", "TERM")]
    assert (term["level"], term["required"], term["value_usd"]) == (
        "3",
        D("129.8052"),
        D("0.1948") + D("15.3429"),
    )
    wire = rows[("HARN-2", "CU-WIRE")]
    assert (wire["shipped"], wire["route"], wire["required"], wire["value_usd"]) == (
        D(3),
        "HARN-2 → CU-WIRE",
        D("1.236"),
        D("13.596"),
    )
    assert led["materials_by_product_notes"] == ()


def test_the_report_workbook_has_the_sheet(ws: Workspace, tmp_path: Path) -> None:
    from datetime import UTC, datetime

    from openpyxl import load_workbook

    from immex.reports.i18n import t
    from immex.services.month_end.close import month_end_reports

    runs.run_discharge(ws)
    done = month_end_reports(
        ws, "2025-03", formats=["xlsx", "html"], out=tmp_path / "r",
        computed_at=datetime(2025, 4, 1, tzinfo=UTC),
    )  # fmt: skip
    wb = load_workbook(done.files["xlsx"], read_only=True)
    sheet = wb[t("sheet.materials_by_product", "es")]
    cells = [[c for c in r if c is not None] for r in sheet.iter_rows(values_only=True)]
    assert [t("sec.materials_by_product", "es")] in cells
    header = next(r for r in cells if t("col.bom_route", "es") in r)
    assert header[:4] == ["Producto", "Cantidad de salida", "UMC", "Material"]  # shipments, sales
    wire = next(r for r in cells if r[:1] == ["MOD-1"] and "CU-WIRE" in r)
    assert "MOD-1 → HARN-2 → CU-WIRE" in wire and 75.705 in wire
    html = Path(done.files["html"]).read_text(encoding="utf-8")
    assert t("sec.materials_by_product", "es") in html and "MOD-1 → HARN-2 → CONN-3 → TERM" in html


@pytest.mark.parametrize(("product", "when"), [("MOD-1", "2025-04-16"), ("HARN-2", "2025-03-11")])
def test_whatif_takes_the_lots_a_real_run_would(tmp_path: Path, product: str, when: str) -> None:
    """The what-if reads only the slice of the plant a line can touch (plant_slice): on a
    multi-level plant that slice goes down every level (a HARN-2 line touches the lots that
    the MOD-1 shipments draw through HARN-2 and CONN-3). Compared with recording the line
    and running the discharge on a copy."""
    import shutil

    from immex.services.decide.whatif import whatif_sell

    db = tmp_path / "w.db"
    space = workspace.create_workspace(f"sqlite:///{db}", actor="tester")
    space = space.with_company(workspace.add_company(space, "EKU9003173C9", "Ilustrativa"))
    for name, text in FILES.items():
        import_file(space, name, _write(tmp_path, name, text))
    day = date.fromisoformat(when)
    try:
        sim = whatif_sell(space, product, D(40), day, ["USA"])
    finally:
        space.store.dispose()
    copy = tmp_path / "copy.db"
    shutil.copy(db, copy)
    real = workspace.open_workspace(f"sqlite:///{copy}", actor="tester", require_company=True)
    try:
        line = (
            f"document,kind,date,product,quantity,destination\nW-1,export,{when},{product},40,USA\n"
        )
        import_file(real, "shipments", _write(tmp_path, "w", line))
        run = runs.run_discharge(real)
        with real.read() as repos:
            sid = max(r.id for r in repos.discharge_inputs.shipments(real.the_company.id))
            shorts = {
                r.part_number: Decimal(r.missing_micro).scaleb(-6)
                for r in repos.journal.shortfalls(run.run_id)
                if r.shipment_id == sid
            }
        rows = [r for r in journal.run_domain_result(real, run.run_id) if r[0] == sid]
    finally:
        real.store.dispose()
    assert rows  # the line does take lots, through the sub-assemblies
    assert [(u.lot_id, u.quantity, u.value_usd, u.directed) for u in sim.lots] == [
        (lot, qty, value, directed) for _sid, lot, qty, value, _key, directed in rows
    ]
    assert {s.part: s.missing for s in sim.shortfalls} == shorts
