"""PDF report (reportlab): the same sections as the HTML, charts as images.

Every page carries the frame in its header and footer: company, period, data version,
computation date and — for illustrative data — the illustrative notice.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from reportlab.lib import colors
from reportlab.lib.pagesizes import landscape, letter
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import cm
from reportlab.platypus import (
    Image,
    KeepTogether,
    PageBreak,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from immex.reports.charts import chart_png
from immex.reports.fmt import fmt_value
from immex.reports.i18n import t
from immex.reports.model import Report
from immex.reports.model import Table as ReportTable

#: longest table printed; the workbook has every row
MAX_ROWS = 150
NUMERIC = ("money", "qty", "pct", "int")
PAGE = landscape(letter)


def _styles() -> dict[str, ParagraphStyle]:
    base = getSampleStyleSheet()
    return {
        "h1": ParagraphStyle("h1", parent=base["Heading1"], fontSize=16, spaceAfter=6),
        "h2": ParagraphStyle("h2", parent=base["Heading2"], fontSize=13, spaceAfter=4),
        "h3": ParagraphStyle("h3", parent=base["Heading3"], fontSize=11, spaceAfter=3),
        "body": ParagraphStyle("body", parent=base["BodyText"], fontSize=9, leading=11),
        "cell": ParagraphStyle("cell", parent=base["BodyText"], fontSize=7, leading=8.5),
        "warn": ParagraphStyle(
            "warn", parent=base["BodyText"], fontSize=9, textColor=colors.HexColor("#8e1b10")
        ),
    }


def _esc(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _on_page(report: Report):  # type: ignore[no-untyped-def]
    m, lang = report.meta, report.meta.lang
    computed = fmt_value(m.computed_at, "text", lang)

    def draw(canvas: Any, doc: Any) -> None:
        width, height = PAGE
        canvas.saveState()
        canvas.setFont("Helvetica-Bold", 8)
        canvas.drawString(
            1.2 * cm,
            height - 0.8 * cm,
            f"{t('report.title', lang)} — {m.company_name} ({m.company_rfc}) — "
            f"{t('report.period', lang)} {m.period}",
        )
        canvas.setFont("Helvetica", 7)
        canvas.drawString(
            1.2 * cm,
            height - 1.2 * cm,
            f"{t('report.data_version', lang)}: {m.data_version} · "
            f"{t('report.computed_at', lang)}: {computed}",
        )
        if m.illustrative:
            canvas.setFillColor(colors.HexColor("#c0392b"))
            canvas.setFont("Helvetica-Bold", 7)
            canvas.drawString(1.2 * cm, 0.7 * cm, t("report.illustrative", lang))
            canvas.setFillColor(colors.black)
        canvas.setFont("Helvetica", 7)
        canvas.drawRightString(width - 1.2 * cm, 0.7 * cm, f"{t('report.page', lang)} {doc.page}")
        canvas.restoreState()

    return draw


def _table(report: Report, tb: ReportTable, st: dict[str, ParagraphStyle]) -> list[Any]:
    lang = report.meta.lang
    if not tb.rows:
        return [Paragraph(_esc(t(tb.empty, lang)), st["body"])]
    header = [Paragraph(f"<b>{_esc(t(c.header, lang))}</b>", st["cell"]) for c in tb.columns]
    data: list[list[Any]] = [header]
    for row in tb.rows[:MAX_ROWS]:
        data.append([_cell(row.get(c.key), c.kind, lang, st) for c in tb.columns])
    if tb.totals is not None:
        tot = [
            t("report.total", lang) if i == 0 else _cell(tb.totals.get(c.key), c.kind, lang, st)
            for i, c in enumerate(tb.columns)
        ]
        data.append(tot)
    width = PAGE[0] - 2.4 * cm
    col_w = width / len(tb.columns)
    table = Table(data, colWidths=[col_w] * len(tb.columns), repeatRows=1)
    style = [
        ("GRID", (0, 0), (-1, -1), 0.3, colors.HexColor("#c8d3de")),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#dde6f0")),
        ("FONTSIZE", (0, 0), (-1, -1), 7),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ]
    for j, c in enumerate(tb.columns):
        if c.kind in NUMERIC:
            style.append(("ALIGN", (j, 1), (j, -1), "RIGHT"))
    if tb.totals is not None:
        style.append(("FONTNAME", (0, -1), (-1, -1), "Helvetica-Bold"))
        style.append(("BACKGROUND", (0, -1), (-1, -1), colors.HexColor("#f2f5f8")))
    table.setStyle(TableStyle(style))
    out: list[Any] = [table]
    if len(tb.rows) > MAX_ROWS:
        msg = t("report.rows_shown", lang, shown=MAX_ROWS, total=len(tb.rows))
        out.append(Paragraph(_esc(msg), st["body"]))
    out.extend(Paragraph(_esc(n), st["body"]) for n in tb.notes)
    return out


def _cell(value: Any, kind: str, lang: str, st: dict[str, ParagraphStyle]) -> Any:
    text = fmt_value(value, kind, lang)
    if kind in NUMERIC or len(text) < 18:
        return text
    return Paragraph(_esc(text), st["cell"])


def build_pdf(report: Report) -> bytes:
    lang, m = report.meta.lang, report.meta
    st = _styles()
    story: list[Any] = [Paragraph(_esc(t("report.title", lang)), st["h1"])]
    story.append(
        Paragraph(
            _esc(f"{m.company_name} ({m.company_rfc}) — {t('report.period', lang)} {m.period}"),
            st["body"],
        )
    )
    if m.illustrative:
        story.append(Paragraph(f"<b>{_esc(t('report.illustrative', lang))}</b>", st["warn"]))
    story.append(Spacer(1, 6))
    story.append(Paragraph(_esc(t("sec.summary", lang)), st["h2"]))
    rows = [[t(i.label, lang), fmt_value(i.value, i.kind, lang)] for i in report.summary]
    if rows:
        summary = Table(rows, colWidths=[12 * cm, 6 * cm])
        summary.setStyle(
            TableStyle(
                [
                    ("GRID", (0, 0), (-1, -1), 0.3, colors.HexColor("#c8d3de")),
                    ("ALIGN", (1, 0), (1, -1), "RIGHT"),
                    ("FONTSIZE", (0, 0), (-1, -1), 9),
                ]
            )
        )
        story.append(summary)
    if m.warnings:
        story.append(Paragraph(_esc(t("report.warnings", lang)), st["h3"]))
        story.extend(Paragraph(_esc(w), st["warn"]) for w in m.warnings)
    for section in report.sections:
        story.append(PageBreak())
        story.append(Paragraph(_esc(t(section.title, lang)), st["h2"]))
        for chart in section.charts:
            png = chart_png(chart, lang)
            img = Image(io.BytesIO(png))
            scale = min(1.0, (PAGE[0] - 2.4 * cm) / img.drawWidth, 11 * cm / img.drawHeight)
            img.drawWidth *= scale
            img.drawHeight *= scale
            story.append(KeepTogether([img, Spacer(1, 4)]))
        tables = [tb for tb in section.tables if tb.shown_in("pdf")]
        for tb in tables:
            if len(tables) > 1:
                story.append(Paragraph(_esc(t(tb.title, lang)), st["h3"]))
            story.extend(_table(report, tb, st))
            story.append(Spacer(1, 6))
    buf = io.BytesIO()
    doc = SimpleDocTemplate(
        buf,
        pagesize=PAGE,
        leftMargin=1.2 * cm,
        rightMargin=1.2 * cm,
        topMargin=1.6 * cm,
        bottomMargin=1.3 * cm,
        title=f"{t('report.title', lang)} {m.period}",
        author="immex",
        subject=f"{t('report.data_version', lang)}: {m.data_version}",
        invariant=1,
    )
    draw = _on_page(report)
    doc.build(story, onFirstPage=draw, onLaterPages=draw)
    return buf.getvalue()


def write_pdf(report: Report, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(build_pdf(report))
    return path
