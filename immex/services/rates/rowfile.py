"""Reading a rate file (CSV or XLSX) and checking its rows, for every ``immex rates load``.

:func:`read_table` gives the header and ``(line, {column: text})`` rows of a file;
:class:`RowChecker` turns cells into dates, fracciones and rates, collecting every problem
as an :class:`~immex.domain.errors.ErrorRecord` (``file:line: column: message``) so that a
whole file is reported at once and nothing is written unless it is clean.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from immex.domain.codes import normalize_fraccion
from immex.domain.errors import ErrorRecord, InvalidFormat
from immex.domain.rates import parse_rate_text
from immex.domain.tariff import PublishedRate

Table = tuple[list[str], list[tuple[int, dict[str, str]]]]


def read_table(path: Path) -> Table:
    """Header and ``(line, {column: text})`` rows of a CSV or XLSX file (values as text)."""
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        return _read_xlsx(path)
    if suffix not in (".csv", ".txt"):
        raise InvalidFormat(f"{path.name}: unsupported file type {suffix!r}; use .csv or .xlsx")
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InvalidFormat(f"{path.name}: not UTF-8 text ({exc.reason})") from None
    reader = csv.reader(io.StringIO(text, newline=""))
    rows = list(reader)
    if not rows:
        return [], []
    header = [h.strip().lower() for h in rows[0]]
    out = []
    for i, raw in enumerate(rows[1:], start=2):
        if not any(c.strip() for c in raw):
            continue
        out.append((i, {h: (raw[j].strip() if j < len(raw) else "") for j, h in enumerate(header)}))
    return header, out


def _cell(value: Any, number_format: str = "") -> str:
    """A cell as the text a person sees: a number formatted as a percentage (``5%``, stored
    as 0.05) is the percentage ``5``, as rates are written in the CSV layouts."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, (int, float)) and not isinstance(value, bool) and "%" in number_format:
        percent = Decimal(repr(value)) * 100
        return format(percent.normalize(), "f") if percent else "0"
    if isinstance(value, float):
        return repr(value)[:-2] if value.is_integer() else repr(value)
    return str(value).strip()


def _read_xlsx(path: Path) -> Table:
    # openpyxl (a third-party reader, no immex module) is imported only when an XLSX file is
    # read: it would add a quarter of a second to every command's start
    from openpyxl import load_workbook

    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises several types for a bad file
        raise InvalidFormat(f"{path.name}: not a readable XLSX file ({exc})") from None
    try:
        ws = wb.worksheets[0]
        rows = [
            [_cell(c.value, getattr(c, "number_format", "") or "") for c in row]
            for row in ws.iter_rows()
        ]
    finally:
        wb.close()
    if not rows:
        return [], []
    header = [h.lower() for h in rows[0]]
    out = []
    for i, cells in enumerate(rows[1:], start=2):
        if not any(cells):
            continue
        out.append((i, {h: (cells[j] if j < len(cells) else "") for j, h in enumerate(header)}))
    return header, out


@dataclass
class RowChecker:
    """Reads the cells of one file's rows, collecting every problem (never raising)."""

    file: str
    errors: list[ErrorRecord] = field(default_factory=list)

    def err(self, line: int, column: str, message: str, value: str | None = None) -> None:
        self.errors.append(ErrorRecord(self.file, line, column, message, value))

    def day(self, line: int, row: dict[str, str], column: str, required: bool) -> date | None:
        text = row.get(column, "")
        if not text:
            if required:
                self.err(line, column, "missing date (expected YYYY-MM-DD)")
            return None
        try:
            return date.fromisoformat(text[:10] if len(text) > 10 and "T" in text else text)
        except ValueError:
            self.err(line, column, "not a date (expected YYYY-MM-DD)", text)
            return None

    def fraccion(self, line: int, row: dict[str, str], column: str = "fraccion") -> str | None:
        try:
            return normalize_fraccion(row.get(column, ""))
        except InvalidFormat as exc:
            self.err(line, column, exc.message)
            return None

    def rate(
        self, line: int, row: dict[str, str], column: str, ad_valorem: bool
    ) -> PublishedRate | None:
        text = row.get(column, "")
        try:
            rate = parse_rate_text(text)
        except InvalidFormat as exc:
            self.err(line, column, exc.message, text)
            return None
        if ad_valorem and rate.percent is None:
            self.err(line, column, "expected Ex. or an ad-valorem percentage such as 5", text)
            return None
        return rate

    def text(self, line: int, row: dict[str, str], column: str) -> str:
        value = row.get(column, "")
        if not value:
            self.err(line, column, "missing value")
        return value

    def period(self, line: int, start: date | None, end: date | None, column: str) -> None:
        if start and end and end < start:
            self.err(line, column, f"ends before it starts ({start.isoformat()})", end.isoformat())
