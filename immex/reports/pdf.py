"""PDF report (reportlab): the same sections as the HTML, charts as images.

Every page carries the frame in its header and footer: company, period, data version,
computation date and — for illustrative data — the illustrative notice.
"""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any

from reportlab.lib import colors
from reportlab.lib.pagesizes import landscape, letter
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import cm
from reportlab.lib.utils import simpleSplit
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import (
    CondPageBreak,
    Image,
    KeepTogether,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from immex.reports.charts import chart_caption, chart_png
from immex.reports.fmt import (
    computed_text,
    fmt_value,
    header_text,
    label_text,
    rules_basis,
    section_basis,
    sentence,
    table_basis,
)
from immex.reports.i18n import t
from immex.reports.model import Report, Section, rules_table
from immex.reports.model import Table as ReportTable

#: longest table printed; the workbook has every row
MAX_ROWS = 150
NUMERIC = ("money", "qty", "pct", "int")
PAGE = landscape(letter)
#: tallest a chart is drawn
CHART_HEIGHT = 6.5 * cm


def _styles() -> dict[str, ParagraphStyle]:
    base = getSampleStyleSheet()
    return {
        "h1": ParagraphStyle("h1", parent=base["Heading1"], fontSize=16, spaceAfter=6),
        "h2": ParagraphStyle("h2", parent=base["Heading2"], fontSize=13, spaceAfter=4),
        "h3": ParagraphStyle(
            "h3", parent=base["Heading3"], fontSize=11, spaceAfter=3, keepWithNext=1
        ),
        "body": ParagraphStyle("body", parent=base["BodyText"], fontSize=9, leading=11),
        "cell": ParagraphStyle("cell", parent=base["BodyText"], fontSize=SIZE, leading=LEADING),
        "note": ParagraphStyle("note", parent=base["BodyText"], fontSize=7.5, leading=9.5),
        "stamp": ParagraphStyle(
            "stamp", parent=base["BodyText"], fontSize=7.5, textColor=colors.HexColor("#5a6b7b")
        ),
        "warn": ParagraphStyle(
            "warn", parent=base["BodyText"], fontSize=9, textColor=colors.HexColor("#8e1b10")
        ),
    }


def _esc(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _on_page(report: Report):  # type: ignore[no-untyped-def]
    m, lang = report.meta, report.meta.lang
    computed = computed_text(m.computed_at, lang)

    def draw(canvas: Any, doc: Any) -> None:
        width, height = PAGE
        canvas.saveState()
        canvas.setFont("Helvetica-Bold", 8)
        canvas.drawString(
            1.2 * cm,
            height - 0.8 * cm,
            f"{t(m.title, lang)} — {m.company_name} ({m.company_rfc}) — "
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


#: the table text's font and size, and a cell's padding left and right (points)
FONT, FONT_BOLD, SIZE, PAD = "Helvetica", "Helvetica-Bold", 6.5, 2.5
#: a table line's leading and a cell's padding above and below (points): compact rows keep
#: the demo close within 15 pages with every table
LEADING, VPAD = SIZE + 1.2, 0.8
#: a text column never narrower than this (points), unless its content is
MIN_TEXT = 28.0


def _natural(texts: list[str], bold: bool = False) -> float:
    font = FONT_BOLD if bold else FONT
    return max((stringWidth(x, font, SIZE) for x in texts), default=0.0)


def _longest_word(texts: list[str], bold: bool = False) -> float:
    font = FONT_BOLD if bold else FONT
    return max((stringWidth(w, font, SIZE) for x in texts for w in x.split()), default=0.0)


def _is_figure(text: str) -> bool:
    """A formatted number (or nothing): what a numeric column holds unless it says why not."""
    return not text or bool(_FIGURE.fullmatch(text))


_FIGURE = re.compile(r"-?[\d,]+(\.\d+)?( ?%)?")


def column_widths(
    headers: list[str], cells: list[list[str]], numeric: list[bool], width: float
) -> list[float]:
    """Widths sized to the content: each column as wide as its longest value, a header
    wrapped at word boundaries (never narrower than its longest word), numbers never
    wrapped; when the page is too narrow the widest text columns give way first (their
    values wrap at word boundaries), when it is wider the spare room is shared out."""
    n = len(headers)
    want, least = [], []
    for j in range(n):
        column = [row[j] for row in cells]
        word = max(_longest_word([headers[j]], bold=True), 0.0)
        if numeric[j]:  # figures never wrap; a text in their place (why none) may
            figures = [x for x in column if _is_figure(x)]
            words = [x for x in column if not _is_figure(x)]
            lo = max(_natural(figures, bold=True), word, _longest_word(words))
            hi = max(lo, _natural(words))
        else:
            hi = max(_natural(column), word)
            lo = max(word, min(hi, max(MIN_TEXT, _longest_word(column))))
        want.append(hi + 2 * PAD)
        least.append(lo + 2 * PAD)
    if sum(want) <= width:
        spare = (width - sum(want)) / n
        return [w + spare for w in want]
    if sum(least) >= width:  # the page cannot hold them unwrapped: scale the minimum
        return [w * width / sum(least) for w in least]
    # the widest columns give way: find the cap c with sum(max(least, min(want, c))) = width
    lo_c, hi_c = 0.0, max(want)
    for _ in range(40):
        cap = (lo_c + hi_c) / 2
        total = sum(max(lo, min(w, cap)) for lo, w in zip(least, want, strict=True))
        lo_c, hi_c = (cap, hi_c) if total < width else (lo_c, cap)
    widths = [max(lo, min(w, lo_c)) for lo, w in zip(least, want, strict=True)]
    return _narrow_free_columns(cells, numeric, widths, least)


def _lines(text: str, width: float) -> int:
    return max(1, len(simpleSplit(text, FONT, SIZE, max(width - 2 * PAD, 1.0))))


def _narrow_free_columns(
    cells: list[list[str]], numeric: list[bool], widths: list[float], least: list[float]
) -> list[float]:
    """A text column beside the widest one gives it its room when wrapping costs no row a
    line: a rule's "Certeza" or "Fundamento" wraps within the lines its "Texto" already
    takes, and the table gets shorter (the total of the rows' line counts must fall)."""
    if not cells:
        return widths
    widest = max(range(len(widths)), key=lambda j: widths[j])
    lines = [[_lines(row[j], widths[j]) for j in range(len(widths))] for row in cells]
    for j in sorted(range(len(widths)), key=lambda j: -widths[j]):
        if j == widest or numeric[j] or widths[j] <= least[j]:
            continue
        wide = widths[widest] + widths[j] - least[j]
        col_j = [_lines(row[j], least[j]) for row in cells]
        col_w = [_lines(row[widest], wide) for row in cells]
        others = [
            max((n for k, n in enumerate(ln) if k not in (j, widest)), default=1) for ln in lines
        ]
        before = sum(max(ln) for ln in lines)
        after = sum(max(o, a, b) for o, a, b in zip(others, col_j, col_w, strict=True))
        if after < before:
            widths = [*widths]
            widths[j], widths[widest] = least[j], wide
            for row_lines, a, b in zip(lines, col_j, col_w, strict=True):
                row_lines[j], row_lines[widest] = a, b
    return widths


def _table(report: Report, tb: ReportTable, st: dict[str, ParagraphStyle]) -> list[Any]:
    lang = report.meta.lang
    if not tb.rows:  # the notes still say what was checked and against which data
        return [
            Paragraph(_esc(t(tb.empty, lang)), st["body"]),
            *(Paragraph(_esc(sentence(n, lang)), st["note"]) for n in tb.notes),
        ]
    headers = [header_text(c, lang) for c in tb.columns]
    texts = [
        [fmt_value(row.get(c.key), c.kind, lang) for c in tb.columns] for row in tb.rows[:MAX_ROWS]
    ]
    if tb.totals is not None:
        texts.append(
            [
                t("report.total", lang) if i == 0 else fmt_value(tb.totals.get(c.key), c.kind, lang)
                for i, c in enumerate(tb.columns)
            ]
        )
    numeric = [c.kind in NUMERIC for c in tb.columns]
    widths = column_widths(headers, texts, numeric, PAGE[0] - 2.4 * cm)
    data: list[list[Any]] = [[Paragraph(f"<b>{_esc(h)}</b>", st["cell"]) for h in headers]]
    for row in texts:
        data.append(
            [
                text
                if (num and _is_figure(text)) or stringWidth(text, FONT, SIZE) + 2 * PAD <= w
                else Paragraph(_esc(text), st["cell"])
                for text, num, w in zip(row, numeric, widths, strict=True)
            ]
        )
    table = Table(data, colWidths=widths, repeatRows=1)
    style = [
        ("GRID", (0, 0), (-1, -1), 0.3, colors.HexColor("#c8d3de")),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#dde6f0")),
        ("FONTNAME", (0, 0), (-1, -1), FONT),
        ("FONTSIZE", (0, 0), (-1, -1), SIZE),
        ("LEADING", (0, 0), (-1, -1), LEADING),
        ("LEFTPADDING", (0, 0), (-1, -1), PAD),
        ("RIGHTPADDING", (0, 0), (-1, -1), PAD),
        ("TOPPADDING", (0, 0), (-1, -1), VPAD),
        ("BOTTOMPADDING", (0, 0), (-1, -1), VPAD),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ]
    for j, c in enumerate(tb.columns):
        if c.kind in NUMERIC:
            style.append(("ALIGN", (j, 1), (j, -1), "RIGHT"))
    if tb.totals is not None:
        style.append(("FONTNAME", (0, -1), (-1, -1), FONT_BOLD))
        style.append(("BACKGROUND", (0, -1), (-1, -1), colors.HexColor("#f2f5f8")))
    table.setStyle(TableStyle(style))
    out: list[Any] = [table]
    if len(tb.rows) > MAX_ROWS:
        msg = t("report.rows_shown", lang, shown=MAX_ROWS, total=len(tb.rows))
        out.append(Paragraph(_esc(msg), st["body"]))
    out.extend(Paragraph(_esc(sentence(n, lang)), st["note"]) for n in tb.notes)
    return out


def _front(report: Report, st: dict[str, ParagraphStyle]) -> list[Any]:
    """Title, company and period, the summary and the warnings."""
    lang, m = report.meta.lang, report.meta
    story: list[Any] = [Paragraph(_esc(t(m.title, lang)), st["h1"])]
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
    rows = [
        [
            label_text(i, lang),
            # a figure that could not be determined says why, in words that wrap
            Paragraph(_esc(fmt_value(i.value, i.kind, lang)), st["body"])
            if i.kind == "text"
            else fmt_value(i.value, i.kind, lang),
        ]
        for i in report.summary
    ]
    if rows:
        summary = Table(rows, colWidths=[12 * cm, 10 * cm])
        summary.setStyle(
            TableStyle(
                [
                    ("GRID", (0, 0), (-1, -1), 0.3, colors.HexColor("#c8d3de")),
                    ("ALIGN", (1, 0), (1, -1), "RIGHT"),
                    ("FONTSIZE", (0, 0), (-1, -1), 9),
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ]
            )
        )
        story.append(summary)
    if m.warnings:
        story.append(Paragraph(_esc(t("report.warnings", lang)), st["h3"]))
        story.extend(Paragraph(_esc(sentence(w, lang)), st["warn"]) for w in m.warnings)
    return story


def _section(report: Report, section: Section, st: dict[str, ParagraphStyle]) -> list[Any]:
    """A section on a fresh page unless the previous one left room: title, the data it
    used and as of when, its charts and tables."""
    lang = report.meta.lang
    shown = [tb for tb in section.tables if tb.shown_in("pdf")]
    if section.tables and not shown and not section.charts:
        return []  # its tables are for other formats (the workbook's detail sheets)
    story: list[Any] = [CondPageBreak(6 * cm), Paragraph(_esc(t(section.title, lang)), st["h2"])]
    story.append(Paragraph(_esc(section_basis(report, section)), st["stamp"]))
    for chart in section.charts:
        if not any(chart.values):  # nothing to draw: say so in a line, not a blank figure
            story.append(Paragraph(_esc(chart_caption(chart, lang)), st["body"]))
            continue
        png = chart_png(chart, lang)
        img = Image(io.BytesIO(png))
        scale = min(1.0, (PAGE[0] - 2.4 * cm) / img.drawWidth, CHART_HEIGHT / img.drawHeight)
        img.drawWidth *= scale
        img.drawHeight *= scale
        story.append(KeepTogether([img, Spacer(1, 4)]))
    tables = [tb for tb in section.tables if tb.shown_in("pdf")]
    for tb in tables:
        # a table's own title under its section's, unless it would repeat it
        # and the data its figures rest on, as of when (every table under its own title)
        if len(tables) > 1 and tb.title != section.title:
            story.append(Paragraph(_esc(t(tb.title, lang)), st["h3"]))
            if table_basis(report, tb):
                story.append(Paragraph(_esc(table_basis(report, tb)), st["stamp"]))
        story.extend(_table(report, tb, st))
        story.append(Spacer(1, 6))
    return story


def _appendix(report: Report, st: dict[str, ParagraphStyle]) -> list[Any]:
    """The rules the report cites: id, text, legal citation and confidence."""
    if not report.rules:
        return []
    lang = report.meta.lang
    table = rules_table(report.rules)
    basis = rules_basis(report)
    return [
        CondPageBreak(6 * cm),
        Paragraph(_esc(t(table.title, lang)), st["h2"]),
        *([Paragraph(_esc(basis), st["stamp"])] if basis else []),
        *_table(report, table, st),
    ]


def build_pdf(report: Report) -> bytes:
    lang, m = report.meta.lang, report.meta
    st = _styles()
    story = _front(report, st)
    for section in report.sections:
        story.extend(_section(report, section, st))
    story.extend(_appendix(report, st))
    buf = io.BytesIO()
    doc = SimpleDocTemplate(
        buf,
        pagesize=PAGE,
        leftMargin=1.2 * cm,
        rightMargin=1.2 * cm,
        topMargin=1.6 * cm,
        bottomMargin=1.3 * cm,
        title=f"{t(m.title, lang)} {m.period}",
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
