"""``immex impact FILE``: what a list not yet loaded would change, on the small plant with
the 2024 sales (tests/support_decide.py), figures by hand. IGI compared = customs value (FIX
of the entry) × rate: L0 USD 1,000 → 17628.70; L1 USD 20,000 → 350670 (FIX 17.5335)."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from pathlib import Path

from typer.testing import CliRunner

from immex.cli.main import app
from immex.services.decide.impact import impact
from immex.services.discharge import runs
from immex.services.workspace import companies as workspace
from tests.support_decide import PROSEC_ROWS, SALES_2024, _write, small_plant

END = date(2024, 12, 31)


def test_a_prosec_list_for_a_sector_held(tmp_path: Path) -> None:
    ws = small_plant(
        f"sqlite:///{tmp_path / 'w.db'}", tmp_path / "w", held=True, shipments=SALES_2024
    )
    runs.run_discharge(ws)
    ws.store.dispose()
    before = (tmp_path / "w.db").read_bytes()
    ws = workspace.open_workspace(f"sqlite:///{tmp_path / 'w.db'}", require_company=True)
    try:
        r = impact(ws, _write(tmp_path / "prosec_xix.csv", PROSEC_ROWS), END)
    finally:
        ws.store.dispose()
    assert (tmp_path / "w.db").read_bytes() == before  # nothing loaded
    [f] = r.fractions
    assert (f.fraccion, f.parts, f.rate_before, f.rate_after) == ("8501.52.04", ["M1"], "15", "Ex.")
    # open on 2024-12-31: L0 10 units (USD 1,000) and L1 200 (USD 20,000):
    # (17628.70 + 350670) × 15 % = 55244.805 → 0
    assert (f.open_lots, f.open_value_usd) == (2, 21000)
    assert f.open_igi_before == Decimal("55244.805") and f.open_igi_after == 0
    # the September F4 and the October US export: 17628.70 × 15 % = 2644.305 each → 0
    assert f.f4_igi_before == f.usmca_igi_before == Decimal("2644.305")
    assert f.change == Decimal("-5288.61") and r.kind == "prosec"
    assert r.to_dict()["totals"]["change_12_months"] == Decimal("-5288.61")


def test_an_amendment_and_the_cli(tmp_path: Path) -> None:
    ws = small_plant(f"sqlite:///{tmp_path / 'w.db'}", tmp_path / "w", shipments=SALES_2024)
    runs.run_discharge(ws)
    ws.store.dispose()
    rows = [
        ["fraccion", "rate", "valid_from", "source"],
        ["8501.52.04", "25", "2024-12-01", "ILLUSTRATIVE amendment (test)"],
        ["0101.21.01", "20", "2024-12-01", "ILLUSTRATIVE amendment (test)"],
    ]
    path = _write(tmp_path / "amendments_dec.csv", rows)
    cli = CliRunner()
    res = cli.invoke(
        app,
        ["impact", str(path), "--as-of", "2024-12-31", "--db", str(tmp_path / "w.db"), "--json"],
    )
    assert res.exit_code == 0, res.output
    doc = json.loads(res.stdout)
    # 15 → 25 %: the 12 months' F4 and 63-A (17628.70 each) pay 10 % more: +3525.74
    assert doc["totals"]["change_12_months"] == "3525.74" and doc["kind"] == "amendments"
    assert doc["fractions_not_concerning_the_company"] == 1
    text = cli.invoke(
        app, ["impact", str(path), "--as-of", "2024-12-31", "--db", str(tmp_path / "w.db")]
    )
    assert text.exit_code == 0 and "+3,526" in text.output
    bad = cli.invoke(app, ["impact", str(tmp_path / "list.csv"), "--db", str(tmp_path / "w.db")])
    assert bad.exit_code == 2
