"""Destruction of waste and scrap (issue 14 item 3): a shipment of kind ``destruction`` with
its evidence (the notice or acta) discharges lots like any exit, owes no IGI (LA 109 ¶3,
RULES C-5) and shows in the Annex 24 exits as "destrucción"; waste sold in Mexico stays an F4.

Hand-worked plant (ILLUSTRATIVE): one lot of 100 cables (pedimento 25 47 3012 5000101, entered
2025-03-03, US$ 1,000); product MOD uses 1 cable. 2025-05-06: destruction of 10 (acta
DEST-01); 2025-05-07: domestic sale of 20. FIFO: the destruction takes 10 from the lot
(journal key DESTR), the sale 20 (key F4); 70 stay open. The F4 plan prices 20 cables only.
"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest
from typer.testing import CliRunner

from immex.cli.main import app
from immex.domain.discharge import discharge_reference
from immex.domain.discharge.kernel import discharge_domain
from immex.services.discharge import plant as inputs
from immex.services.workspace import companies as workspace

runner = CliRunner()
RFC = "EKU9003173C9"


def _files(tmp: Path, evidence: str = "DEST-01") -> dict[str, Path]:
    files = {
        "materials": "part_number,description,kind,fraccion,umc\n"
        "CABLE,Cable,input,8544.42.99,PZA\n",
        "products": "part_number,description,fraccion,umc\nMOD,Modulo,8537.10.99,PZA\n",
        "bom": "product,component,qty_per_unit\nMOD,CABLE,1\n",
        "pedimentos": "pedimento,clave,date,part_number,quantity,value_usd,origin,fraccion\n"
        "25 47 3012 5000101,IN,2025-03-03,CABLE,100,1000,CHN,8544.42.99\n",
        "shipments": "document,kind,date,product,quantity,destination,evidence\n"
        f"ACTA-1,destruction,2025-05-06,MOD,10,,{evidence}\n"
        "FAC-1,domestic,2025-05-07,MOD,20,MEX,\n",
    }
    out = {}
    for name, text in files.items():
        out[name] = tmp / f"{name}.csv"
        out[name].write_text(text, encoding="utf-8")
    return out


def _run(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.output


def _plant(tmp_path: Path, evidence: str = "DEST-01") -> tuple[str, int, str]:
    db = str(tmp_path / "w.db")
    assert _run("init", "--db", db)[0] == 0
    assert _run("company", "add", "--rfc", RFC, "--name", "Planta", "--db", db)[0] == 0
    files = _files(tmp_path, evidence)
    code, out = 0, ""
    for name in ("materials", "products", "bom", "pedimentos", "shipments"):
        code, out = _run("import", name, str(files[name]), "--db", db)
        if code:
            break
    return db, code, out


def test_destruction_needs_its_evidence(tmp_path: Path) -> None:
    db, code, out = _plant(tmp_path, evidence="")
    assert code == 2
    assert "shipments.csv:2: evidence: a destruction needs its evidence" in out


def test_destruction_discharges_owes_no_igi_and_is_named(tmp_path: Path) -> None:
    db, code, out = _plant(tmp_path)
    assert code == 0, out
    code, out = _run("discharge", "run", "--through", "2025-05-31", "--db", db, "--json")
    assert code == 0, out
    summary = json.loads(out)
    assert summary["by_key"] == {"DESTR": 1, "F4": 1}
    code, out = _run("balance", "--as-of", "2025-05-31", "--db", db, "--json")
    lots = json.loads(out)["lots"]
    assert [(lot["part"], Decimal(lot["open_quantity"])) for lot in lots] == [("CABLE", 70)]
    code, out = _run("f4", "plan", "--period", "2025-05", "--db", db, "--json")
    plan = json.loads(out)
    # the destroyed 10 owe no IGI: the plan prices the 20 sold
    assert [Decimal(ln["quantity"]) for ln in plan["lines"]] == [20]


def test_fast_engine_and_oracle_agree_on_a_destruction(tmp_path: Path) -> None:
    db, code, out = _plant(tmp_path)
    assert code == 0, out
    ws = workspace.open_workspace(db, RFC)
    try:
        lots, ships, bom = inputs.load_domain_inputs(ws)
    finally:
        ws.store.dispose()
    ref = discharge_reference(lots, ships, bom)
    fast = discharge_domain(lots, ships, bom)
    assert [a.key for a in ref.allocations] == ["DESTR", "F4"]
    assert fast.allocations == ref.allocations


@pytest.mark.parametrize("kind", ["destruccion", "scrap"])
def test_unknown_kinds_name_the_known_ones(tmp_path: Path, kind: str) -> None:
    db = str(tmp_path / "w.db")
    _run("init", "--db", db)
    _run("company", "add", "--rfc", RFC, "--name", "Planta", "--db", db)
    files = _files(tmp_path)
    files["shipments"].write_text(
        f"document,kind,date,product,quantity\nX,{kind},2025-05-06,MOD,1\n", encoding="utf-8"
    )
    for name in ("materials", "products", "bom"):
        _run("import", name, str(files[name]), "--db", db)
    code, out = _run("import", "shipments", str(files["shipments"]), "--db", db)
    assert code == 2 and "export, domestic, transfer, destruction" in out
