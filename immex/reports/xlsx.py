"""Excel workbook: a summary sheet, then one sheet per report table with proper headers.

Every sheet starts with the frame: title, company, period, data version, computation date
and — for illustrative data — the illustrative notice. Written in openpyxl's write-only
mode (rows streamed in order), so a plant's large tables and traces stay quick.
"""

from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any, TypeGuard

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from immex.reports.fmt import (
    basis_text,
    computed_text,
    fmt_value,
    header_text,
    label_text,
    rules_basis,
    sentence,
)
from immex.reports.i18n import t, tr
from immex.reports.model import FIGURE_DECIMALS, Report, Section, Table, rules_table

NUMBER_FORMATS = {"money": "#,##0.00", "qty": "#,##0.######", "pct": "0.####", "int": "#,##0"}
#: a trace figure without a format of its own: up to 10 decimals
FIGURE_FORMAT = "#,##0.##########"
CENTS = Decimal("0.01")
HEADER_FILL = PatternFill("solid", fgColor="DDE6F0")
BOLD = Font(bold=True)
WARN_FONT = Font(bold=True, color="C0392B")
TITLE_FONT = Font(bold=True, size=13)


def sheet_title(text: str) -> str:
    """A valid sheet name: without ``[]:*?/\\`` (nor a "¿" left without its "?"), at most
    31 characters (a longer name is cut at a word, never inside one)."""
    clean = " ".join("".join(ch for ch in text if ch not in "[]:*?/\\¿").split())
    if len(clean) <= 31:
        return clean
    cut = clean[:31].rsplit(" ", 1)[0] if " " in clean[:31] else clean[:31]
    return cut.rstrip(" ,;:(-")


def _sheet_name(text: str, used: set[str]) -> str:
    clean = sheet_title(text)
    name, n = clean, 2
    while name in used:
        suffix = f" ({n})"
        name = clean[: 31 - len(suffix)] + suffix
        n += 1
    used.add(name)
    return name


def _cell(
    ws: Worksheet,
    value: Any,
    *,
    font: Font | None = None,
    fmt: str | None = None,
    fill: PatternFill | None = None,
    wrap: bool = False,
) -> WriteOnlyCell:
    c = WriteOnlyCell(ws, value=value)
    if font is not None:
        c.font = font
    if fmt is not None:
        c.number_format = fmt
    if fill is not None:
        c.fill = fill
    if wrap:
        c.alignment = Alignment(wrap_text=True, vertical="top")
    return c


def _frame(ws: Worksheet, report: Report, title: str, basis: str = "") -> list[list[Any]]:
    m, lang = report.meta, report.meta.lang
    rows: list[list[Any]] = [[_cell(ws, title, font=TITLE_FONT)]]
    for label, value in (
        (t("report.company", lang), f"{m.company_name} ({m.company_rfc})"),
        (t("report.period", lang), m.period),
        (t("report.data_version", lang), m.data_version),
        (t("report.computed_at", lang), computed_text(m.computed_at, lang)),
    ):
        rows.append([_cell(ws, label, font=BOLD), value])
    if basis:
        rows.append([basis])
    if m.illustrative:
        rows.append([_cell(ws, t("report.illustrative", lang), font=WARN_FONT)])
    rows.append([])
    return rows


def _row(
    ws: Worksheet, table: Table, row: dict[str, Any], lang: str, bold: bool = False
) -> list[Any]:
    out: list[Any] = []
    font = BOLD if bold else None
    for col in table.columns:
        value = row.get(col.key)
        if col.kind in ("date", "figure") and isinstance(value, date):
            out.append(_cell(ws, value, fmt="yyyy-mm-dd", font=font))
        elif col.kind in (*NUMBER_FORMATS, "figure") and _is_number(value):
            number, fmt = number_cell(value, col.kind, row.get(f"{col.key}_format"))
            out.append(_cell(ws, number, fmt=fmt, font=font))
        elif col.kind == "label":
            out.append(fmt_value(value, "label", lang))
        elif isinstance(value, int) and not isinstance(value, bool):  # a number, not a text
            out.append(_cell(ws, value, font=font))
        else:
            text = "" if value is None else str(tr(value, lang))
            out.append(_cell(ws, text, font=font) if bold else text)
    return out


