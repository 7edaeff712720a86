"""The one reader of tables (immex.files): encodings, separators, workbooks, Spanish
headers, and one clear located error for every file that is not a readable table."""

from __future__ import annotations

import codecs
import re
from datetime import date
from pathlib import Path

import pytest

from immex.files import (
    LAYOUTS,
    FileKind,
    Layout,
    UnreadableFile,
    WrongLayout,
    decode_bytes,
    header_key,
    normalize_header,
    open_table,
)
from immex.files.headers import alias_table
from tests.support_files import CANONICAL, SPANISH, broken_files, ods_bytes, xlsx_bytes

ROOT = Path(__file__).resolve().parents[1]
PEDS = LAYOUTS["pedimentos"]


def put(tmp: Path, name: str, data: bytes) -> Path:
    path = tmp / name
    path.write_bytes(data)
    return path


def read(
    path: Path, layout: Layout | None = PEDS
) -> tuple[list[str], list[tuple[int, list[str]]], list[str]]:
    table = open_table(path, layout)
    return table.header, list(table.rows), table.notes


def only_error(exc: pytest.ExceptionInfo[UnreadableFile]) -> str:
    assert len(exc.value.errors) == 1
    return str(exc.value.errors[0])


# --------------------------------------------------------------------------- encodings


def test_windows_1252_with_accents_and_semicolons(tmp_path: Path) -> None:
    header, rows, notes = read(put(tmp_path, "peds.csv", SPANISH.encode("cp1252")))
    assert header == CANONICAL
    assert rows[1] == (
        3,
        ["25 47 3012 5000002", "IN", "2025-01-11", "Pieza cilíndrica ñ", "2.5", "7", "CHN"],
    )
    assert any("Windows-1252" in n for n in notes)
    assert any("semicolon" in n for n in notes)


def test_excel_texto_unicode_is_utf16_tab_separated(tmp_path: Path) -> None:
    data = SPANISH.replace(";", "\t").replace("\n", "\r\n").encode("utf-16")
    assert data.startswith(codecs.BOM_UTF16_LE)
    header, rows, notes = read(put(tmp_path, "peds.txt", data))
    assert header == CANONICAL and rows[0][1][3] == "VÁLV-1" and rows[1][1][3].endswith("ñ")
    assert any("UTF-16" in n for n in notes) and any("tab" in n for n in notes)


@pytest.mark.parametrize(
    "data",
    [
        SPANISH.encode("utf-8"),
        SPANISH.encode("utf-8-sig"),
        codecs.BOM_UTF16_BE + SPANISH.encode("utf-16-be"),
        SPANISH.encode("utf-16-le"),  # no BOM
        SPANISH.encode("utf-32"),
    ],
    ids=["utf8", "utf8-bom", "utf16-be", "utf16-le-no-bom", "utf32"],
)
def test_unicode_encodings(tmp_path: Path, data: bytes) -> None:
    header, rows, _ = read(put(tmp_path, "peds.csv", data))
    assert header == CANONICAL and rows[1][1][3] == "Pieza cilíndrica ñ"


def test_plain_utf8_comma_file_has_no_notes(tmp_path: Path) -> None:
    text = ",".join(CANONICAL) + "\n254730125000001,IN,2025-01-10,A,1,1,USA\n"
    header, rows, notes = read(put(tmp_path, "p.csv", text.encode()))
    assert (
        header == CANONICAL
        and notes == []
        and rows == [(2, ["254730125000001", "IN", "2025-01-10", "A", "1", "1", "USA"])]
    )


def test_first_accent_far_down_the_file_is_still_windows_1252(tmp_path: Path) -> None:
    lines = [",".join(CANONICAL)] + ["254730125000001,IN,2025-01-10,A,1,1,USA"] * 60_000
    lines.append("254730125000001,IN,2025-01-10,Válvula,1,1,USA")
    path = put(tmp_path, "p.csv", ("\n".join(lines) + "\n").encode("cp1252"))
    assert path.stat().st_size > 2 << 20
    _, rows, notes = read(path)
    assert rows[-1] == (60_002, ["254730125000001", "IN", "2025-01-10", "Válvula", "1", "1", "USA"])
    assert any("Windows-1252" in n for n in notes)


def test_dos_850_file(tmp_path: Path) -> None:
    _, rows, notes = read(put(tmp_path, "p.csv", SPANISH.encode("cp850")))
    assert rows[1][1][3] == "Pieza cilíndrica ñ" and any("850" in n for n in notes)


def test_a_file_mixing_utf8_and_windows_1252_names_the_line(tmp_path: Path) -> None:
    data = SPANISH.encode("utf-8") + "x;IN;2025-01-12;Señal;1;1;USA\n".encode("cp1252")
    with pytest.raises(UnreadableFile) as exc:
        read(put(tmp_path, "p.csv", data))
    assert re.match(r"p\.csv:4: the file mixes encodings", only_error(exc))


