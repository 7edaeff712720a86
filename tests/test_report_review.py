"""The demo's month report as a customs specialist reviewed it (issue 16's review): no false
zero, the 63-A columns match their labels and name the US/CA duty's source, every table
states its data and date, nothing internal (commands, parameter keys, file names, URLs), the
workbook holds numbers as numbers, sheet names whole, the computation time in UTC and
central-Mexico time."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import load_workbook

from immex.reports.fmt import with_currency
from immex.reports.i18n import t
from immex.reports.xlsx import number_cell, sheet_title
from tests.support_demo import demo_run

pypdf = pytest.importorskip("pypdf")


def _pdf() -> str:
    reader = pypdf.PdfReader(str(demo_run().reports["pdf"]))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def _html() -> str:
    return Path(demo_run().reports["html"]).read_text(encoding="utf-8")


def _cells() -> list[tuple[str, object, str]]:
    wb = load_workbook(demo_run().reports["xlsx"], read_only=False)
    return [
        (ws.title, c.value, c.number_format)
        for ws in wb.worksheets
        for row in ws.iter_rows()
        for c in row
        if c.value is not None
    ]


def test_no_command_parameter_key_file_name_or_url_in_a_report() -> None:
    xlsx = "\n".join(str(v) for _s, v, _f in _cells())
    for name, text in (("pdf", _pdf()), ("html", _html()), ("xlsx", xlsx)):
        for bad in (
            "immex rates load",
            "immex prosec advise",
            "dta.immex_temporary_fee",
            "prosec_dof_2026-04-23_excerpt.csv",
            "matplotlib.org",
            "Matplotlib v",
        ):
            assert bad not in text, (name, bad)
    # what is missing is said with its legal source, and the loaded list by its DOF source
    pdf = _pdf()
    assert "Anexo 19 de la RMF" in pdf
    assert "lista PROSEC DOF 23-04-2026 (11 renglones, sha256" in pdf


def test_the_cheapest_way_out_is_never_a_false_zero() -> None:
    label = t("sum.expiry_plan_cheapest", "es")
    wb = load_workbook(demo_run().reports["xlsx"], read_only=True)
    [value] = [r[1] for r in wb.worksheets[0].iter_rows(values_only=True)
               if len(r) > 1 and r[0] and str(r[0]).startswith(label)]  # fmt: skip
    # both lots lack the RT/V1 fee (LFD 49-III of 2026): the sum cannot be known
    assert isinstance(value, str) and value.startswith("Sin determinar: la cuota fija del DTA")
    pdf = _pdf()
    assert "sin dato (cuota del DTA 2026)" in pdf
    assert " ? " not in pdf and "fuera de los datos" not in pdf
    assert "★" not in pdf  # no cheapest way is marked: no legend for a mark


def test_the_63a_columns_match_their_labels_and_name_the_us_duty_source() -> None:
    wb = load_workbook(demo_run().reports["xlsx"], read_only=True)
    ws = wb[sheet_title(t("sec.usmca", "es"))]
    rows = [list(r) for r in ws.iter_rows(values_only=True)]
    at = next(i for i, r in enumerate(rows) if r and r[0] == t("col.document", "es"))
    header = [str(h) for h in rows[at]]
    col = {k: header.index(with_currency(t(k, "es"), "MXN")) for k in (
        "col.mx_duty", "col.usmca_originating", "col.us_duty_mxn", "col.usmca_reduction",
        "col.owed")}  # fmt: skip
    body = [r for r in rows[at + 1 :] if r and r[0] and str(r[0])[:2].isdigit()]
    assert len(body) == 6
    for r in body:
        mx, orig, us, red, owed = (Decimal(str(r[col[k]])) for k in col)
        # the reduction never exceeds the US/CA duty nor the non-originating inputs' MX duty
        assert red <= us and red <= mx - orig
        assert abs(mx - orig - red - owed) <= Decimal(r[header.index(t("col.portions", "es"))])
    assert any(Decimal(str(r[col["col.usmca_originating"]])) > 0 for r in body)
    assert "Exención" not in header
    assert "declarado por el usuario en el archivo us_duties.csv (sha256" in _pdf()


def test_each_table_states_its_data_and_date_and_periods_read_del_al() -> None:
    pdf = _pdf()
    assert "cifras del 2026-02-01 al 2026-02-28" in pdf and "cifras al 2026-02-01" not in pdf
    assert "cifras del 2025-03-01 al 2026-02-28" in pdf  # the savings' and advisor's period
    assert "Libro de reglas: 36 reglas, archivo sha256" in pdf
    html = _html()
    plan = html.index('data-table="expiry_plan"')
    assert "cifras al 2026-02-28" in html[html.rindex("<h3>", 0, plan) : plan]


def test_the_computation_time_is_utc_and_central_mexico_time() -> None:
    assert re.search(r"\d{2}:\d{2} UTC \(\d{4}-\d{2}-\d{2} \d{2}:\d{2}, hora del centro\)", _pdf())


def test_workbook_numbers_are_numbers_with_formats_and_cents() -> None:
    cells = _cells()
    traces = [(v, f) for s, v, f in cells if s.startswith(("F4 traza", "63-A traza"))]
    assert traces
    as_text = [
        v for v, _f in traces if isinstance(v, str) and re.fullmatch(r"-?\d+(\.\d+)?(E-?\d+)?", v)
    ]
    assert as_text == []  # never "0E-8" nor a 27-decimal quotient as a text
    for v, f in traces:
        if isinstance(v, float):
            assert len(repr(v).split(".")[1]) <= 10 or "e" in repr(v)
        if isinstance(v, int):
            assert not f.endswith(".") and not re.search(r"\.#+$", f), (v, f)
    # a whole quantity has no trailing point; money is written in cents
    for _s, v, f in cells:
        if isinstance(v, (int, float)) and f.startswith("#,##0.#"):
            assert v != int(v), (v, f)
        if f == "#,##0.00" and isinstance(v, float):
            assert round(v, 2) == v


def test_number_cell_rounds_money_to_cents_and_drops_the_point_of_whole_numbers() -> None:
    assert number_cell(Decimal("546626.96036"), "money") == (546626.96, "#,##0.00")
    assert number_cell(Decimal("69.000"), "qty") == (69, "#,##0")
    assert number_cell(Decimal("0E-8"), "figure", "#,##0.00######") == (0, "#,##0.00######")
    assert number_cell(Decimal("1.006610817063339058501875285"), "figure") == (
        1.0066108171, "#,##0.##########",
    )  # fmt: skip
    assert number_cell(Decimal("116.8165662164970"), "figure", "#,##0")[1] == "#,##0.##########"


def test_sheet_names_are_whole_words_without_a_lone_question_mark() -> None:
    wb = load_workbook(demo_run().reports["xlsx"], read_only=True)
    for name in wb.sheetnames:
        assert len(name) <= 31 and "¿" not in name and not name.endswith(("(", " ")), name
    assert "Fracciones restringidas" in wb.sheetnames
    assert "Saldos en fracc. restringidas" in wb.sheetnames
    assert sheet_title("¿Qué sector PROSEC agregar al programa IMMEX?") == (
        "Qué sector PROSEC agregar al"
    )


def test_a_heading_is_not_repeated_by_its_first_table() -> None:
    html = _html()
    headings = re.findall(r"<h[23]>([^<]+)</h[23]>", html)
    assert all(a != b for a, b in zip(headings, headings[1:], strict=False)), headings
