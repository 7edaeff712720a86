"""`immex demo` end to end: the files exist and their figures agree with the journal and the
duty engine (recomputed here independently, one plain computation per lot portion)."""

from __future__ import annotations

import filecmp
import json
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from immex.domain.duties import DutyContext, F4Request, compute_f4
from immex.domain.f4_plan import period_bounds
from immex.reports.i18n import t
from immex.reports.xlsx import sheet_title
from immex.samples import demo as sample
from immex.services.discharge import balances as lot_balances
from immex.services.discharge import journal
from immex.services.workspace import companies as workspace
from tests.support_demo import demo_run, small_report

ZERO = Decimal(0)


def _sheet_total(path: str, title_key: str, header_key: str) -> Decimal:
    wb = load_workbook(path, read_only=True)
    ws = wb[sheet_title(t(title_key, "es"))]
    rows = [list(r) for r in ws.iter_rows(values_only=True)]
    header = t(header_key, "es")  # shown with its currency: "Total (MXN)"
    named = [{str(h): j for j, h in enumerate(r) if h is not None} for r in rows]
    header_row = next(i for i, r in enumerate(named) if header in r or f"{header} (MXN)" in r)
    col = named[header_row].get(header, named[header_row].get(f"{header} (MXN)"))
    total = next(r for r in rows[header_row + 1 :] if r and r[0] == t("report.total", "es"))
    return Decimal(str(total[col]))


def _summary_and_company():
    s = demo_run()
    return s, _workspace().the_company


def _workspace():
    return workspace.open_workspace(demo_run().db, require_company=True)


def test_demo_writes_every_report() -> None:
    s = demo_run()
    assert set(s.reports) == {"xlsx", "html", "pdf"}
    for path in s.reports.values():
        assert Path(path).is_file() and Path(path).stat().st_size > 5_000
    assert s.counts["shortfalls"] == 0
    assert s.discharge["by_key"]["F4"] > 0 and s.discharge["by_key"]["RT"] > 0
    assert s.expiring_lots >= 1 and s.expiring_first is not None  # a lot near its limit
    assert s.usmca_documents > 0


def test_f4_figures_agree_with_journal_and_duty_engine() -> None:
    s, company = _summary_and_company()
    y, m = (int(x) for x in s.period.split("-"))
    start, end = period_bounds((y, m))
    rows = journal.journal_rows(_workspace(), keys=("F4",), date_from=start, date_to=end)
    assert rows
    from immex.services.duties.journal_portions import duty_context_of

    ctx = duty_context_of(_workspace())
    plain = DutyContext(ctx.fx, ctx.inpc, ctx.params, ctx.book, ctx.mfn, ctx.notes)
    # one portion per lot: its allocations of the month summed (what the F4 declares)
    by_lot: dict[int, list] = {}
    for r in rows:
        by_lot.setdefault(r.lot_id, []).append(r)
    total = ZERO
    for members in by_lot.values():
        r = members[0]
        value = sum((x.value_usd for x in members), ZERO)
        if value <= 0:
            continue
        req = F4Request(
            r.fraccion,
            value,
            r.entry_date,
            s.change_date,
            r.origin,
            tuple(company.prosec_sectors),
            (r.certificate,) if r.certificate else (),
            dta_minimum=False,
        )
        total += compute_f4(req, plain).total
    assert total == s.f4_total
    assert _sheet_total(s.reports["xlsx"], "sec.f4", "col.total") == s.f4_total
    assert s.f4_total_mfn >= s.f4_total
    assert s.f4_savings == s.f4_total_mfn - s.f4_total


