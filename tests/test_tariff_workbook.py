"""The SE's tariff workbooks (FORMATS.md): read in both layouts, compared with the tariff in
force. The workbooks are generated here in the published layouts (none is offline)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from immex.domain.errors import BatchError, InvalidFormat
from immex.domain.rates import parse_rate_text
from immex.domain.tariff_diff import ChangeKind, InForce, Published, compare_tariff
from immex.refdata.tariff_workbook import fold, read_tariff_workbook


def snapshot(path: Path, rows: list[list[object]], *, two_row: bool = False,
             title_rows: int = 3, percent_cells: bool = False) -> Path:  # fmt: skip
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = "Fracciones"
    for i in range(title_rows):
        ws.append([f"SECRETARÍA DE ECONOMÍA — título {i + 1}"])
    if two_row:
        ws.append(["Fracción arancelaria", "Descripción", "Unidad de medida", "ARANCEL", None])
        ws.merge_cells(start_row=title_rows + 1, start_column=4, end_row=title_rows + 1,
                       end_column=5)  # fmt: skip
        ws.append([None, None, None, "IMP", "EXP"])
    else:
        ws.append(["FRACCION", "DESCRIPCION", "UMT", "IGI", "IGE"])
    for row in rows:
        ws.append(row)
        if percent_cells and isinstance(row[3], float):
            ws.cell(ws.max_row, 4).number_format = "0%"
    book.save(path)
    return path


def test_snapshot_one_row_header(tmp_path: Path) -> None:
    wb = read_tariff_workbook(snapshot(tmp_path / "FRACCIONESARANCELARIAS_20260105.XLSX", [
        ["85", "Capítulo 85", None, None, None],
        ["8542.31.03", "Circuitos", "Pza", 35, "Ex."],
        ["85423199", "Los demás", "Pza", "Ex.", "Ex."],
        ["7318.15.99", "Tornillos", "Kg", "Prohibida", "Ex."],
    ]))  # fmt: skip
    assert wb.layout == "snapshot" and wb.header_row == 4
    got = {f.fraccion: (f.import_rate.display, f.unit, f.row) for f in wb.fractions}
    assert got == {"7318.15.99": ("Prohibida", "Kg", 8), "8542.31.03": ("35", "Pza", 6),
                   "8542.31.99": ("0", "Pza", 7)}  # fmt: skip
    assert len(wb.sha256) == 64


def test_snapshot_two_row_header_and_percent_cells(tmp_path: Path) -> None:
    wb = read_tariff_workbook(snapshot(tmp_path / "NIVELES.xlsx", [
        ["8542.31.03", "Circuitos", "Pza", 0.35, "Ex."],
    ], two_row=True, percent_cells=True))  # fmt: skip
    (frac,) = wb.fractions
    assert frac.import_rate.percent == Decimal("35") and wb.header_row == 4


def test_nico_rows_must_agree(tmp_path: Path) -> None:
    rows = [["8542.31.03", "a", "Pza", 35, "Ex."], ["8542.31.03", "b", "Pza", 35, "Ex."]]
    (frac,) = read_tariff_workbook(snapshot(tmp_path / "a.xlsx", rows)).fractions
    assert frac.import_rate.display == "35"
    rows[1][3] = 20
    with pytest.raises(BatchError) as err:
        read_tariff_workbook(snapshot(tmp_path / "b.xlsx", rows))
    (rec,) = err.value.errors
    assert rec.line == 6 and rec.field == "import_rate" and "same on every NICO row" in rec.message


def test_ambiguous_header_is_an_error(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    book.active.append(["FRACCION", "IGI", "IMPORTACION"])
    book.active.append(["8542.31.03", 5, 5])
    book.save(tmp_path / "x.xlsx")
    with pytest.raises(BatchError) as err:
        read_tariff_workbook(tmp_path / "x.xlsx")
    assert "matches columns B, C" in err.value.errors[0].message


def test_base_unica_layout(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = "Base Única"
    for i in range(4):
        ws.append([f"encabezado {i}"])
    ws.append(["85423103", "00", "Circuitos", None, None, "Pza", "35", "Ex."])
    ws.append(["85423103", "01", "Circuitos (NICO 01)", None, None, "Pza", "35", "Ex."])
    ws.append(["61091001", "00", "Camisetas", None, None, "Pza", "50", "Ex."])
    book.save(tmp_path / "BASEUNICA-LIGIE_20260105.xlsx")
    wb = read_tariff_workbook(tmp_path / "BASEUNICA-LIGIE_20260105.xlsx")
    assert wb.layout == "base_unica"
    assert [(f.fraccion, f.import_rate.display, f.row) for f in wb.fractions] == [
        ("6109.10.01", "50", 7), ("8542.31.03", "35", 5)]  # fmt: skip


@pytest.mark.parametrize(
    "content, message",
    [
        (b"\x89PNG\r\n\x1a\n" + b"\0" * 64, "cannot read the workbook"),
        (b"PK\x03\x04truncated", "cannot read the workbook"),
        (b"", "cannot read the workbook"),
    ],
)
def test_corrupt_files_give_one_message(tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / "FRACCIONES.xlsx"
    path.write_bytes(content)
    with pytest.raises(InvalidFormat) as err:
        read_tariff_workbook(path)
    assert message in str(err.value) and "FRACCIONES.xlsx" in str(err.value)


def test_not_a_tariff_workbook(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    book.active.append(["parte", "cantidad"])
    book.save(tmp_path / "bom.xlsx")
    with pytest.raises(InvalidFormat) as err:
        read_tariff_workbook(tmp_path / "bom.xlsx")
    assert "no sheet has a header row" in str(err.value)
    with pytest.raises(InvalidFormat):
        read_tariff_workbook(tmp_path / "rates.csv")


def _rate(text: str) -> InForce:
    return InForce(parse_rate_text(text), "06")


def test_compare_hand_worked() -> None:
    published = [
        Published("8542.31.03", parse_rate_text("35"), "06"),  # 5 → 35: up
        Published("8542.31.99", parse_rate_text("Ex."), "06"),  # 5 → 0: down
        Published("7318.15.99", parse_rate_text("10"), "01"),  # 10 → 10, unit 06 → 01
        Published("9999.99.99", parse_rate_text("5"), "06"),  # not in force: new
        Published("0101.21.01", parse_rate_text("0.36 Dls. por Kg"), "06"),  # Ex. → specific
    ]
    in_force = {"8542.31.03": _rate("5"), "8542.31.99": _rate("5"), "7318.15.99": _rate("10"),
                "0101.21.01": _rate("Ex."), "4011.10.01": _rate("15")}  # fmt: skip
    diff = compare_tariff(published, in_force)
    assert (diff.count(ChangeKind.UP), diff.count(ChangeKind.DOWN), diff.count(ChangeKind.KIND)) \
        == (1, 1, 1)  # fmt: skip
    assert [n.fraccion for n in diff.new] == ["9999.99.99"]
    assert diff.missing == ("4011.10.01",)
    assert [(u.fraccion, u.before, u.after) for u in diff.unit_changes] == [
        ("7318.15.99", "06", "01")]  # fmt: skip
    assert diff.unchanged == 1
    amendments = diff.amendments(date(2026, 1, 1), "DOF 29-12-2025; FRACCIONES.xlsx")
    assert [(a.fraccion, a.rate.display, a.valid_from) for a in amendments] == [
        ("0101.21.01", "0.36 Dls. por Kg", date(2026, 1, 1)),
        ("8542.31.03", "35", date(2026, 1, 1)),
        ("8542.31.99", "0", date(2026, 1, 1)),
    ]


rates = st.one_of(st.sampled_from(["Ex.", "Prohibida"]), st.integers(0, 50).map(str))


@settings(max_examples=200, deadline=None)
@given(st.dictionaries(st.sampled_from([f"8542.31.{i:02d}" for i in range(30)]),
                       st.tuples(rates, rates), max_size=30))  # fmt: skip
def test_compare_partitions_every_fraction(pairs: dict[str, tuple[str, str]]) -> None:
    published = [Published(k, parse_rate_text(new), "06") for k, (_old, new) in pairs.items()]
    in_force = {k: _rate(old) for k, (old, _new) in pairs.items()}
    diff = compare_tariff(published, in_force)
    assert len(diff.changes) + diff.unchanged == len(pairs) and not diff.new and not diff.missing
    for change in diff.changes:
        assert change.before != change.after
        if change.kind is ChangeKind.UP:
            assert change.after.percent is not None and change.before.percent is not None
            assert change.after.percent > change.before.percent


def test_fold() -> None:
    assert fold(" Fracción  Arancelaria\n") == "FRACCION ARANCELARIA"
