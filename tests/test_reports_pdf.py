"""The PDF (and Excel) reports: they open, have the expected sections and the frame."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import load_workbook

from immex.reports import i18n, render
from tests.support_demo import small_report

pypdf = pytest.importorskip("pypdf")


def _pdf_text(path: Path) -> list[str]:
    reader = pypdf.PdfReader(str(path))
    return [page.extract_text() for page in reader.pages]


def test_catalog_is_complete_in_english() -> None:
    assert i18n.missing("en") == []


@pytest.mark.parametrize("lang", ["es", "en"])
def test_small_pdf_has_sections_and_frame_on_every_page(tmp_path: Path, lang: str) -> None:
    path = render(small_report(lang), "pdf", tmp_path)
    pages = _pdf_text(path)
    assert len(pages) >= 2
    text = "\n".join(pages)
    for key in ("report.title", "sec.summary", "sec.f4", "sec.expiry"):
        assert i18n.t(key, lang) in text
    for page in pages:  # frame: data version, computation date, illustrative notice
        assert "v1-test" in page
        assert "2026-03-01" in page
        assert i18n.t("report.illustrative", lang)[:30] in page


def test_small_xlsx_has_one_sheet_per_table_with_headers(tmp_path: Path) -> None:
    path = render(small_report("en"), "xlsx", tmp_path)
    wb = load_workbook(path)
    assert wb.sheetnames[0] == "Summary"
    ws = wb[wb.sheetnames[1]]
    values = [c.value for row in ws.iter_rows(max_row=12) for c in row if c.value is not None]
    assert "Fracción" in values and "Total" in values  # a legal term: Spanish in English too
    assert any("ILLUSTRATIVE" in str(v) for v in values)
    assert "v1-test" in values


def test_demo_pdf_sections(tmp_path: Path) -> None:
    from tests.support_demo import demo_run

    summary = demo_run()
    pdf = Path(summary.reports["pdf"])
    text = "\n".join(_pdf_text(pdf))
    for key in (
        "sec.entries",
        "sec.exits",
        "sec.balances",
        "sec.materials_used",
        "sec.discharge",
        "sec.f4",
        "sec.usmca",
        "sec.savings",
        "sec.expiry",
    ):
        assert i18n.t(key, "es") in text, key
    assert summary.data_version in text


@pytest.mark.parametrize("fmt", ["xlsx", "html", "pdf"])
def test_an_empty_table_says_what_is_missing(tmp_path: Path, fmt: str) -> None:
    """No lots near their limit is not 'no movements in the period'."""
    from dataclasses import replace

    from immex.services.reports.figures import expiry_section

    report = small_report("en")
    report = replace(report, sections=(*report.sections, expiry_section([], [], "2026-02")))
    path = render(report, fmt, tmp_path)
    if fmt == "xlsx":
        wb = load_workbook(path)
        ws = wb[wb.sheetnames[-1]]
        text = " ".join(str(c.value) for row in ws.iter_rows() for c in row if c.value)
    elif fmt == "html":
        text = path.read_text(encoding="utf-8")
    else:
        text = " ".join(" ".join(_pdf_text(path)).split())
    assert i18n.t("report.no_expiry", "en") in text
    assert i18n.t("report.no_rows", "en") not in text