def cents(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def test_annex24_sheets_agree_with_the_journal() -> None:
    s, company = _summary_and_company()
    y, m = (int(x) for x in s.period.split("-"))
    start, end = period_bounds((y, m))
    rows = journal.journal_rows(_workspace(), date_from=start, date_to=end)
    # the workbook holds amounts in cents, as printed (a sum in Excel gives the printed total)
    value = cents(sum((r.value_usd for r in rows), ZERO))
    xlsx = s.reports["xlsx"]
    assert _sheet_total(xlsx, "sec.discharge", "col.allocated_value") == value
    assert _sheet_total(xlsx, "sec.materials_used", "col.allocated_value") == value
    balances, _ = lot_balances.balance(_workspace(), end)
    open_value = cents(sum((b.open_value_usd for b in balances), ZERO))
    assert _sheet_total(xlsx, "sec.balances", "col.open_value") == open_value


def test_63a_totals_agree() -> None:
    s, company = _summary_and_company()
    from immex.services.duties.usmca import report_63a

    rep = report_63a(_workspace(), s.period, Path(s.folder) / "data" / "us_duties.csv")
    assert rep.totals["owed"] == s.usmca_owed
    assert rep.totals["owed"] == sum((p.result.owed for p in rep.priced), ZERO)
    for d in rep.documents:  # the treaty's comparison per exported good
        assert d.owed <= d.mx_duty + 1
    assert _sheet_total(s.reports["xlsx"], "sec.usmca", "col.owed") == s.usmca_owed


def test_illustrative_notice_on_every_sheet() -> None:
    s = demo_run()
    wb = load_workbook(s.reports["xlsx"], read_only=True)
    for ws in wb.worksheets:
        head = [c for r in ws.iter_rows(max_row=8, values_only=True) for c in r if c]
        assert any("DATOS ILUSTRATIVOS" in str(c) for c in head), ws.title
        assert s.data_version in head, ws.title


def test_demo_data_is_deterministic(tmp_path: Path) -> None:
    tl = sample.DemoTimeline((2026, 2), last_entry=date(2026, 2, 28))
    a = sample.generate(tmp_path / "a", tl)
    b = sample.generate(tmp_path / "b", tl)
    for name in ("materials", "products", "bom", "pedimentos", "shipments", "us_duties"):
        assert filecmp.cmp(getattr(a, name), getattr(b, name), shallow=False), name


def test_cli_demo_json_and_follow_up_commands(tmp_path: Path) -> None:
    from immex.cli.main import app

    runner = CliRunner()
    out = tmp_path / "demo"
    res = runner.invoke(app, ["demo", "--out", str(out), "--json"])
    assert res.exit_code == 0, res.output
    summary = json.loads(res.stdout)
    assert Decimal(summary["f4_total"]) == demo_run().f4_total  # deterministic
    db = str(out / sample_db())
    res = runner.invoke(
        app, ["f4", "plan", "--db", db, "--period", summary["period"], "--json", "--no-trace"]
    )
    assert res.exit_code == 0, res.output
    assert Decimal(json.loads(res.stdout)["totals"]["total"]) == Decimal(summary["f4_total"])
    res = runner.invoke(
        app,
        [
            "report",
            "--db",
            db,
            "--period",
            summary["period"],
            "--format",
            "html",
            "--lang",
            "en",
            "--out",
            str(tmp_path / "r"),
            "--json",
        ],
    )
    assert res.exit_code == 0, res.output
    html = Path(json.loads(res.stdout)["files"]["html"]).read_text(encoding="utf-8")
    assert "ILLUSTRATIVE DATA" in html and "Annex 24: entries" in html
    res = runner.invoke(app, ["f4", "plan", "--db", db, "--period", "2026-13"])
    assert res.exit_code == 2
    res = runner.invoke(
        app,
        [
            "63a",
            "report",
            "--db",
            db,
            "--period",
            summary["period"],
            "--us-duties",
            str(tmp_path / "missing.csv"),
        ],
    )
    assert res.exit_code == 2


def sample_db() -> str:
    from immex.samples.showcase import DB_NAME

    return DB_NAME


@pytest.mark.parametrize("fmt", ["xlsx", "html", "pdf"])
def test_report_to_an_unwritable_folder_is_a_clear_error(tmp_path: Path, fmt: str) -> None:
    from immex.domain.errors import InvalidInput
    from immex.reports import render

    not_a_folder = tmp_path / "a-file"
    not_a_folder.write_text("x", encoding="utf-8")
    with pytest.raises(InvalidInput, match="--out .*cannot write"):
        render(small_report(), fmt, not_a_folder / "reports")
