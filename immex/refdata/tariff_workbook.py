"""Read the Secretaría de Economía's tariff workbooks (FORMATS.md, "Official tariff workbooks").

Two families:

* **snapshot workbooks** (``FRACCIONESARANCELARIAS_<date>.XLSX``, ``NIVELESARANCELARIOS_…``):
  one sheet, title rows, then a header row found by its names (accent- and case-insensitive;
  the rate columns may sit on a second header row under a merged "ARANCEL" cell);
* the **"Base Única" LIGIE workbook** (``BASEUNICA-LIGIE_<yyyymmdd>.xlsb``, sheet "Base
  Única"): data from the fifth row; columns 1 fraction, 2 NICO, 3 description, 6 UMT,
  7 import rate (IGI), 8 export rate (IGE).

The reader returns one row per 8-digit fraction (several NICO rows of a fraction must carry
the same rate and unit, else that is an error to report) and never guesses: a header name
matching two columns, a row without a valid fraction, an unreadable rate — each is an error
record with the sheet row and column. Nothing here knows the rates in force: comparing is
:mod:`immex.domain.tariff_diff`'s job.
"""

from __future__ import annotations

import re
import unicodedata
import zipfile
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from immex.domain.errors import BatchError, ErrorRecord, ImmexError, InvalidFormat
from immex.domain.messages import Template
from immex.domain.rates import parse_rate_text
from immex.domain.tariff import PublishedRate
from immex.refdata.framework import sha256_file

CANNOT_READ_SE = Template(
    "workbook.cannot_read_se",
    "{name}: cannot read the workbook ({name2}: {exc}); is it an Excel file as downloaded from "
    "the Secretaría de Economía, complete and not renamed?",
)
CANNOT_READ = Template("workbook.cannot_read", "{name}: cannot read the workbook ({name2}: {exc})")
NOT_EXCEL = Template(
    "workbook.not_excel",
    "{name}: expected an Excel workbook (.xlsx, .xlsb, .xls or .ods), not {value}",
)
NO_SUCH_FILE = Template("import.no_such_file", "no such file: {path}")
NO_TARIFF_SHEET = Template(
    "workbook.no_tariff_sheet",
    "{name}: no sheet has a header row with a fraction column ({items}) and an import-rate "
    "column ({items2}) in its first {header_scan_rows} rows, and no sheet is named 'Base "
    "Única'; is this an SE tariff workbook?",
)
NOT_8_DIGITS = Template("workbook.not_8_digits", "not an 8-digit fraction (NNNN.NN.NN)")
RATE_DIFFERS = Template(
    "workbook.rate_differs",
    "fracción {code} has rate {display} on row {row} and {display2} here; the rate of a "
    "fraction is the same on every NICO row — correct the workbook",
)
UNIT_DIFFERS = Template(
    "workbook.unit_differs",
    "fracción {code} has unit {unit} on row {row} and {unit2} here",
)
NO_FRACTION_ROWS = Template(
    "workbook.no_fraction_rows",
    "{where}: the sheet has a header but no fraction rows",
)


#: canonical column → the header names that mean it (folded: no accents, upper case)
HEADER_NAMES: dict[str, tuple[str, ...]] = {
    "fraccion": ("FRACCION", "FRACCION ARANCELARIA"),
    "nico": ("NICO",),
    "description": ("DESCRIPCION",),
    "unit": ("UNIDAD", "UNIDAD DE MEDIDA", "UMT"),
    "import_rate": ("IGI", "IMP", "IMPORT", "IMPORTACION"),
    "export_rate": ("IGE", "EXP", "EXPORT", "EXPORTACION"),
}
REQUIRED = ("fraccion", "import_rate")
#: header rows are looked for among the first rows of the sheet
HEADER_SCAN_ROWS = 40
BASE_UNICA_SHEET = "BASE UNICA"
BASE_UNICA_FIRST_DATA_ROW = 5
BASE_UNICA_COLUMNS = {"fraccion": 1, "nico": 2, "description": 3, "unit": 6,
                      "import_rate": 7, "export_rate": 8}  # fmt: skip
_FRACTION = re.compile(r"^(\d{4})\.?(\d{2})\.?(\d{2})$")


@dataclass(frozen=True, slots=True)
class WorkbookFraction:
    """One 8-digit fraction as the workbook publishes it."""

    fraccion: str  # dotted, "8542.31.03"
    description: str
    unit: str  # verbatim as published ("Kg", "Pza", "1"…); "" when the workbook has none
    import_rate: PublishedRate
    row: int  # first sheet row of the fraction (1-based, as Excel shows it)
    nicos: int = 0


