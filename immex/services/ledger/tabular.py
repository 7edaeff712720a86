"""The rows of a ledger file: a CSV (UTF-8, header row) or an XLSX (first sheet, header row).

The one place that knows file formats; the importers see a lower-cased header and
``(line number, cells)`` pairs, blank lines skipped. Kept small so that another reader
(e.g. one that detects the encoding) can take its place.
"""

from __future__ import annotations

import csv
import hashlib
import io
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

#: (line number in the file, cells as text) of each non-blank row after the header
Rows = Iterator[tuple[int, list[str]]]
EXCEL_SUFFIXES = (".xlsx", ".xlsm")


def file_sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def cell_text(value: Any) -> str:
    """A spreadsheet cell as the text a CSV would hold (dates ISO, whole floats bare)."""
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()[:10]
    if isinstance(value, float):
        return repr(value) if not value.is_integer() else str(int(value))
    return str(value).strip()


def read_rows(path: Path) -> tuple[list[str], Rows]:
    """Header (lower-cased) and (line number, cells) of a CSV or XLSX file."""
    if path.suffix.lower() in EXCEL_SUFFIXES:
        return _read_xlsx(path)
    return _read_csv(path)


def _read_xlsx(path: Path) -> tuple[list[str], Rows]:
    # openpyxl costs ~0.2 s to import: only a command that reads a workbook pays for it
    from openpyxl import load_workbook

    wb = load_workbook(path, read_only=True, data_only=True)
    rows = wb.worksheets[0].iter_rows(values_only=True)
    header = [cell_text(c).lower() for c in next(rows, ())]

    def gen() -> Rows:
        for n, row in enumerate(rows, start=2):
            cells = [cell_text(c) for c in row]
            if any(cells):
                yield n, cells
        wb.close()

    return header, gen()


def _read_csv(path: Path) -> tuple[list[str], Rows]:
    fh = path.open("r", encoding="utf-8-sig", newline="")
    reader = csv.reader(fh)
    header = [h.strip().lower() for h in next(reader, [])]

    def gen() -> Rows:
        with fh:
            for row in reader:
                if any(row):
                    yield reader.line_num, row

    return header, gen()


def csv_text(header: list[str], rows: list[list[Any]]) -> str:
    """A CSV document (helper for tests and the generator)."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(header)
    w.writerows(rows)
    return buf.getvalue()
