"""Review A10/A11: every quantity of the month-end report shows its unit (UMC, the LIGIE
abbreviation of the part's unit in the bundled catalog), and the materials used say that a
consumption includes the BOM's merma (scrap), which is why pieces come in fractions."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from immex.domain.ledger import BomLine
from immex.refdata.bundled import unit_symbol, unit_symbols
from immex.reports.i18n import t, tr
from immex.reports.xlsx import sheet_title
from immex.services.reports.product_materials import scrap_note
from tests.support_demo import demo_run

pypdf = pytest.importorskip("pypdf")

#: the sheet of each Annex 24 table → the headers of its quantities (each followed by UMC)
QUANTITIES = {
    "sec.entries": ("col.quantity",),
    "sec.exits": ("col.quantity",),
    "sec.balances": ("col.open_qty",),
    "sec.materials_used": ("col.consumed_qty",),
    "sec.discharge": ("col.allocated_qty",),
    "sheet.materials_by_product": ("col.shipped_qty", "col.allocated_qty"),
}


def _header_and_rows(title_key: str) -> tuple[list[str], list[list[object]]]:
    wb = load_workbook(demo_run().reports["xlsx"], read_only=True)
    rows = [list(r) for r in wb[sheet_title(t(title_key, "es"))].iter_rows(values_only=True)]
    start = next(i for i, r in enumerate(rows) if r and r[0] and len([c for c in r if c]) > 3)
    body = []
    for r in rows[start + 1 :]:
        if not r or r[0] in (None, t("report.total", "es")):
            break
        body.append(r)
    return [str(h) for h in rows[start]], body


def test_the_catalog_shows_a_unit_by_its_ligie_abbreviation() -> None:
    assert unit_symbol("06") == "PZA" and unit_symbol("01") == "KG"
    assert unit_symbol("Pza") == "PZA" and unit_symbol("6") == "PZA"  # any accepted spelling
    assert unit_symbol("19") == "DOCENAS"  # no abbreviation in the LIGIE: the SAT name
    assert unit_symbol("") == "" and unit_symbol("XYZ") == "XYZ"
    assert set(unit_symbols()) >= {"01", "06", "99"}


@pytest.mark.parametrize("title_key", sorted(QUANTITIES))
def test_every_quantity_of_the_annex_24_tables_is_followed_by_its_umc(title_key: str) -> None:
    header, rows = _header_and_rows(title_key)
    assert rows, title_key
    for qty_key in QUANTITIES[title_key]:
        at = header.index(t(qty_key, "es"))
        assert header[at + 1] == "UMC", (title_key, header)
        units = {r[at + 1] for r in rows}
        assert units <= {"PZA", "KG"} and units, (title_key, units)
        assert all(isinstance(r[at], (int, float)) for r in rows)  # the quantity stays a number
    if title_key != "sec.exits":  # the products are pieces; steel and copper are kilos
        at = header.index(t(QUANTITIES[title_key][-1], "es")) + 1  # the material's unit
        assert {r[at] for r in rows} == {"PZA", "KG"}, title_key


def test_a_material_keeps_its_unit_in_every_table() -> None:
    header, rows = _header_and_rows("sec.materials_used")
    part, umc = header.index(t("col.part", "es")), header.index("UMC")
    used = {r[part]: r[umc] for r in rows}
    assert used["MCU-32F4"] == "PZA" and used["STL-SI"] == "KG"
    header, rows = _header_and_rows("sec.balances")
    part, umc = header.index(t("col.part", "es")), header.index("UMC")
    assert {r[umc] for r in rows if r[part] == "MEM-8G"} == {"PZA"}


def test_the_materials_used_say_consumption_includes_the_bom_merma() -> None:
    reader = pypdf.PdfReader(str(demo_run().reports["pdf"]))
    text = " ".join(" ".join(p.extract_text().split()) for p in reader.pages)
    assert "incluyen la merma de la lista de materiales (BOM)" in text
    assert "de 0 % a 6 % por línea" in text and "fracciones de pieza" in text
    assert len(reader.pages) <= 15


def test_the_merma_note_names_the_boms_percentages() -> None:
    def line(pct: str) -> BomLine:
        return BomLine("P", "C", Decimal(1), Decimal(pct), date(2025, 1, 1), None)

    assert scrap_note([]) is None
    both = scrap_note([line("0"), line("2.50"), line("6")])
    assert both is not None and "from 0 % to 6 %" in str(tr(both, "en"))
    one = scrap_note([line("3.0"), line("3")])
    assert one is not None and "merma de 3 %" in str(tr(one, "es"))
    none = scrap_note([line("0")])
    assert none is not None and "ninguna línea de la BOM tiene merma" in str(tr(none, "es"))
