"""The demo's reports as an auditor reads them: pages, columns, pedimentos, currencies, the
data each section used, the rules cited — and nothing internal (paths, database URLs)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from openpyxl import load_workbook

from immex.domain.codes import format_pedimento, parse_pedimento_number
from immex.refdata.rulebook import cited_ids
from immex.reports.i18n import t
from immex.reports.pdf import column_widths
from immex.reports.xlsx import sheet_title
from tests.support_demo import demo_run

pypdf = pytest.importorskip("pypdf")

PEDIMENTO = re.compile(r"^\d{2} \d{2} \d{4} \d{7}$")


def _pdf_pages() -> list[str]:
    reader = pypdf.PdfReader(str(demo_run().reports["pdf"]))
    return [page.extract_text() for page in reader.pages]


def _sheet(title_key: str) -> list[list[object]]:
    wb = load_workbook(demo_run().reports["xlsx"], read_only=True)
    ws = wb[sheet_title(t(title_key, "es"))]
    return [list(r) for r in ws.iter_rows(values_only=True)]


def _table(title_key: str) -> tuple[list[str], list[list[object]]]:
    """The header and data rows of a report sheet (below its frame, above its notes)."""
    rows = _sheet(title_key)
    start = next(i for i, r in enumerate(rows) if r and r[0] and len([c for c in r if c]) > 3)
    header = [str(h) for h in rows[start]]
    body = []
    for r in rows[start + 1 :]:
        if not r or r[0] in (None, t("report.total", "es")):
            break
        body.append(r)
    return header, body


def test_format_pedimento_is_yy_ad_pppp_nnnnnnn() -> None:
    assert format_pedimento("262430126000276") == "26 24 3012 6000276"
    assert format_pedimento("FAC-2026-00052") == "FAC-2026-00052"  # not a pedimento: as is
    assert str(parse_pedimento_number("25-47-3012-5001234")) == "25 47 3012 5001234"


def test_demo_pdf_fits_in_15_pages_with_every_table() -> None:
    pages = _pdf_pages()
    assert len(pages) <= 15  # 26 before the columns were sized to their content
    text = "\n".join(pages)
    for key in (
        "sec.entries",
        "sec.exits",
        "sec.balances",
        "sec.materials_used",
        "sec.materials_by_product",
        "sec.discharge",
        "sec.f4",
        "sec.usmca",
        "sec.savings_month",
        "sec.savings_fraction",
        "sec.what_if",
        "sec.expiry_lots",
        "sec.rules",
    ):
        assert t(key, "es") in text, key
    # every table's last row is there: its total
    assert text.count(t("report.total", "es")) >= 11
    # the notes under a table without rows are printed too (what was checked, and against what)
    flat = " ".join(text.split())
    assert "Revisado contra" in flat  # a note starts with a capital
    assert "Realizado" in flat


def test_column_widths_follow_the_content_and_never_split_a_header_word() -> None:
    headers = ["Pedimento", "IGI actualizado", "Descripción"]
    cells = [["25 24 3012 5000242", "1,234.00", "Microcontrolador 32 bits " * 6]]
    widths = column_widths(headers, cells, [False, True, False], 400.0)
    assert sum(widths) == pytest.approx(400.0)
    from reportlab.pdfbase.pdfmetrics import stringWidth

    assert widths[0] >= stringWidth("25 24 3012 5000242", "Helvetica", 7)  # one line
    assert widths[1] >= stringWidth("actualizado", "Helvetica-Bold", 7)
    assert widths[2] > widths[0]  # the long text takes the room left


def test_discharge_by_pedimento_names_its_documents() -> None:
    header, body = _table("sec.discharge")
    col = header.index(t("col.documents", "es"))
    assert body
    for row in body:
        docs = str(row[col]).split(", ")
        assert all(PEDIMENTO.match(d) or d.startswith("FAC-") for d in docs), row[col]


def test_pedimentos_are_spaced_in_every_table() -> None:
    for key in ("sec.entries", "sec.balances", "sec.discharge", "sec.expiry_lots"):
        header, body = _table(key)
        col = header.index(t("col.pedimento", "es"))
        assert body and all(PEDIMENTO.match(str(r[col])) for r in body), key
    assert all(not re.search(r"\b\d{15}\b", page) for page in _pdf_pages())


def test_no_internal_path_or_database_url_in_a_report() -> None:
    s = demo_run()
    html = Path(s.reports["html"]).read_text(encoding="utf-8")
    pdf = "\n".join(_pdf_pages())
    wb = load_workbook(s.reports["xlsx"], read_only=True)
    cells = "\n".join(
        str(c) for ws in wb.worksheets for r in ws.iter_rows(values_only=True) for c in r if c
    )
    # a file the user loaded is named (its source), never where the product keeps it
    forbidden = re.compile(r"sqlite:|postgresql|immex/data|\.db\b|/tmp/|immex-demo/")
    for name, text in (("html", html), ("pdf", pdf), ("xlsx", cells)):
        found = forbidden.findall(text)
        assert not found, (name, found[:5])
    assert str(s.folder) not in html + pdf + cells


def test_every_amount_names_its_currency() -> None:
    for key in ("sec.f4", "sec.usmca", "sec.balances", "sec.savings_month", "sec.expiry"):
        header, _ = _table(key)
        words = ("Valor", "IGI", "Total", "Ahorr", "Arancel", "Exención", "pagar")
        money = [h for h in header if any(w in h for w in words)]
        assert money and all(re.search(r"\b(MXN|USD)\b", h) for h in money), (key, money)


def test_each_section_says_its_data_version_and_as_of() -> None:
    s = demo_run()
    pdf = "\n".join(_pdf_pages())
    basis = t("report.section_basis", "es", version=s.data_version, as_of="")
    assert pdf.count(basis.split(";")[0]) >= 9  # one per section, and the appendix has none
    assert "cifras al 2026-02-28" in pdf and f"cifras al {s.change_date.isoformat()}" in pdf
    rows = _sheet("sec.f4")
    assert any(r and str(r[0]).startswith(basis.split(";")[0]) for r in rows)


def test_the_appendix_lists_every_rule_the_report_cites() -> None:
    s = demo_run()
    wb = load_workbook(s.reports["xlsx"], read_only=True)
    cited: set[str] = set()
    for ws in wb.worksheets:
        if ws.title == sheet_title(t("sec.rules", "es")):
            continue
        for r in ws.iter_rows(values_only=True):
            for c in r:
                if isinstance(c, str):
                    cited.update(cited_ids(c))
    header, body = _table("sec.rules")
    listed = {str(r[0]) for r in body}
    assert cited and cited <= listed
    html = Path(s.reports["html"]).read_text(encoding="utf-8")
    assert 'id="rules"' in html and all(f"<td>{rid}</td>" in html for rid in cited)
