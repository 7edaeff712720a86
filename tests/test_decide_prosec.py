"""``immex prosec advise``: a sector's realised and potential savings, worked by hand on the
small plant (tests/support_decide.py) with a domestic sale in September 2024 and an export
to the US in October 2024, each of 10 units of L0 (USD 1,000, entered 2023-05-15).

Real data: FIX determined 2023-05-11 17.6287; INPC 2023-04 128.363, 2024-08 136.013;
LIGIE 8501.52.04 15 %; DTA 8 ‰; IVA 16 %. The PROSEC row (XIX, Ex.) is ILLUSTRATIVE."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

from immex.cli.main import app
from immex.domain.errors import BatchError, InvalidInput
from immex.reports.i18n import tr
from immex.services.decide.prosec_advice import prosec_advise
from immex.services.decide.sector_goods import read_sector_goods
from immex.services.discharge import runs
from tests.support_decide import SALES_2024, small_plant

YEAR = (date(2024, 1, 1), date(2024, 12, 31))


def _plant(url: str, tmp: Path, held: bool):  # type: ignore[no-untyped-def]
    ws = small_plant(url, tmp, prosec=True, held=held, shipments=SALES_2024)
    runs.run_discharge(ws)
    return ws


@pytest.mark.parametrize("held", [False, True], ids=["potential", "realised"])
def test_sector_saving_on_f4_and_63a(workspace_url: str, tmp_path: Path, held: bool) -> None:
    ws = _plant(workspace_url, tmp_path, held)
    try:
        a = prosec_advise(ws, *YEAR)
    finally:
        ws.store.dispose()
    [s] = a.sectors
    # F4 of September (change date Mon 2024-09-30), VA = 1000 × 17.6287 = 17628.70:
    #   without XIX: IGI 15 % = 2644.305 × factor 136.013 / 128.363 → 1.0595 = 2801.64 → 2802;
    #   DTA 8 ‰ = 141.03 → 141; IVA 16 % × (17628.70 + 2644.305 + 141.0296) = 3266.25 → 3266
    #   with XIX (Ex.): IGI 0; DTA 141; IVA 16 % × (17628.70 + 141.0296) = 2843.16 → 2843
    #   saving = (2802 + 141 + 3266) − (141 + 2843) = 3225
    # 63-A of the October export (no US duty given): MX duty 2644.305 → 2644 owed; with
    #   XIX 0 → saving 2644
    assert (s.sector, s.f4_saving, s.usmca_saving, s.saving) == ("XIX", 3225, 2644, 5869)
    assert s.by_fraction_month == {("8501.52.04", "2024-09"): 3225, ("8501.52.04", "2024-10"): 2644}
    assert (s.parts_covered, s.parts_total, s.held) == (1, 1, held)
    assert s.products_in_goods is None and "was not given" in s.explanation(*YEAR)
    if held:
        assert a.realised == 5869 and a.potential == 0 and "is held" in s.explanation(*YEAR)
    else:
        assert a.realised == 0 and a.potential == 5869
        assert "would have saved 5,869" in s.explanation(*YEAR)
    assert (
        any("1 PROSEC row" in d and "1 PROSEC rows" not in d for d in a.data_used) and a.simulation
    )


def test_no_rows_bad_range_and_cli(tmp_path: Path) -> None:
    ws = small_plant(f"sqlite:///{tmp_path / 'n.db'}", tmp_path / "n", shipments=SALES_2024)
    runs.run_discharge(ws)
    try:
        a = prosec_advise(ws, *YEAR)
        assert a.sectors == () and any("no PROSEC rows loaded" in w for w in a.warnings)
        with pytest.raises(InvalidInput):
            prosec_advise(ws, date(2024, 12, 31), date(2024, 1, 1))
    finally:
        ws.store.dispose()
    ws = _plant(f"sqlite:///{tmp_path / 'p.db'}", tmp_path / "p", held=False)
    ws.store.dispose()
    cli = CliRunner()
    args = ["prosec", "advise", "--from", "2024-01-01", "--to", "2024-12-31", "--db",
            str(tmp_path / "p.db")]  # fmt: skip
    res = cli.invoke(app, [*args, "--json"])
    assert res.exit_code == 0, res.output
    doc = json.loads(res.stdout)
    assert doc["potential"] == "5869" and doc["sectors"][0]["kind"] == "potential"
    text = cli.invoke(app, ["--lang", "en", *args])
    assert text.exit_code == 0 and "Potential: the best sector not held is XIX" in text.output
    es = cli.invoke(app, ["--lang", "es", *args])
    assert es.exit_code == 0 and "Potencial: el mejor sector no registrado es el XIX" in es.output
    assert "Asesor PROSEC" in es.output and "Potential:" not in es.output


#: ILLUSTRATIVE goods lists (not the decree's art. 4): the layout of docs/FILES.md
GOODS_HEADER = "sector,fraccion,description,source,valid_from,valid_to\n"
GOODS_IN = GOODS_HEADER + "XIX,8501.52.99,Motores (ILLUSTRATIVE),ILLUSTRATIVE test row,,\n"
GOODS_OUT = GOODS_HEADER + "XIX,8708.99.99,Partes (ILLUSTRATIVE),ILLUSTRATIVE test row,,\n"


def test_the_company_products_against_a_sector_goods_list(tmp_path: Path) -> None:
    """P1 (fracción 8501.52.99) is within XIX's goods when the user's list has the fracción,
    outside when it has not; a list with other sectors only leaves it unchecked."""
    ws = _plant(f"sqlite:///{tmp_path / 'g.db'}", tmp_path / "g", held=False)
    files = {}
    for name, text in (("in", GOODS_IN), ("out", GOODS_OUT),
                       ("other", GOODS_HEADER + "II,8542.31.01,x,ILLUSTRATIVE,,\n")):  # fmt: skip
        files[name] = tmp_path / f"goods_{name}.csv"
        files[name].write_text(text, encoding="utf-8")
    try:
        [inside] = prosec_advise(ws, *YEAR, sector_goods=files["in"]).sectors
        [outside] = prosec_advise(ws, *YEAR, sector_goods=files["out"]).sectors
        other = prosec_advise(ws, *YEAR, sector_goods=files["other"])
    finally:
        ws.store.dispose()
    assert (inside.products_in_goods, inside.products_total, inside.products_outside) == (1, 1, ())
    assert "All 1 of the company's products" in inside.explanation(*YEAR)
    assert (outside.products_in_goods, outside.products_outside) == (0, ("P1",))
    assert "not within: P1" in outside.explanation(*YEAR)
    assert tr(outside.explanation(*YEAR), "es").count("no lo están: P1") == 1
    assert other.sectors[0].products_in_goods is None
    assert "has no row for sector XIX" in other.sectors[0].explanation(*YEAR)
    assert any("II" in w and "goods_other.csv" in w for w in other.warnings)
    assert inside.saving == 5869  # the check informs, it does not change the figures


def test_a_bad_goods_list_is_refused_with_its_lines(tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text(GOODS_HEADER + "XIX,85015299x,,,,\nZZ,8501.52.99,,src,2025-01-01,2024-01-01\n",
                   encoding="utf-8")  # fmt: skip
    with pytest.raises(BatchError) as err:
        read_sector_goods(bad)
    where = {(e.line, e.field) for e in err.value.errors}
    assert {(2, "fraccion"), (2, "source"), (3, "sector"), (3, "valid_to")} <= where
    (tmp_path / "cols.csv").write_text("sector,fraccion\nXIX,8501.52.99\n", encoding="utf-8")
    with pytest.raises(InvalidInput, match="missing column"):
        read_sector_goods(tmp_path / "cols.csv")
    ws = _plant(f"sqlite:///{tmp_path / 'c.db'}", tmp_path / "c", held=False)
    ws.store.dispose()
    res = CliRunner().invoke(app, ["prosec", "advise", "--from", "2024-01-01", "--to",
                                   "2024-12-31", "--sector-goods", str(bad), "--db",
                                   str(tmp_path / "c.db")])  # fmt: skip
    assert res.exit_code == 2 and "bad.csv" in res.output
