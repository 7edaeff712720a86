"""The program packs on the small plant (tests/support_decide.py) with the 2024 sales:
``immex annual-report immex|prosec`` and ``immex prosec application``, figures by hand.

Real data: FIX determined 2024-06-27 18.3773 (export Mon 2024-07-01), 2024-10-11 19.3983
(export Tue 2024-10-15), 2024-06-06 17.5335 (L1's entry), 2023-05-11 17.6287 (L0's entry)."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from immex.cli.main import app
from immex.domain.program_packs import (
    PARAM_EXPORTS_SHARE,
    PARAM_EXPORTS_USD,
    Program,
    due_dates,
    last_weekday,
    program_test,
)
from immex.refdata.bundled import param
from immex.reports.i18n import tr
from immex.services.decide.annual_report import annual_report
from immex.services.decide.prosec_application import prosec_application
from immex.services.discharge import runs
from tests.support_decide import SALES_2024, small_plant


@pytest.fixture
def plant(workspace_url: str, tmp_path: Path):  # type: ignore[no-untyped-def]
    ws = small_plant(workspace_url, tmp_path, prosec=True, held=False, shipments=SALES_2024)
    runs.run_discharge(ws)
    yield ws
    ws.store.dispose()


def _table(pack, name):  # type: ignore[no-untyped-def]
    return pack.to_dict()["tables"][name]


def test_annual_report_immex_with_the_sales_given(plant) -> None:  # type: ignore[no-untyped-def]
    r = annual_report(plant, "immex", 2024, sales_total_mxn=Decimal(1_000_000))
    s = dict(r.summary)
    # exports: DEU 3000 × 18.3773 = 55131.90 ; USA 1500 × 19.3983 = 29097.45 → 84229.35
    assert [
        (x["destination"], x["value_usd"], x["value_mxn"])
        for x in _table(r, "exports by destination")
    ] == [("DEU", 3000, Decimal("55131.90")), ("USA", 1500, Decimal("29097.45"))]
    assert s["exports (USD)"] == 4500 and s["exports (MXN at the FIX of each date)"] == Decimal(
        "84229.35"
    )
    # imports of 2024: L1 (IN, USD 20,000 × 17.5335 = 350670) and the September F4 of 10
    # units of L0 (USD 1,000 × 17.6287 = 17628.70)
    assert {(x["key"], x["value_usd"], x["value_mxn"]) for x in _table(r, "imports")} == {
        ("IN", 20000, Decimal("350670.00")),
        ("F4", 1000, Decimal("17628.70")),
    }
    # goods produced: 20 + 10 + 10 P1 (8501.52.99)
    assert [(x["fraccion"], x["quantity"]) for x in _table(r, "goods produced by fraction")] == [
        ("8501.52.99", 40)
    ]
    # RULES I-11: 4,500 ≤ 500,000 and 84229.35 / 1,000,000 = 8.42 % < 10 % → not met
    assert (
        s["IMMEX program test (RULES I-11)"] == "NOT met"
        and "8.42 %" in s["IMMEX program test: why"]
    )
    # no PROSEC held: the IMMEX report is due the last weekday of May 2025 (Fri 30)
    assert [(d.due, d.rule) for d in r.due] == [(date(2025, 5, 30), "RULES I-7, I-12")]
    assert r.supplied_by_user == ("total sales: 1,000,000.00 MXN",)


def test_annual_report_prosec_without_sales_and_the_due_dates(plant) -> None:  # type: ignore[no-untyped-def]
    r = annual_report(plant, "prosec", 2024)
    assert any("--sales-total" in w for w in r.warnings)
    assert dict(r.summary)["total sales (MXN, supplied by the user)"] is None
    assert {x["prosec_sector"] for x in _table(r, "imports")} == {"—"}  # no sector held
    [d] = r.due
    assert d.due == date(2025, 4, 30) and d.consequences[1][0] == date(2025, 6, 30)
    # IMMEX with PROSEC: one report by the last weekday of April; cancellation after August
    [i] = due_dates(Program.IMMEX, 2024, with_prosec=True)
    assert i.due == date(2025, 4, 30) and i.consequences[1][0] == date(2025, 8, 29)
    assert last_weekday(2026, 5) == date(2026, 5, 29)  # 30 and 31 May 2026: weekend
    end = date(2024, 12, 31)
    usd, pct = param(PARAM_EXPORTS_USD, end), param(PARAM_EXPORTS_SHARE, end)
    undecided = program_test(
        Decimal(1000), Decimal(20000), None, threshold_usd=usd, share_pct=pct, day=end
    )
    assert undecided.passed is None and "--sales-total" in undecided.explanation
    assert program_test(
        Decimal(600_000), Decimal(1), None, threshold_usd=usd, share_pct=pct, day=end
    ).passed


def test_the_program_test_thresholds_are_dated_parameters_with_their_citation() -> None:
    """RULES I-11's figures come from the curated parameters (value, source, confidence M),
    and the test uses whatever is in force: exactly the threshold is not "over"."""
    end = date(2024, 12, 31)
    usd, pct = param(PARAM_EXPORTS_USD, end), param(PARAM_EXPORTS_SHARE, end)
    assert (usd.value, pct.value) == (Decimal(500_000), Decimal(10))
    assert usd.confidence == pct.confidence == "M" and "RULES I-11" in usd.source
    at = program_test(Decimal(500_000), Decimal(100), Decimal(1000), threshold_usd=usd,
                      share_pct=pct, day=end)  # fmt: skip
    assert at.passed is True and not at.over_usd and at.share_pct == Decimal("10.00")
    assert "RULES I-11" in at.explanation and "2024-12-31" in at.explanation
    # a later value (e.g. loaded from an amended decree) is the one applied
    lower = replace(usd, value=Decimal(400_000))
    assert program_test(Decimal(450_000), Decimal(1), Decimal(10**9), threshold_usd=lower,
                        share_pct=pct, day=end).passed is True  # fmt: skip
    assert tr(at.result, "es") != tr(at.result, "en") and tr(at.explanation, "es") != at.explanation


def test_prosec_application_and_the_files(plant, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    a = prosec_application(plant, "XIX", date(2024, 12, 31))
    [row] = _table(a, "components imported")
    assert (row["fraccion"], row["sector_rate"], row["mfn_rate"], row["value_usd_12m"]) == (
        "8501.52.04",
        "Ex.",
        "15",
        20000,
    )
    s = dict(a.summary)
    assert s["savings estimate, 12 months (MXN)"] == 5869 and s["held already"] is False
    if "postgresql" in plant.store.display_url:
        return
    db = str(plant.store.engine.url.database)
    cli = CliRunner()
    res = cli.invoke(
        app,
        [
            "--lang",
            "es",
            "annual-report",
            "immex",
            "--year",
            "2024",
            "--sales-total",
            "1000000",
            "--format",
            "xlsx",
            "--out",
            str(tmp_path),
            "--db",
            db,
        ],
    )
    assert res.exit_code == 0, res.output
    [xlsx] = tmp_path.glob("annual-report_immex_*.xlsx")
    wb = load_workbook(xlsx, read_only=True)  # Spanish (--lang es), through the catalog
    assert any("exportaciones" in s for s in wb.sheetnames)
    assert any("fechas límite" in s for s in wb.sheetnames)
    summary = [
        [c for c in r if c is not None] for r in wb.worksheets[0].iter_rows(values_only=True)
    ]  # noqa: E501
    assert ["condición del programa IMMEX (regla I-11)", "NO cumple"] in summary
    out_en = str(tmp_path / "en.xlsx")
    en = cli.invoke(app, ["--lang", "en", "annual-report", "immex", "--year", "2024",
                          "--format", "xlsx", "--out", out_en, "--db", db])  # fmt: skip
    assert en.exit_code == 0, en.output
    sheets = load_workbook(tmp_path / "en.xlsx", read_only=True).sheetnames
    assert any("exports" in s for s in sheets) and any("due" in s for s in sheets)
    pdf = cli.invoke(
        app,
        [
            "--lang",
            "es",
            "prosec",
            "application",
            "--sector",
            "XIX",
            "--as-of",
            "2024-12-31",
            "--format",
            "pdf",
            "--out",
            str(tmp_path),
            "--db",
            db,
        ],
    )
    assert pdf.exit_code == 0, pdf.output
    assert next(tmp_path.glob("prosec_application_*.pdf")).read_bytes()[:4] == b"%PDF"
    js = cli.invoke(app, ["annual-report", "prosec", "--year", "2024", "--db", db])
    assert js.exit_code == 0 and json.loads(js.stdout)["due_dates"][0]["due"] == "2025-04-30"
    bad = cli.invoke(app, ["annual-report", "other", "--year", "2024", "--db", db])
    assert bad.exit_code == 2
