"""The longer IMMEX limit of IVA/IEPS-certified companies (RULES I-6, confidence L): off
unless the company records its certification; then it applies to inputs whose clock starts
within the certification, in the balances, the expiry radar and the discharge itself."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

from immex.domain.errors import InvalidInput
from immex.services.discharge import balances, runs
from immex.services.ledger.importer import import_file
from immex.services.workspace import companies as workspace

MATERIALS = """part_number,description,kind,fraccion,umc
RES-10K,Resistor 10k,input,8533.21.01,Pza
PRESS-1,Press,fixed_asset,8462.61.01,Pza
"""
PRODUCTS = "part_number,description,fraccion,umc\nBRD-1,Board,8537.10.99,Pza\n"
BOM = "product,component,qty_per_unit\nBRD-1,RES-10K,1\n"
PEDIMENTOS = """pedimento,clave,date,part_number,quantity,value_usd,origin
25 47 3012 5000001,IN,2025-06-02,RES-10K,100,10,CHN
25 47 3012 5000002,IN,2025-12-01,RES-10K,100,10,CHN
25 47 3012 5000003,AF,2025-12-01,PRESS-1,1,90000,DEU
"""
# 2027-07-15: the December lot is past its 18 months (2027-06-01), within 36 (2028-12-01)
SHIPMENTS = "document,kind,date,product,quantity,destination\nE1,export,2027-07-15,BRD-1,100,USA\n"


@pytest.fixture
def ws(workspace_url: str, tmp_path: Path):  # type: ignore[no-untyped-def]
    # the scenario runs to 2027: its "today" is after the shipment (nothing is dated later)
    ws = workspace.create_workspace(workspace_url, actor="tester", today=date(2027, 12, 31))
    company = workspace.add_company(ws, "EKU9003173C9", "Planta Ilustrativa")
    ws = ws.with_company(company)
    for name, text in (
        ("materials", MATERIALS),
        ("products", PRODUCTS),
        ("bom", BOM),
        ("pedimentos", PEDIMENTOS),
        ("shipments", SHIPMENTS),
    ):
        path = tmp_path / f"{name}.csv"
        path.write_text(text, encoding="utf-8")
        import_file(ws, name, path)
    yield ws
    ws.store.dispose()


def _limits(ws) -> dict[str, date | None]:  # type: ignore[no-untyped-def]
    rows, _ = balances.balance(ws, date(2026, 1, 1))
    return {b.pedimento[-7:]: b.limit_date for b in rows}


def test_certification_is_opt_in_and_lengthens_input_limits(ws) -> None:  # type: ignore[no-untyped-def]
    company = ws.the_company
    assert _limits(ws) == {
        "5000001": date(2026, 12, 2),
        "5000002": date(2027, 6, 1),
        "5000003": None,
    }
    before = runs.run_discharge(ws)
    assert before.expired_lots >= 1 and before.shortfalls == 1  # the December lot is expired

    workspace.add_certification(ws, company, date(2025, 1, 1), None, "ILLUSTRATIVE 123")
    assert _limits(ws) == {
        "5000001": date(2026, 12, 2),  # parameter not in force for a 2025-06 clock: 18 months
        "5000002": date(2028, 12, 1),  # 36 months
        "5000003": None,  # fixed assets: program validity, unchanged
    }
    _, notes = balances.balance(ws, date(2026, 1, 1))
    assert any("not in the data for clocks starting 2025-06-02" in n for n in notes)
    assert any("confidence L" in n for n in notes)

    after = runs.run_discharge(ws)
    assert after.inputs_hash != before.inputs_hash and after.shortfalls == 0
    assert after.parameters["iva_ieps_certification"][0]["reference"] == "ILLUSTRATIVE 123"


def test_certification_periods_are_checked(ws, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    company = ws.the_company
    with pytest.raises(InvalidInput, match="before"):
        workspace.add_certification(ws, company, date(2026, 1, 1), date(2025, 1, 1), "x")
    workspace.add_certification(ws, company, date(2025, 1, 1), date(2025, 12, 31), "a")
    with pytest.raises(InvalidInput, match="overlaps"):
        workspace.add_certification(ws, company, date(2025, 6, 1), None, "b")

    from immex.cli.main import app

    url = str(ws.store.engine.url.render_as_string(hide_password=False))
    res = CliRunner().invoke(
        app, ["company", "certify", "--db", url, "--from", "2026-01-01", "--reference", ""]
    )
    assert res.exit_code == 2 and "--reference" in res.output
    res = CliRunner().invoke(
        app, ["company", "certify", "--db", url, "--from", "2026-01-01", "--reference", "c"]
    )
    assert res.exit_code == 0, res.output
    assert "recorded" in res.output
    res = CliRunner().invoke(app, ["discharge", "run", "--db", url])
    assert res.exit_code == 0, res.output
    assert "note: IVA/IEPS certification (a, from 2025-01-01)" in res.output
