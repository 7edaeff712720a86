"""The reports repository (the month-end figures' ledger reads): SQLite and PostgreSQL give
the same answers, Decimal from the store's integers, in the documented order."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

from immex.services.ledger.importer import import_file
from immex.services.workspace import companies as workspace

FILES = {
    "materials": """part_number,description,kind,fraccion,umc
MCU,Microcontrolador,input,8542.31.03,Pza
BOX,Caja de cartón,packaging,4819.10.01,Pza
""",
    "products": """part_number,description,fraccion,umc
P1,No-break,8504.40.16,Pza
""",
    "bom": """product,component,qty_per_unit,scrap_pct,valid_from,valid_to
P1,MCU,1,0,,
P1,BOX,1,0,,
""",
    "pedimentos": """pedimento,clave,date,part_number,quantity,value_usd,origin,certificate
25 24 3012 5000002,IN,2025-02-03,MCU,50.5,505.25,USA,TMEC
25 24 3012 5000001,IN,2025-01-10,MCU,100,1000,CHN,
25 24 3012 5000001,IN,2025-01-10,BOX,100,10,CHN,
""",
    "shipments": """document,kind,date,product,quantity,destination,value_usd
E1,export,2025-03-10,P1,20,USA,2000
D1,domestic,2025-01-20,P1,10,MEX,
""",
}


def _workspace(url: str, tmp: Path) -> workspace.Workspace:
    ws = workspace.create_workspace(url)
    ws = ws.with_company(workspace.add_company(ws, "EKU9003173C9", "Planta"))
    for name, text in FILES.items():
        path = tmp / f"{name}.csv"
        path.write_text(text, encoding="utf-8")
        import_file(ws, name, path)
    return ws


def test_the_annex24_reads(workspace_url: str, tmp_path: Path) -> None:
    ws = _workspace(workspace_url, tmp_path)
    cid = ws.the_company.id
    try:
        with ws.read() as repos:
            r = repos.reports
            assert r.materials(cid) == {
                "MCU": ("Microcontrolador", "8542.31.03"),
                "BOX": ("Caja de cartón", "4819.10.01"),
            }
            january = r.lots_entered(cid, date(2025, 1, 1), date(2025, 1, 31))
            assert sorted((x.part_number, x.quantity, x.value_usd) for x in january) == [
                ("BOX", Decimal(100), Decimal(10)),
                ("MCU", Decimal(100), Decimal(1000)),
            ]
            assert {x.pedimento for x in january} == {"252430125000001"}
            february = r.lots_entered(cid, date(2025, 2, 1), date(2025, 2, 28))
            assert [(x.quantity, x.value_usd, x.origin) for x in february] == [
                (Decimal("50.5"), Decimal("505.25"), "USA")
            ]
            ships = r.shipments_made(cid, date(2025, 1, 1), date(2025, 3, 31))
            assert [(s.document, s.kind, s.destination, s.value_usd) for s in ships] == [
                ("D1", "domestic", "MEX", None),
                ("E1", "export", "USA", Decimal(2000)),
            ]
            origins = r.lot_fracciones_and_origins(cid)
            assert sorted(origins.values()) == [
                ("4819.10.01", "CHN"),
                ("8542.31.03", "CHN"),
                ("8542.31.03", "USA"),
            ]
            by_id = r.portion_lots(origins)
            assert set(by_id) == set(origins)
            usa = next(x for x in by_id.values() if x.origin == "USA")
            assert (usa.certificate, usa.entry_date) == ("TMEC", date(2025, 2, 3))
            assert r.portion_shipments([]) == {}
    finally:
        ws.store.dispose()


def test_portions_read_in_chunks(workspace_url: str, tmp_path: Path) -> None:
    """More ids than one ``IN (…)`` holds: every one is still found."""
    from immex.store.repositories import reports

    ws = _workspace(workspace_url, tmp_path)
    try:
        with ws.read() as repos:
            ids = list(repos.reports.lot_fracciones_and_origins(ws.the_company.id))
            old, reports.CHUNK = reports.CHUNK, 1
            try:
                assert set(repos.reports.portion_lots(ids)) == set(ids)
            finally:
                reports.CHUNK = old
    finally:
        ws.store.dispose()