@dataclass(frozen=True, slots=True)
class TariffWorkbook:
    path: Path
    sha256: str
    sheet: str
    layout: str  # "snapshot" | "base_unica"
    header_row: int
    fractions: tuple[WorkbookFraction, ...]

    @property
    def name(self) -> str:
        return self.path.name


def fold(text: Any) -> str:
    """Upper case, no accents, single spaces: how header names are compared."""
    raw = unicodedata.normalize("NFKD", str(text or ""))
    plain = "".join(ch for ch in raw if not unicodedata.combining(ch))
    return " ".join(plain.upper().replace("\n", " ").split())


def _sheets(path: Path) -> list[tuple[str, list[list[Any]], list[list[str]]]]:
    """(sheet name, cell values, number formats) of every sheet of an XLSX/XLSM/XLSB/ODS."""
    suffix = path.suffix.lower()
    try:
        if suffix in (".xlsx", ".xlsm"):
            return _openpyxl_sheets(path)
        if suffix in (".xlsb", ".ods", ".xls"):
            return _calamine_sheets(path)
    except ImmexError:
        raise
    except (zipfile.BadZipFile, OSError, ValueError, KeyError, TypeError) as exc:
        raise InvalidFormat(
            CANNOT_READ_SE(name=path.name, name2=type(exc).__name__, exc=exc),
            field="file",
        ) from None
    except Exception as exc:  # the readers raise their own exception types on corrupt files
        raise InvalidFormat(
            CANNOT_READ(name=path.name, name2=type(exc).__name__, exc=exc), field="file"
        ) from None
    raise InvalidFormat(
        NOT_EXCEL(name=path.name, value=suffix or "a file without extension"),
        field="file",
    )


def _openpyxl_sheets(path: Path) -> list[tuple[str, list[list[Any]], list[list[str]]]]:
    import openpyxl

    book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    try:
        out = []
        for ws in book.worksheets:
            values: list[list[Any]] = []
            formats: list[list[str]] = []
            for row in ws.iter_rows():
                values.append([c.value for c in row])
                formats.append([getattr(c, "number_format", "") or "" for c in row])
            out.append((ws.title, values, formats))
        return out
    finally:
        book.close()


def _calamine_sheets(path: Path) -> list[tuple[str, list[list[Any]], list[list[str]]]]:
    from python_calamine import CalamineWorkbook

    book = CalamineWorkbook.from_path(str(path))
    out = []
    for name in book.sheet_names:
        rows = book.get_sheet_by_name(name).to_python(skip_empty_area=False)
        out.append((name, [list(r) for r in rows], [[""] * len(r) for r in rows]))
    return out


def _match(cell: Any) -> str | None:
    name = fold(cell)
    for column, names in HEADER_NAMES.items():
        if name in names:
            return column
    return None


def _header_map(row: list[Any], below: list[Any] | None) -> tuple[dict[str, int], list[str]]:
    """Columns of a header row (and the row under it, for a two-row header)."""
    found: dict[str, list[int]] = {}
    for i in range(max(len(row), len(below or []))):
        top = _match(row[i]) if i < len(row) else None
        low = _match(below[i]) if below is not None and i < len(below) else None
        column = top or low
        if column:
            found.setdefault(column, []).append(i)
    problems = [
        f"the header {HEADER_NAMES[c][0]!r} matches columns "
        f"{', '.join(_column_letter(i) for i in idx)}; keep one"
        for c, idx in found.items()
        if len(idx) > 1
    ]
    return {c: idx[0] for c, idx in found.items()}, problems


def _column_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def _find_header(
    rows: list[list[Any]],
) -> tuple[int, dict[str, int], int, list[str]] | None:
    """(header row index, columns, first data row index, problems) or None."""
    for i, row in enumerate(rows[:HEADER_SCAN_ROWS]):
        if not any(_match(c) == "fraccion" for c in row):
            continue
        below = rows[i + 1] if i + 1 < len(rows) else None
        one_row, problems = _header_map(row, None)
        if all(c in one_row for c in REQUIRED):
            return i, one_row, i + 1, problems
        two_rows, problems = _header_map(row, below)
        if all(c in two_rows for c in REQUIRED):
            return i, two_rows, i + 2, problems
    return None


def _rate_text(value: Any, number_format: str) -> str:
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int | float):
        number = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
        if "%" in number_format:
            number *= 100
        return format(number.normalize(), "f")
    return str(value or "").strip()


