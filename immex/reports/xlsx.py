"""Excel workbook: a summary sheet, then one sheet per report table with proper headers.

Every sheet starts with the frame: title, company, period, data version, computation date
and — for illustrative data — the illustrative notice. Written in openpyxl's write-only
mode (rows streamed in order), so a plant's large tables and traces stay quick.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from immex.reports.fmt import fmt_value, header_text, label_text, section_basis
from immex.reports.i18n import t, tr
from immex.reports.model import Report, Section, Table, rules_table

NUMBER_FORMATS = {"money": "#,##0.00", "qty": "#,##0.######", "pct": "0.####", "int": "#,##0"}
HEADER_FILL = PatternFill("solid", fgColor="DDE6F0")
BOLD = Font(bold=True)
WARN_FONT = Font(bold=True, color="C0392B")
TITLE_FONT = Font(bold=True, size=13)


def sheet_title(text: str) -> str:
    """A valid sheet name: without ``[]:*?/\\``, at most 31 characters."""
    clean = "".join(ch for ch in text if ch not in "[]:*?/\\")
    return " ".join(clean.split())[:31]


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


def _frame(
    ws: Worksheet, report: Report, title: str, section: Section | None = None
) -> list[list[Any]]:
    m, lang = report.meta, report.meta.lang
    rows: list[list[Any]] = [[_cell(ws, title, font=TITLE_FONT)]]
    for label, value in (
        (t("report.company", lang), f"{m.company_name} ({m.company_rfc})"),
        (t("report.period", lang), m.period),
        (t("report.data_version", lang), m.data_version),
        (t("report.computed_at", lang), fmt_value(m.computed_at, "text", lang)),
    ):
        rows.append([_cell(ws, label, font=BOLD), value])
    if section is not None:
        rows.append([section_basis(report, section)])
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
        if col.kind == "date" and value is not None and not isinstance(value, str):
            out.append(_cell(ws, value, fmt="yyyy-mm-dd", font=font))
        elif col.kind in NUMBER_FORMATS and value is not None and not isinstance(value, str):
            # Decimal is written as a number, exactly as computed
            out.append(_cell(ws, value, fmt=NUMBER_FORMATS[col.kind], font=font))
        elif col.kind == "label":
            out.append(fmt_value(value, "label", lang))
        else:
            text = "" if value is None else str(tr(value, lang))
            out.append(_cell(ws, text, font=font) if bold else text)
    return out


def _write_table(
    ws: Worksheet, report: Report, table: Table, section: Section | None = None
) -> None:
    lang = report.meta.lang
    frame = _frame(ws, report, t(table.title, lang), section)
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
        ws.append([tr(note, lang)])


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
        if item.kind in NUMBER_FORMATS and not isinstance(item.value, str):
            ws.append(
                [label_text(item, lang), _cell(ws, item.value, fmt=NUMBER_FORMATS[item.kind])]
            )
        else:
            ws.append([label_text(item, lang), str(item.value)])
    for w in (tr(w, lang) for w in report.meta.warnings):
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
