"""The month report gains the PROSEC advisor and the expiry action plan (issue 15, item 6):
the demo's XLSX has both (the plan complete), its HTML and PDF the compact forms, in Spanish
and English through the catalog; the plan's top rows and the "complete list in the XLSX"
note on a hand-made plan of twelve lots."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace

from openpyxl import load_workbook

from immex.domain.expiry_plan import ExpiryPlan, LotPlan, WayCost, WayOut, mark_cheapest
from immex.reports.i18n import t, tr
from immex.services.decide.expiry_plan import expiry_plan
from immex.services.reports.decide_sections import TOP_LOTS, expiry_plan_section
from immex.services.workspace.companies import open_workspace
from tests.support_demo import demo_run


def _lot(i: int, days_left: int) -> LotPlan:
    ways = mark_cheapest(
        [
            WayCost(WayOut.RETURN, Decimal(425), date(2026, 3, 1), {}),
            WayCost(WayOut.CHANGE_OF_REGIME, Decimal(1000 + i), date(2026, 3, 1), {}),
            WayCost(WayOut.VIRTUAL_TRANSFER, None, date(2026, 3, 1), {}, ("DTA fee",)),
        ]
    )
    ped = f"2647301260{i:05d}"
    day = date(2026, 3, 1)
    return LotPlan(i, ped, f"P{i}", "8501.52.04", "CHN", date(2025, 1, 1), day, days_left,
                   "near", Decimal(1), Decimal(10), tuple(ways))  # fmt: skip


def test_the_plan_shows_the_most_urgent_lots_and_sends_the_rest_to_the_xlsx() -> None:
    lots = tuple(_lot(i, 40 - i) for i in range(1, 13))  # lot 12 is the most urgent
    plan = ExpiryPlan("EKU9003173C9", "Ilustrativa", date(2026, 2, 28), 90, lots,
                      {"cheapest_total": Decimal(0)}, ())  # fmt: skip
    top, full = expiry_plan_section(plan).tables
    assert top.only == ("html", "pdf") and full.only == ("xlsx",)
    assert len(top.rows) == TOP_LOTS and len(full.rows) == 12
    assert [r["lot_id"] for r in top.rows[:3]] == [12, 11, 10]
    assert top.rows[0]["pedimento"] == "26 47 3012 6000012"
    # V1's fee is not in the data: no way is marked cheapest (an unknown may be cheaper); the
    # cells say so and why — never "?"
    assert top.rows[0]["v1"] == "no figure (DTA fee)"
    assert top.rows[0]["cheapest"] == "no figure (DTA fee)"
    assert tr(top.rows[0]["v1"], "es") == "sin dato (DTA fee)"
    assert "XLSX" in top.notes[0] and "10 most urgent of 12" in top.notes[0]
    assert "los 10 más urgentes de 12" in tr(top.notes[0], "es")
    assert "no cheapest way out could be determined: DTA fee" in top.notes[1]
    assert "★" not in top.notes[1]  # nothing is marked in the table


def test_the_summary_never_shows_an_unknown_cheapest_cost_as_zero() -> None:
    from immex.services.reports.decide_sections import decide_summary

    unknown = tuple(_lot(i, 40 - i) for i in range(1, 3))
    plan = ExpiryPlan("EKU9003173C9", "Ilustrativa", date(2026, 2, 28), 90, unknown,
                      {"cheapest_total": Decimal(0)}, ())  # fmt: skip
    advice = SimpleNamespace(potential=Decimal(0))
    item = decide_summary(advice, plan)[1]  # type: ignore[arg-type]
    assert item.kind == "text" and item.value == "Not determined: DTA fee"
    assert tr(item.value, "es") == "Sin determinar: DTA fee"
    known = mark_cheapest([WayCost(WayOut.RETURN, Decimal(425), date(2026, 3, 1), {}),
                           WayCost(WayOut.CHANGE_OF_REGIME, Decimal(900), None, {})])  # fmt: skip
    lot = replace(unknown[0], ways=tuple(known))
    plan = replace(plan, lots=(lot,), totals={"cheapest_total": Decimal(425)})
    item = decide_summary(advice, plan)[1]  # type: ignore[arg-type]
    assert (item.kind, item.value) == ("money", Decimal(425))


def test_the_demo_report_has_the_advisor_and_the_plan(tmp_path: Path) -> None:
    summary = demo_run()
    files = summary.reports
    wb = load_workbook(files["xlsx"], read_only=True)
    assert t("sheet.prosec_advice", "es") in wb.sheetnames
    sheet = wb[t("sheet.expiry_plan", "es")]
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    at = next(i for i, r in enumerate(rows) if t("col.way_cheapest", "es") in r)
    header = rows[at]
    # one "Fecha límite" column: each way's deadline is the lot's limit in the demo
    assert header.count(t("col.limit_date", "es")) == 1
    f4_col = header.index(t("col.way_f4", "es") + " (MXN)")
    ws = open_workspace(summary.db, require_company=True)
    try:
        plan = expiry_plan(ws, 90, date(2026, 2, 28))
    finally:
        ws.store.dispose()
    # every lot of the plan, with its F4 cost as the service computed it
    lots = [r for r in rows[at + 1 :] if r and isinstance(r[0], int)]
    assert len(lots) == len(plan.lots) > 0
    f4 = {lp.lot_id: next(w.cost for w in lp.ways if w.way is WayOut.CHANGE_OF_REGIME)
          for lp in plan.lots}  # fmt: skip
    assert [Decimal(str(r[f4_col])) for r in lots] == [f4[r[0]] for r in lots]
    html = Path(files["html"]).read_text(encoding="utf-8")
    assert "Plan de acción de vencimientos" in html and "Salida más barata" in html
    # the demo's PROSEC list (DOF 2026-04-23 excerpt) is in force after the period: the
    # advisor says so rather than inventing a saving
    assert "Asesor PROSEC: qué sector conviene" in html
    assert t("report.no_advice_period", "es") in html
    summary_sheet = [[c for c in r if c is not None] for r in wb.worksheets[0].iter_rows(values_only=True)]  # fmt: skip  # noqa: E501
    assert any(t("sum.prosec_potential", "es") in str(r) for r in summary_sheet)


def test_the_advisor_table_on_the_small_plant(tmp_path: Path) -> None:
    """XIX (ILLUSTRATIVE row) not held: potential 5,869 MXN (worked in test_decide_prosec)."""
    from immex.services.decide.prosec_advice import prosec_advise
    from immex.services.discharge import runs
    from immex.services.reports.decide_sections import advice_section
    from tests.support_decide import SALES_2024, small_plant

    ws = small_plant(f"sqlite:///{tmp_path / 'a.db'}", tmp_path, prosec=True, held=False,
                     shipments=SALES_2024)  # fmt: skip
    try:
        runs.run_discharge(ws)
        advice = prosec_advise(ws, date(2024, 1, 1), date(2024, 12, 31))
    finally:
        ws.store.dispose()
    [table] = advice_section(advice).tables
    [row] = table.rows
    assert (row["sector"], row["saving"], row["f4_saving"], row["usmca_saving"]) == (
        "XIX", 5869, 3225, 2644,
    )  # fmt: skip
    assert tr(row["kind"], "es") == "potencial"
    assert tr(row["products"], "es") == "sin dato (no se dieron los bienes del sector)"
    es = [str(tr(n, "es")) for n in table.notes]
    assert es[0].startswith("Realizado: los sectores registrados (ninguno) ahorraron 0 MXN")
    assert "registrarlo habría ahorrado 5,869 MXN" in es[1]