def _is_number(value: Any) -> TypeGuard[Decimal | int | float]:
    return isinstance(value, (Decimal, int, float)) and not isinstance(value, bool)


def number_cell(value: Decimal | int | float, kind: str, fmt: str | None = None) -> tuple[Any, str]:
    """A number as the workbook holds it, and its format: money in cents (as the report
    prints it, so that a sum in Excel gives the printed total), a trace figure with at most
    10 decimals, a whole number without a decimal point (a format of optional decimals shows
    "69." for 69 in Excel)."""
    d = Decimal(str(value)) if isinstance(value, float) else Decimal(value)
    if kind == "money":
        d = d.quantize(CENTS, rounding=ROUND_HALF_UP)
    elif kind == "figure":
        d = d.quantize(Decimal(1).scaleb(-FIGURE_DECIMALS), rounding=ROUND_HALF_UP)
    whole = d == d.to_integral_value()
    chosen = fmt or (FIGURE_FORMAT if kind == "figure" else NUMBER_FORMATS[kind])
    if whole and "." in chosen and "0" not in chosen.split(".")[1]:  # only optional decimals
        chosen = chosen.split(".")[0]
    elif not whole and kind == "figure" and "." not in chosen:  # never hide a figure's cents
        chosen = FIGURE_FORMAT
    if whole:
        return int(d), chosen
    # a float for the cell: the workbook's numbers are binary; the format shows the figure
    return float(d), chosen


def _write_table(
    ws: Worksheet, report: Report, table: Table, section: Section | None = None
) -> None:
    lang = report.meta.lang
    basis = ""
    if table.as_of:
        basis = basis_text(report, table.as_of, table.since)
    elif section is not None:
        basis = basis_text(report, section.as_of, section.since)
    elif table.key == "rules":
        basis = rules_basis(report)
    frame = _frame(ws, report, t(table.title, lang), basis)
    start = len(frame) + 1
    for j, col in enumerate(table.columns, start=1):
        width = max(12, min(40, len(header_text(col, lang)) + 2))
        ws.column_dimensions[get_column_letter(j)].width = width
    ws.freeze_panes = f"A{start + 1}"
    last = get_column_letter(len(table.columns))
    ws.auto_filter.ref = f"A{start}:{last}{start + max(len(table.rows), 1)}"
    for r in frame:
        ws.append(r)
    ws.append(
        [
            _cell(ws, header_text(c, lang), font=BOLD, fill=HEADER_FILL, wrap=True)
            for c in table.columns
        ]
    )
    for row in table.rows:
        ws.append(_row(ws, table, row, lang))
    if not table.rows:
        ws.append([t(table.empty, lang)])
    if table.totals is not None:
        total = {table.columns[0].key: t("report.total", lang), **table.totals}
        ws.append(_row(ws, table, total, lang, bold=True))
    for note in table.notes:
        ws.append([])
        ws.append([sentence(note, lang)])


def write_xlsx(report: Report, path: Path) -> Path:
    lang = report.meta.lang
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(sheet_title(t("sec.summary", lang)))
    used = {ws.title}
    ws.column_dimensions["A"].width = 48
    ws.column_dimensions["B"].width = 36
    for r in _frame(ws, report, t(report.meta.title, lang)):
        ws.append(r)
    ws.append(
        [_cell(ws, t("col.item", lang), font=BOLD), _cell(ws, t("col.value", lang), font=BOLD)]
    )
    for item in report.summary:
        if item.kind in NUMBER_FORMATS and _is_number(item.value):
            number, fmt = number_cell(item.value, item.kind)
            ws.append([label_text(item, lang), _cell(ws, number, fmt=fmt)])
        else:  # a text (a figure that could not be determined says why): in the language
            ws.append([label_text(item, lang), fmt_value(item.value, "text", lang)])
    for w in (sentence(w, lang) for w in report.meta.warnings):
        ws.append([])
        ws.append([_cell(ws, w, font=WARN_FONT)])
    for section in report.sections:
        for table in section.tables:
            if not table.shown_in("xlsx"):
                continue
            sheet = wb.create_sheet(_sheet_name(t(table.sheet or table.title, lang), used))
            _write_table(sheet, report, table, section)
    if report.rules:
        table = rules_table(report.rules)
        _write_table(wb.create_sheet(_sheet_name(t(table.title, lang), used)), report, table)
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path
