"""Excel workbook: a summary sheet, then one sheet per report table with proper headers.

Every sheet starts with the frame: title, company, period, data version, computation date
and — for illustrative data — the illustrative notice.
"""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from immex.reports.fmt import fmt_value
from immex.reports.i18n import t
from immex.reports.model import Report, Table

NUMBER_FORMATS = {"money": "#,##0.00", "qty": "#,##0.######", "pct": "0.####", "int": "#,##0"}
HEADER_FILL = PatternFill("solid", fgColor="DDE6F0")
WARN_FONT = Font(bold=True, color="C0392B")


def _frame(ws: Worksheet, report: Report, title: str) -> int:
    """Write the frame rows; return the next free row."""
    m, lang = report.meta, report.meta.lang
    ws.cell(1, 1, title).font = Font(bold=True, size=13)
    rows = [
        (t("report.company", lang), f"{m.company_name} ({m.company_rfc})"),
        (t("report.period", lang), m.period),
        (t("report.data_version", lang), m.data_version),
        (t("report.computed_at", lang), fmt_value(m.computed_at, "text", lang)),
    ]
    r = 2
    for label, value in rows:
        ws.cell(r, 1, label).font = Font(bold=True)
        ws.cell(r, 2, value)
        r += 1
    if m.illustrative:
        ws.cell(r, 1, t("report.illustrative", lang)).font = WARN_FONT
        r += 1
    return r + 1


def _sheet_name(text: str, used: set[str]) -> str:
    clean = "".join(ch for ch in text if ch not in "[]:*?/\\")[:31]
    name, n = clean, 2
    while name in used:
        suffix = f" ({n})"
        name = clean[: 31 - len(suffix)] + suffix
        n += 1
    used.add(name)
    return name


def _write_table(ws: Worksheet, report: Report, table: Table, start: int) -> None:
    lang = report.meta.lang
    for j, col in enumerate(table.columns, start=1):
        cell = ws.cell(start, j, t(col.header, lang))
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        width = max(12, min(40, len(t(col.header, lang)) + 2))
        ws.column_dimensions[get_column_letter(j)].width = width
    ws.freeze_panes = ws.cell(start + 1, 1)
    r = start + 1
    for row in table.rows:
        _write_row(ws, table, row, r)
        r += 1
    if not table.rows:
        ws.cell(r, 1, t("report.no_rows", lang))
        r += 1
    if table.totals is not None:
        _write_row(ws, table, {table.columns[0].key: t("report.total", lang), **table.totals}, r)
        for j in range(1, len(table.columns) + 1):
            ws.cell(r, j).font = Font(bold=True)
        r += 1
    for note in table.notes:
        r += 1
        ws.cell(r, 1, note)
    ws.auto_filter.ref = (
        f"A{start}:{get_column_letter(len(table.columns))}{start + len(table.rows)}"
    )


def _write_row(ws: Worksheet, table: Table, row: dict, r: int) -> None:
    for j, col in enumerate(table.columns, start=1):
        value = row.get(col.key)
        if col.kind == "date" and value is not None and not isinstance(value, str):
            cell = ws.cell(r, j, value)
            cell.number_format = "yyyy-mm-dd"
        elif col.kind in NUMBER_FORMATS and not isinstance(value, str) and value is not None:
            cell = ws.cell(r, j, value)  # Decimal is written as a number, exactly as computed
            cell.number_format = NUMBER_FORMATS[col.kind]
        else:
            ws.cell(r, j, "" if value is None else str(value))


def write_xlsx(report: Report, path: Path) -> Path:
    lang = report.meta.lang
    wb = Workbook()
    ws = wb.active
    ws.title = t("sec.summary", lang)[:31]
    used = {ws.title}
    r = _frame(ws, report, t("report.title", lang))
    ws.cell(r, 1, t("col.item", lang)).font = Font(bold=True)
    ws.cell(r, 2, t("col.value", lang)).font = Font(bold=True)
    for item in report.summary:
        r += 1
        ws.cell(r, 1, t(item.label, lang))
        if item.kind in NUMBER_FORMATS and not isinstance(item.value, str):
            ws.cell(r, 2, item.value).number_format = NUMBER_FORMATS[item.kind]
        else:
            ws.cell(r, 2, str(item.value))
    for w in report.meta.warnings:
        r += 2
        ws.cell(r, 1, w).font = WARN_FONT
    ws.column_dimensions["A"].width = 48
    ws.column_dimensions["B"].width = 36
    for table in report.tables():
        sheet = wb.create_sheet(_sheet_name(t(table.title, lang), used))
        start = _frame(sheet, report, t(table.title, lang))
        _write_table(sheet, report, table, start)
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path