def test_a_byte_windows_1252_lacks_is_located_while_streaming(tmp_path: Path) -> None:
    rows = ["254730125000001,IN,2025-01-10,Válvula,1,1,USA"] * 5_000
    data = (",".join(CANONICAL) + "\n" + "\n".join(rows) + "\n").encode("cp1252")
    data += b"254730125000001,IN,2025-01-10,A\x81,1,1,USA\n"
    table = open_table(put(tmp_path, "p.csv", data), PEDS)
    with pytest.raises(UnreadableFile) as exc:
        list(table.rows)
    assert only_error(exc).startswith("p.csv:5002: byte 0x81 cannot be read as Windows-1252")


def test_decode_bytes_for_whole_file_readers() -> None:
    text, enc = decode_bytes("500|1|Señor\r\n".encode("cp1252"), "m3999001.062")
    assert text == "500|1|Señor\r\n" and enc.label == "Windows-1252"
    assert decode_bytes("ñ".encode("utf-8-sig"), "x")[0] == "ñ"
    with pytest.raises(UnreadableFile):
        decode_bytes(b"", "x")


# --------------------------------------------------------------------------- separators


@pytest.mark.parametrize("sep,name", [(";", "semicolon"), ("\t", "tab"), ("|", "pipe")])
def test_separators_are_detected_and_said(tmp_path: Path, sep: str, name: str) -> None:
    text = SPANISH.replace(";", sep)
    header, rows, notes = read(put(tmp_path, "p.csv", text.encode()))
    assert header == CANONICAL and len(rows) == 2
    assert any(name in n for n in notes)


def test_commas_inside_values_of_a_semicolon_file(tmp_path: Path) -> None:
    text = SPANISH.replace("VÁLV-1", '"Válvula, 2"""').replace("Pieza", "Pieza, tipo")
    _, rows, _ = read(put(tmp_path, "p.csv", text.encode()))
    assert rows[0][1][3] == 'Válvula, 2"' and rows[1][1][3].startswith("Pieza, tipo")


def test_quoted_line_break_keeps_the_record_start_line(tmp_path: Path) -> None:
    text = (
        ",".join(CANONICAL) + '\n1,IN,2025-01-10,"two\nlines",1,1,USA\n2,IN,2025-01-10,B,1,1,USA\n'
    )
    _, rows, _ = read(put(tmp_path, "p.csv", text.encode()))
    assert [line for line, _ in rows] == [2, 4] and rows[0][1][3] == "two\nlines"


def test_unknown_header_in_a_semicolon_file_says_how_it_was_read(tmp_path: Path) -> None:
    data = "uno;dos;tres\n1;2;3\n".encode("cp1252")
    with pytest.raises(WrongLayout) as exc:
        read(put(tmp_path, "p.csv", data))
    [record] = exc.value.errors
    assert "names none of the columns of a pedimentos file" in record.message
    assert "semicolon" in record.message and record.line == 1
    assert record.value == "uno | dos | tres"


# --------------------------------------------------------------------------- headers


def test_header_keys() -> None:
    assert normalize_header(" Fracción  Arancelaria ") == "fraccion_arancelaria"
    keys = LAYOUTS["materials"].keys()
    for text in (
        "No. de Parte",
        "Número de parte",
        "numero_parte",
        "Nº parte",
        "N° de parte",
        "part number",
    ):
        assert keys[header_key(text)] == "part_number", text


def test_spanish_aliases_and_unknown_columns(tmp_path: Path) -> None:
    text = (
        "Fracción arancelaria,Descripción,No. de parte,Unidad de medida,Tipo,Comentario\n"
        "8481.80.99,Válvula,V-1,Pza,input,x\n"
    )
    header, rows, notes = read(put(tmp_path, "m.csv", text.encode()), LAYOUTS["materials"])
    assert header == ["fraccion", "description", "part_number", "umc", "kind", "comentario"]
    assert any("'Fracción arancelaria' → fraccion" in n for n in notes)


def test_two_columns_meaning_one_are_an_error(tmp_path: Path) -> None:
    text = ",".join(CANONICAL) + ",cantidad\n1,IN,2025-01-10,A,1,1,USA,2\n"
    with pytest.raises(WrongLayout) as exc:
        read(put(tmp_path, "p.csv", text.encode()))
    assert "columns 5 ('quantity') and 8 ('cantidad') both mean quantity" in str(
        exc.value.errors[0]
    )


def test_missing_columns_name_their_accepted_names(tmp_path: Path) -> None:
    text = "pedimento,clave,fecha,cantidad,valor usd,origen\n1,IN,2025-01-10,1,1,USA\n"
    with pytest.raises(WrongLayout) as exc:
        read(put(tmp_path, "p.csv", text.encode()))
    [record] = exc.value.errors
    assert record.field == "part_number" and record.line == 1
    assert "missing column" in record.message and "número de parte" in record.message


def test_title_rows_above_the_header_are_skipped(tmp_path: Path) -> None:
    text = "Reporte de pedimentos\nEmpresa Ejemplo\n\n" + SPANISH.replace(";", ",")
    header, rows, notes = read(put(tmp_path, "p.csv", text.encode()))
    assert header == CANONICAL and rows[0][0] == 5
    assert any("header found on line 4" in n for n in notes)