def _fraction_code(value: Any) -> str | None:
    text = str(value or "").strip()
    if isinstance(value, int) or (isinstance(value, float) and value.is_integer()):
        text = str(int(value)).zfill(8)
    match = _FRACTION.match(text)
    return f"{match.group(1)}.{match.group(2)}.{match.group(3)}" if match else None


def read_tariff_workbook(path: Path) -> TariffWorkbook:
    """Every fraction of an SE tariff workbook, or a BatchError naming each bad cell."""
    if not path.is_file():
        raise InvalidFormat(NO_SUCH_FILE(path=path), field="file")
    sheets = _sheets(path)
    for name, rows, formats in sheets:
        if fold(name) == BASE_UNICA_SHEET:
            cols = {c: i - 1 for c, i in BASE_UNICA_COLUMNS.items()}
            first = BASE_UNICA_FIRST_DATA_ROW - 1
            return _rows(path, name, "base_unica", first - 1, cols, rows[first:], formats[first:],
                         first)  # fmt: skip
    for name, rows, formats in sheets:
        found = _find_header(rows)
        if found is None:
            continue
        header, cols, first, problems = found
        if problems:
            raise BatchError(
                [ErrorRecord(f"{path.name} [{name}]", header + 1, "header", p) for p in problems]
            )
        return _rows(path, name, "snapshot", header, cols, rows[first:], formats[first:], first)
    raise InvalidFormat(
        NO_TARIFF_SHEET(
            name=path.name,
            items=" / ".join(HEADER_NAMES["fraccion"]),
            items2=" / ".join(HEADER_NAMES["import_rate"]),
            header_scan_rows=HEADER_SCAN_ROWS,
        ),
        field="file",
    )


def _cell(row: list[Any], index: int | None) -> Any:
    if index is None or index >= len(row):
        return None
    return row[index]


def _rows(
    path: Path, sheet: str, layout: str, header: int, cols: dict[str, int],
    rows: list[list[Any]], formats: list[list[str]], first: int,
) -> TariffWorkbook:  # fmt: skip
    where = f"{path.name} [{sheet}]"
    errors: list[ErrorRecord] = []
    out: dict[str, WorkbookFraction] = {}
    for offset, row in enumerate(rows):
        line = first + offset + 1
        raw_code = _cell(row, cols["fraccion"])
        if raw_code is None or str(raw_code).strip() == "":
            continue  # blank rows, headings without a fraction
        code = _fraction_code(raw_code)
        if code is None:
            if re.fullmatch(r"\d{2}(\.?\d{2})?", str(raw_code).strip()):
                continue  # chapter / heading rows of the snapshot layout
            errors.append(ErrorRecord(where, line, "fraccion",
                          NOT_8_DIGITS(), str(raw_code)))  # fmt: skip
            continue
        fmt = formats[offset] if offset < len(formats) else []
        index = cols["import_rate"]
        text = _rate_text(_cell(row, index), fmt[index] if index < len(fmt) else "")
        try:
            rate = parse_rate_text(text)
        except (InvalidFormat, InvalidOperation) as exc:
            errors.append(ErrorRecord(where, line, "import_rate", str(exc), text))
            continue
        unit = str(_cell(row, cols.get("unit")) or "").strip()
        description = str(_cell(row, cols.get("description")) or "").strip()
        known = out.get(code)
        if known is None:
            has_nico = _cell(row, cols.get("nico")) not in (None, "")
            out[code] = WorkbookFraction(code, description, unit, rate, line, int(has_nico))
            continue
        if known.import_rate.display != rate.display:
            differs = RATE_DIFFERS(code=code, display=known.import_rate.display, row=known.row,
                                   display2=rate.display)  # fmt: skip
            errors.append(ErrorRecord(where, line, "import_rate", differs, text))
        elif unit and known.unit and fold(unit) != fold(known.unit):
            differs = UNIT_DIFFERS(code=code, unit=repr(known.unit), row=known.row,
                                   unit2=repr(unit))  # fmt: skip
            errors.append(ErrorRecord(where, line, "unit", differs, unit))
        else:
            out[code] = WorkbookFraction(known.fraccion, known.description or description,
                                         known.unit or unit, known.import_rate, known.row,
                                         known.nicos + 1)  # fmt: skip
    if errors:
        raise BatchError(errors)
    if not out:
        raise InvalidFormat(NO_FRACTION_ROWS(where=where), field="file")
    return TariffWorkbook(path, sha256_file(path), sheet, layout, header + 1,
                          tuple(sorted(out.values(), key=lambda f: f.fraccion)))  # fmt: skip
