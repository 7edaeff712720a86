"""A temporary import of a fracción in Annex I of the IMMEX Decree is history: accepted, and
flagged end to end — the import summary, ``immex balance``, ``immex expiry``, the month
report (HTML, XLSX, PDF) and the ledger and expiry pages.

Hand-worked plant (ILLUSTRATIVE): pedimento 25 47 3012 5000101 of 2025-03-03 brings 100
cables (8544.42.99, line 2) and 50 knitted T-shirts (6109.10.03, line 3: chapter 61, in
Annex I since the decree DOF 19-12-2024, RULES I-10); pedimento 24 47 3012 4000102 of
2024-12-10 brought 20 T-shirts (line 4), before the decree: not flagged. A kit (1 cable + 1
T-shirt) is exported 10 times on 2025-05-07: FIFO takes 10 cables of line 2 and 10 T-shirts
of the 2024 lot, so on 2025-05-31 the flagged lot is whole: 50 open, US$ 250.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from pypdf import PdfReader
from typer.testing import CliRunner

from immex.api.v1.auth import JobRunners, ServerSettings
from immex.cli.main import app
from immex.services.accounts import users
from immex.services.workspace.companies import open_workspace
from immex.web.site import create_site

runner = CliRunner()
RFC = "EKU9003173C9"
PASSWORD = "correct horse battery"
SECTION = "Fracciones restringidas (Anexo I/II del Decreto IMMEX)"
FILES = {
    "materials": "part_number,description,kind,fraccion,umc\n"
    "CABLE,Cable,input,8544.42.99,PZA\nTSHIRT,Camiseta de punto,input,6109.10.03,PZA\n",
    "products": "part_number,description,fraccion,umc\nKIT,Kit,8537.10.99,PZA\n",
    "bom": "product,component,qty_per_unit\nKIT,CABLE,1\nKIT,TSHIRT,1\n",
    "pedimentos": "pedimento,clave,date,part_number,quantity,value_usd,origin,fraccion\n"
    "25 47 3012 5000101,IN,2025-03-03,CABLE,100,1000,CHN,8544.42.99\n"
    "25 47 3012 5000101,IN,2025-03-03,TSHIRT,50,250,CHN,6109.10.03\n"
    "24 47 3012 4000102,IN,2024-12-10,TSHIRT,20,100,CHN,6109.10.03\n",
    "shipments": "document,kind,date,product,quantity,destination\n"
    "FAC-1,export,2025-05-07,KIT,10,USA\n",
}


def _run(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.output


@pytest.fixture(scope="module")
def plant(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, Path, dict[str, str]]:
    tmp = tmp_path_factory.mktemp("annex")
    db = str(tmp / "w.db")
    assert _run("init", "--db", db)[0] == 0
    assert _run("company", "add", "--rfc", RFC, "--name", "Planta", "--db", db)[0] == 0
    outputs: dict[str, str] = {}
    for name, text in FILES.items():
        path = tmp / f"{name}.csv"
        path.write_text(text, encoding="utf-8")
        if name == "pedimentos":
            code, out = _run("import", name, str(path), "--db", db, "--dry-run", "--json")
            assert code == 0, out
            outputs["dry_run"] = out
        code, out = _run("import", name, str(path), "--db", db, "--json")
        assert code == 0, out
        outputs[name] = out
    code, out = _run("discharge", "run", "--through", "2025-05-31", "--db", db)
    assert code == 0, out
    return db, tmp, outputs


def test_import_summary_flags_the_line_and_stores_it(plant) -> None:  # type: ignore[no-untyped-def]
    _db, _tmp, outputs = plant
    for key in ("dry_run", "pedimentos"):
        result = json.loads(outputs[key])
        assert result["inserted"] == 3  # accepted: history
        notes = [n for n in result["notes"] if "IMMEX" in n]
        assert notes == [
            "pedimentos.csv: 1 temporary-import line with a fracción in Annex I/II of the "
            "IMMEX Decree on its entry date: accepted as history, flagged here and in the "
            "balance, the expiry radar and the month reports",
            "pedimentos.csv: line 3 (pedimento 25 47 3012 5000101), fracción 6109.10.03: "
            "Annex I of the IMMEX Decree (chapter 61, Decreto IMMEX Anexo I, reforma DOF "
            "19-12-2024 (RULES I-10); confidence M): may not be imported temporarily on "
            "2025-03-03 — accepted as history, flagged (RULES I-5, I-10)",
        ], key


def test_balance_flags_the_open_lot(plant) -> None:  # type: ignore[no-untyped-def]
    db, _tmp, _ = plant
    code, out = _run("balance", "--as-of", "2025-05-31", "--db", db, "--json")
    assert code == 0, out
    doc = json.loads(out)
    by_line = {(lot["part"], lot["entry_date"]): lot for lot in doc["lots"]}
    assert by_line[("CABLE", "2025-03-03")]["open_quantity"] == "90.000000"
    assert by_line[("CABLE", "2025-03-03")]["annex"] is None
    assert by_line[("TSHIRT", "2024-12-10")]["open_quantity"] == "10.000000"
    assert by_line[("TSHIRT", "2024-12-10")]["annex"] is None  # before the decree
    flagged = by_line[("TSHIRT", "2025-03-03")]
    assert flagged["open_quantity"] == "50.000000" and flagged["open_value_usd"] == "250.0000"
    assert flagged["annex"]["annex"] == "I" and flagged["annex"]["scope"] == "61"
    assert flagged["annex"]["kind"] == "restricted" and flagged["annex"]["confidence"] == "M"
    assert "DOF 19-12-2024" in flagged["annex"]["source"]
    assert any(n.startswith("1 open lot (USD 250.00) of a fracción in Annex I/II")
               for n in doc["notes"])  # fmt: skip
    code, text = _run("balance", "--as-of", "2025-05-31", "--db", db)
    assert code == 0 and "Annex I" in text


def test_expiry_radar_flags_the_lot(plant) -> None:  # type: ignore[no-untyped-def]
    db, _tmp, _ = plant
    # IN: 18 months (LA 108-I): the 2024 lot ends 2026-06-10 (expired on 2026-08-01), the
    # 2025 lots on 2026-09-03 (33 days left)
    code, out = _run("expiry", "--within", "60", "--as-of", "2026-08-01", "--db", db, "--json")
    assert code == 0, out
    lots = {(x["part"], x["entry_date"]): x for x in json.loads(out)["lots"]}
    assert set(lots) == {("CABLE", "2025-03-03"), ("TSHIRT", "2025-03-03"),
                         ("TSHIRT", "2024-12-10")}  # fmt: skip
    assert lots[("TSHIRT", "2025-03-03")]["annex"]["annex"] == "I"
    assert lots[("TSHIRT", "2024-12-10")]["annex"] is None
    assert lots[("CABLE", "2025-03-03")]["annex"] is None


def test_month_report_has_the_section_and_the_flag_column(plant) -> None:  # type: ignore[no-untyped-def]
    db, tmp, _ = plant
    out = tmp / "reports"
    formats = ("--format", "html", "--format", "xlsx", "--format", "pdf")
    code, text = _run("report", "--period", "2025-03", "--db", db, "--out", str(out),
                      "--lang", "es", *formats, "--json")  # fmt: skip
    assert code == 0, text
    files = json.loads(text)["files"]
    html = Path(files["html"]).read_text(encoding="utf-8")
    assert SECTION in html
    assert "Saldos abiertos en fracciones restringidas" in html
    assert "Anexo I del Decreto IMMEX (capítulo 61" in html
    assert "no puede importarse temporalmente el 2025-03-03" in html
    # the balances table carries the flag column too
    assert "Anexo IMMEX" in html
    book = load_workbook(files["xlsx"], read_only=True)
    cells = [str(c) for ws in book.worksheets for row in ws.iter_rows(values_only=True)
             for c in row if c is not None]  # fmt: skip
    assert SECTION in cells, book.sheetnames
    assert sum(1 for c in cells if c.startswith("Anexo I del Decreto IMMEX (capítulo 61")) >= 2
    pdf_text = " ".join(p.extract_text() or "" for p in PdfReader(files["pdf"]).pages)
    assert "Fracciones restringidas" in pdf_text and "Anexo I del Decreto IMMEX" in pdf_text


def test_pages_show_the_flag(plant) -> None:  # type: ignore[no-untyped-def]
    db, _tmp, _ = plant
    url = f"sqlite:///{db}"
    ws = open_workspace(url, actor="installer")
    users.add_user(ws, "specialist@example.com", "specialist", [RFC], password=PASSWORD)
    ws.store.dispose()
    clock = lambda: datetime(2026, 8, 1, 9, 0, tzinfo=UTC)  # noqa: E731
    client = TestClient(create_site(url, ServerSettings(clock=clock, jobs=JobRunners.HERE)))
    form = client.get("/login")
    token = re.search(r'name="csrf_token" value="([^"]+)"', form.text)
    assert token
    client.post("/login", data={"email": "specialist@example.com", "password": PASSWORD,
                                "csrf_token": token.group(1)})  # fmt: skip
    pages = (f"/c/{RFC}/ledger?as_of=2025-05-31", f"/c/{RFC}/expiry?as_of=2026-08-01&within=60")
    for path in pages:
        page = client.get(path)
        assert page.status_code == 200, page.text
        badges = re.findall(r'<span class="badge annex" title="([^"]+)">([^<]+)</span>', page.text)
        assert len(badges) == 1, path
        assert badges[0][1] == "Anexo I" and "capítulo 61" in badges[0][0]
    english = client.get(f"/c/{RFC}/ledger?as_of=2025-05-31&lang=en")
    badge = '<span class="badge annex" title="Annex I of the IMMEX Decree (chapter 61'
    assert badge in english.text and date(2025, 3, 3).isoformat() in english.text
