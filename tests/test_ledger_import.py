"""Ledger importers: all-or-nothing, every error located, idempotent (SQLite and PostgreSQL)."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from immex.domain.errors import BatchError, InvalidInput
from immex.services.ledger.importer import import_file
from immex.services.workspace import companies as workspace
from immex.services.workspace.context import Workspace
from immex.store.tables import ledger as t

MATERIALS = """part_number,description,kind,fraccion,umc
RES-10K,Resistor 10k,input,8533.21.01,Pza
CAB-01,Cable,input,8544.42.99,Kg
BOX-1,Carton box,packaging,4819.10.01,Pza
"""
PRODUCTS = """part_number,description,fraccion,umc
HARN-1,Harness,8544.30.01,Pza
"""
BOM = """product,component,qty_per_unit,scrap_pct,valid_from,valid_to
HARN-1,RES-10K,4,2.5,,2025-06-30
HARN-1,RES-10K,5,0,2025-07-01,
HARN-1,CAB-01,0.75,,,
"""
PEDIMENTOS = """pedimento,clave,date,part_number,quantity,value_usd,origin,fraccion,fx,certificate
25 47 3012 5000001,IN,2025-01-10,RES-10K,1000,50.00,CHN,,20.1234,
25-47-3012-5000001,IN,2025-01-10,CAB-01,200.5,1000.1234,USA,,20.1234,T-MEC
254730125000002,IN,2025-02-01,BOX-1,10,3,USA,,,
"""
SHIPMENTS = """document,kind,date,product,quantity,destination,value_usd,pedimento
EXP-1,export,2025-03-01,HARN-1,10,USA,100,
EXP-1,export,2025-03-01,HARN-1,5,USA,50,254730125000001
NAC-1,domestic,2025-03-02,HARN-1,1,,,
"""


def write(tmp: Path, name: str, text: str) -> Path:
    path = tmp / name
    path.write_text(text, encoding="utf-8")
    return path


def load_all(ws: Workspace, tmp: Path) -> None:
    for entity, text in (
        ("materials", MATERIALS),
        ("products", PRODUCTS),
        ("bom", BOM),
        ("pedimentos", PEDIMENTOS),
        ("shipments", SHIPMENTS),
    ):
        r = import_file(ws, entity, write(tmp, f"{entity}.csv", text))
        assert not r.already_imported and r.inserted == r.rows


def count(engine, table) -> int:  # type: ignore[no-untyped-def]
    with engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(table)).scalar_one())


@pytest.fixture
def ws(workspace_url: str):  # type: ignore[no-untyped-def]
    space = workspace.create_workspace(workspace_url)
    company = workspace.add_company(space, "EKU9003173C9", "Ejemplo Ilustrativo")
    yield space.with_company(company)
    space.store.dispose()


def test_import_all_and_reimport_writes_nothing(ws, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    engine = ws.store.engine
    load_all(ws, tmp_path)
    assert count(engine, t.lots) == 3 and count(engine, t.shipments) == 3
    with engine.connect() as conn:
        lots = conn.execute(select(t.lots).order_by(t.lots.c.id)).all()
        ships = conn.execute(select(t.shipments).order_by(t.shipments.c.id)).all()
        bom = conn.execute(select(t.bom).order_by(t.bom.c.id)).all()
        mats = conn.execute(select(t.materials).order_by(t.materials.c.id)).all()
    assert lots[0].pedimento == "254730125000001" and lots[0].quantity_micro == 1000 * 10**6
    assert lots[1].value_e4 == 10001234 and lots[1].fraccion == "8544.42.99"
    assert lots[1].certificate == "T-MEC" and lots[2].fx is None
    assert [s.line for s in ships] == [1, 2, 1] and ships[1].pedimento == "254730125000001"
    assert bom[0].scrap_pct_e4 == 25000 and bom[2].scrap_pct_e4 == 0
    assert mats[0].umc == "06"  # Pza → SAT UMT code
    batches = count(engine, t.import_batches)
    for entity in ("materials", "products", "bom", "pedimentos", "shipments"):
        again = import_file(ws, entity, tmp_path / f"{entity}.csv")
        assert again.already_imported and "already imported" in again.message
    assert count(engine, t.import_batches) == batches and count(engine, t.lots) == 3
    # a changed master file updates, an unchanged row stays
    changed = (
        MATERIALS.replace("Resistor 10k", "Resistor 10 kOhm") + "NEW-1,New,input,3926.90.99,Kg\n"
    )
    r = import_file(ws, "materials", write(tmp_path, "m2.csv", changed))
    assert (r.inserted, r.updated, r.unchanged) == (1, 1, 2)


def test_same_rows_in_another_file_write_nothing_and_changed_ones_are_errors(
    ws, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    """The same pedimentos and shipments saved again (CRLF, a cumulative export) are not new:
    identical rows are left alone and said so; a stored pedimento or document whose lines
    differ is an error, and nothing is written."""
    engine = ws.store.engine
    load_all(ws, tmp_path)
    batches = count(engine, t.import_batches)
    for entity, text in (("pedimentos", PEDIMENTOS), ("shipments", SHIPMENTS)):
        crlf = tmp_path / f"{entity}-crlf.csv"
        crlf.write_bytes(text.replace("\n", "\r\n").encode())
        r = import_file(ws, entity, crlf)
        assert (r.inserted, r.unchanged, r.batch_id) == (0, 3, None), entity
        assert "already imported with the same content; nothing written" in r.message
    assert count(engine, t.import_batches) == batches
    assert count(engine, t.lots) == 3 and count(engine, t.shipments) == 3
    # a cumulative file: old pedimentos unchanged, the new one written
    more = PEDIMENTOS + "254730125000009,IN,2025-03-01,BOX-1,5,2,USA,,,\n"
    r = import_file(ws, "pedimentos", write(tmp_path, "cum.csv", more))
    assert (r.inserted, r.unchanged) == (1, 3) and count(engine, t.lots) == 4
    # a stored pedimento with a different value, a document with a different quantity
    changed = PEDIMENTOS.replace("1000,50.00,CHN", "1000,51.00,CHN")
    with pytest.raises(BatchError) as info:
        import_file(ws, "pedimentos", write(tmp_path, "chg.csv", changed))
    assert [(e.line, e.field) for e in info.value.errors] == [(2, "pedimento")]
    assert "different lines" in info.value.errors[0].message
    changed = SHIPMENTS.replace(
        "NAC-1,domestic,2025-03-02,HARN-1,1,", "NAC-1,domestic,2025-03-02,HARN-1,2,"
    )
    with pytest.raises(BatchError) as info:
        import_file(ws, "shipments", write(tmp_path, "chg-s.csv", changed))
    assert [(e.line, e.field) for e in info.value.errors] == [(4, "document")]
    assert count(engine, t.lots) == 4 and count(engine, t.shipments) == 3


def test_bad_pedimentos_report_every_error_and_write_nothing(ws, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    engine = ws.store.engine
    for entity, text in (("materials", MATERIALS), ("products", PRODUCTS)):
        import_file(ws, entity, write(tmp_path, f"{entity}.csv", text))
    bad = write(
        tmp_path,
        "peds.csv",
        (
            "pedimento,clave,date,part_number,quantity,value_usd,origin\n"
            "25 47 3012 5000001,IN,2025-01-10,RES-10K,1000,50.00,CHN\n"
            "25 47 3012 500000,IN,2025-01-10,RES-10K,1000,50.00,CHN\n"
            "254730125000003,ZZ,2025-13-01,NOPE,-1,abc,XXX\n"
            "254730125000004,IN,2025-01-10,CAB-01,1.1234567,1.12345,USA\n"
            "254730125000005,IN,2021-01-10,CAB-01,1,1,USA\n"
        ),
    )
    with pytest.raises(BatchError) as info:
        import_file(ws, "pedimentos", bad)
    found = {(e.line, e.field) for e in info.value.errors}
    assert found == {
        (3, "pedimento"),
        (4, "clave"),
        (4, "date"),
        (4, "part_number"),
        (4, "quantity"),
        (4, "value_usd"),
        (4, "origin"),
        (5, "quantity"),
        (5, "value_usd"),
        (6, "date"),
    }
    text = [str(e) for e in info.value.errors]
    assert any(s.startswith(f"{bad}:4: quantity: must be greater than zero") for s in text)
    assert count(engine, t.lots) == 0 and count(engine, t.import_batches) == 2


def test_key_must_match_the_kind_of_good(ws, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """AF is for fixed assets, IN for the rest: the key decides the time limit (LA 108)."""
    engine = ws.store.engine
    mats = MATERIALS + "PRESS-1,Press,fixed_asset,8462.61.01,Pza\n"
    import_file(ws, "materials", write(tmp_path, "materials.csv", mats))
    bad = write(
        tmp_path,
        "peds.csv",
        (
            "pedimento,clave,date,part_number,quantity,value_usd,origin\n"
            "25 47 3012 5000001,AF,2025-01-10,RES-10K,1000,50.00,CHN\n"
            "25 47 3012 5000002,IN,2025-01-10,PRESS-1,1,90000,DEU\n"
            "25 47 3012 5000003,AF,2025-01-10,PRESS-1,1,90000,DEU\n"
            "25 47 3012 5000004,IN,2025-01-10,BOX-1,10,3,USA\n"
        ),
    )
    with pytest.raises(BatchError) as info:
        import_file(ws, "pedimentos", bad)
    assert [(e.line, e.field) for e in info.value.errors] == [(2, "clave"), (3, "clave")]
    assert "of kind input" in info.value.errors[0].message
    assert "takes key AF" in info.value.errors[1].message
    assert count(engine, t.lots) == 0


def test_missing_column_and_master_data_errors(ws, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    engine = ws.store.engine
    with pytest.raises(BatchError) as info:
        import_file(
            ws,
            "materials",
            write(tmp_path, "m.csv", "part_number,description,fraccion\nA,a,8544.42.99\n"),
        )
    assert {(e.line, e.field) for e in info.value.errors} == {(1, "kind"), (1, "umc")}
    with pytest.raises(BatchError) as info:
        import_file(
            ws,
            "materials",
            write(
                tmp_path,
                "m2.csv",
                (
                    "part_number,description,kind,fraccion,umc\n"
                    "A,a,input,8544.42,Pza\nA,b,rock,8544.42.99,Furlong\n,c,input,8544.42.99,Kg\n"
                    "B,b,input,9999.99.99,Pza\n"
                ),
            ),
        )
    assert {(e.line, e.field) for e in info.value.errors} == {
        (2, "fraccion"),
        (3, "part_number"),
        (3, "kind"),
        (3, "umc"),
        (4, "part_number"),
        (5, "fraccion"),
    }
    assert count(engine, t.materials) == 0


def test_bom_and_shipment_errors(ws, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    engine = ws.store.engine
    load_all(ws, tmp_path)
    with pytest.raises(BatchError) as info:
        import_file(
            ws,
            "bom",
            write(
                tmp_path,
                "b2.csv",
                (
                    "product,component,qty_per_unit,scrap_pct,valid_from,valid_to\n"
                    "HARN-1,RES-10K,3,0,2025-05-01,\n"  # overlaps both stored versions
                    "HARN-1,GHOST,1,0,,\n"
                    "GHOST,CAB-01,0,0,2025-01-02,2025-01-01\n"
                ),
            ),
        )
    assert {(e.line, e.field) for e in info.value.errors} == {
        (2, "valid_from"),
        (3, "component"),
        (4, "product"),
        (4, "qty_per_unit"),
        (4, "valid_to"),
    }
    with pytest.raises(BatchError) as info:
        import_file(
            ws,
            "shipments",
            write(
                tmp_path,
                "s2.csv",
                (
                    "document,kind,date,product,quantity,destination,pedimento\n"
                    "EXP-1,export,2025-03-01,HARN-1,1,USA,\n"
                    "EXP-2,gift,2025-03-01,HARN-1,1,QQQ,259999990000001\n"
                ),
            ),
        )
    assert {(e.line, e.field) for e in info.value.errors} == {
        (2, "document"),
        (3, "kind"),
        (3, "destination"),
        (3, "pedimento"),
    }
    assert count(engine, t.shipments) == 3


def test_xlsx_import(tmp_path: Path) -> None:
    from openpyxl import Workbook

    space = workspace.create_workspace(f"sqlite:///{tmp_path / 'x.db'}")
    space = space.with_company(workspace.add_company(space, "EKU9003173C9", "Ejemplo"))
    engine = space.store.engine
    wb = Workbook()
    ws = wb.active
    for line in MATERIALS.strip().splitlines():
        ws.append(line.split(","))
    wb.save(tmp_path / "materials.xlsx")
    r = import_file(space, "materials", tmp_path / "materials.xlsx")
    assert r.inserted == 3
    wb = Workbook()
    ws = wb.active
    ws.append(["pedimento", "clave", "date", "part_number", "quantity", "value_usd", "origin"])
    from datetime import datetime

    ws.append(["254730125000001", "IN", datetime(2025, 1, 10), "CAB-01", 12.5, 100, "USA"])
    wb.save(tmp_path / "peds.xlsx")
    r = import_file(space, "pedimentos", tmp_path / "peds.xlsx")
    assert r.inserted == 1
    with engine.connect() as conn:
        lot = conn.execute(select(t.lots)).one()
    assert lot.quantity_micro == 12_500_000 and str(lot.entry_date) == "2025-01-10"
    engine.dispose()


def test_cli_import_errors_exit_2(tmp_path: Path) -> None:
    from immex.cli.main import app

    db = str(tmp_path / "c.db")
    runner = CliRunner()
    assert runner.invoke(app, ["init", "--db", db]).exit_code == 0
    assert (
        runner.invoke(
            app, ["company", "add", "--rfc", "EKU9003173C9", "--name", "X", "--db", db]
        ).exit_code
        == 0
    )
    good = write(tmp_path, "materials.csv", MATERIALS)
    res = runner.invoke(app, ["import", "materials", str(good), "--db", db, "--json"])
    assert res.exit_code == 0 and '"inserted": 3' in res.stdout
    res = runner.invoke(app, ["import", "materials", str(good), "--db", db])
    assert res.exit_code == 0 and "already imported" in res.stdout
    bad = write(tmp_path, "bad.csv", "part_number,description,kind,fraccion,umc\nA,a,x,1,Pza\n")
    res = runner.invoke(app, ["import", "materials", str(bad), "--db", db])
    assert res.exit_code == 2
    assert f"{bad}:2: kind: unknown kind" in res.stderr
    assert f"{bad}:2: fraccion: not a tariff fraction" in res.stderr


def test_import_audit_and_batch_name_the_actor_passed_in(
    workspace_url: str, tmp_path: Path
) -> None:
    space = workspace.create_workspace(workspace_url, actor="ana@example.com")
    company = workspace.add_company(space, "EKU9003173C9", "Ejemplo Ilustrativo")
    ana = space.with_company(company)
    r = import_file(ana, "materials", write(tmp_path, "materials.csv", MATERIALS))
    with ana.read() as repos:
        entries = [e for e in repos.audit.entries(company.id) if e["action"] == "import.materials"]
        batches = repos.ledger.batches(company.id)
    assert [e["actor"] for e in entries] == ["ana@example.com"]
    assert entries[0]["detail"]["new"] == 3 and entries[0]["detail"]["file"] == "materials.csv"
    assert [(b.id, b.actor, b.entity) for b in batches] == [
        (r.batch_id, "ana@example.com", "materials")
    ]
    space.store.dispose()


def test_unknown_entity_and_missing_company_are_refused(ws: Workspace, tmp_path: Path) -> None:
    path = write(tmp_path, "materials.csv", MATERIALS)
    with pytest.raises(InvalidInput, match="unknown import 'parts'; one of materials"):
        import_file(ws, "parts", path)
    with pytest.raises(InvalidInput, match="no company chosen"):
        import_file(ws.with_company(None), "materials", path)
    with pytest.raises(InvalidInput, match="no such file"):
        import_file(ws, "materials", tmp_path / "nope.csv")