def test_every_layout_has_unambiguous_aliases() -> None:
    for layout in LAYOUTS.values():
        seen: dict[str, str] = {}
        for column in layout.columns:
            names = [column, *layout.keys()]
            for key, target in layout.keys().items():
                if target == column:
                    assert seen.setdefault(key, column) == column, (layout.name, key)
            assert names


def test_layouts_match_the_importers() -> None:
    from immex.services.ledger.importer import COLUMNS
    from immex.services.rates.loading import LAYOUTS as RATE_LAYOUTS
    from immex.services.rates.parameters import COLUMNS as PARAMETER_COLUMNS

    for name, (required, optional) in {**COLUMNS, **RATE_LAYOUTS}.items():
        assert (LAYOUTS[name].required, LAYOUTS[name].optional) == (required, optional), name
    assert LAYOUTS["parameters"].required == PARAMETER_COLUMNS


def test_the_alias_table_in_the_docs_is_current() -> None:
    doc = (ROOT / "docs" / "FILES.md").read_text(encoding="utf-8")
    committed = doc.split("<!-- aliases:start -->\n")[1].split("<!-- aliases:end -->")[0]
    assert committed == alias_table(list(LAYOUTS.values())), "regenerate the table in docs/FILES.md"


# --------------------------------------------------------------------------- workbooks


def test_xlsx_cells_read_as_people_see_them(tmp_path: Path) -> None:
    data = xlsx_bytes(
        [["Producto", "Componente", "Consumo", "Merma", "Vigencia desde"],
         ["HARN-1", "RES-10K", 4.0, 0.025, date(2025, 7, 1)],
         [None, None, None, None, None],
         ["HARN-1", "CAB-01", 0.75, None, None]],
        percent="D2", sheets=2,
    )  # fmt: skip
    header, rows, notes = read(put(tmp_path, "bom.xlsx", data), LAYOUTS["bom"])
    assert header == ["product", "component", "qty_per_unit", "scrap_pct", "valid_from"]
    assert rows == [
        (2, ["HARN-1", "RES-10K", "4", "2.5", "2025-07-01"]),
        (4, ["HARN-1", "CAB-01", "0.75", "", ""]),
    ]
    assert any("first of 2" in n for n in notes)


def test_a_workbook_named_csv_is_read_as_a_workbook(tmp_path: Path) -> None:
    data = xlsx_bytes([CANONICAL, ["254730125000001", "IN", "2025-01-10", "A", 1, 1, "USA"]])
    table = open_table(put(tmp_path, "p.csv", data), PEDS)
    assert table.kind is FileKind.XLSX and list(table.rows)[0][1][4] == "1"
    assert any("named .csv" in n for n in table.notes)


def test_ods_through_calamine(tmp_path: Path) -> None:
    data = ods_bytes(
        [["Fracción", "Tasa", "Vigencia desde", "Fuente"], ["8481.80.99", "5", "2026-01-01", "DOF"]]
    )
    table = open_table(put(tmp_path, "amend.ods", data), LAYOUTS["amendments"])
    assert table.kind is FileKind.ODS
    assert table.header == ["fraccion", "rate", "valid_from", "source"]
    assert list(table.rows) == [(2, ["8481.80.99", "5", "2026-01-01", "DOF"])]


# --------------------------------------------------------------------------- unreadable files


@pytest.mark.parametrize("name", sorted(broken_files()))
def test_every_unreadable_file_is_one_located_error(tmp_path: Path, name: str) -> None:
    path = put(tmp_path, name, broken_files()[name])
    with pytest.raises(UnreadableFile) as exc:
        table = open_table(path, PEDS)
        list(table.rows)
    message = only_error(exc)
    assert message.startswith(name) and len(message) > len(name) + 20
    assert exc.value.message == f"{name}: cannot be read; nothing was written"
    assert exc.value.errors[0].source == name


def test_the_messages_say_what_the_file_is(tmp_path: Path) -> None:
    files = broken_files()
    expect = {
        "image.xlsx": "this is a PNG image, not a table",
        "truncated.xlsx": "damaged or truncated ZIP container",
        "empty.csv": "empty file (0 bytes)",
        "blank.csv": "no header row",
        "doc.xlsx": "Word document",
        "archive.csv": "a ZIP archive of 1 file (notas.txt)",
        "report.csv": "a PDF document",
        "random.csv": "binary data",
    }
    for name, words in expect.items():
        with pytest.raises(UnreadableFile) as exc:
            list(open_table(put(tmp_path, name, files[name]), PEDS).rows)
        assert words in only_error(exc), (name, only_error(exc))


def test_no_such_file(tmp_path: Path) -> None:
    with pytest.raises(UnreadableFile) as exc:
        open_table(tmp_path / "nada.csv", PEDS)
    assert "no such file" in only_error(exc)


def test_source_name_is_the_callers(tmp_path: Path) -> None:
    path = put(tmp_path, "x.csv", b"")
    with pytest.raises(UnreadableFile) as exc:
        open_table(path, PEDS, source=str(path))
    assert exc.value.errors[0].source == str(path)
