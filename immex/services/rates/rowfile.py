"""Reading a rate file (CSV or XLSX) and checking its rows, for every ``immex rates load``.

:func:`read_table` gives the header and ``(line, {column: text})`` rows of a file (read by
:mod:`immex.files`: any encoding and separator, workbooks, Spanish header names);
:class:`RowChecker` turns cells into dates, fracciones and rates, collecting every problem
as an :class:`~immex.domain.errors.ErrorRecord` (``file:line: column: message``) so that a
whole file is reported at once and nothing is written unless it is clean.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from immex.domain.codes import normalize_fraccion
from immex.domain.errors import ErrorRecord, InvalidFormat
from immex.domain.messages import Template
from immex.domain.rates import parse_rate_text
from immex.domain.tariff import PublishedRate
from immex.files import LAYOUTS as FILE_LAYOUTS
from immex.files import open_table
from immex.services.ledger.field_checks import NOT_A_DATE

#: the checks of a rate file's cells (every ``immex rates load``), shared by its readers
MISSING_DATE = Template("rows.missing_date", "missing date (expected YYYY-MM-DD)")
NOT_AD_VALOREM = Template(
    "rows.not_ad_valorem", "expected Ex. or an ad-valorem percentage such as 5"
)
MISSING_VALUE = Template("rows.missing_value", "missing value")
ENDS_BEFORE = Template("rows.ends_before", "ends before it starts ({start})")
MUST_BE_ONE_OF = Template("rows.must_be_one_of", "must be one of {items}")
MISSING_COLUMN = Template("annex.err.missing_column", "missing column (layout: {layout})")
NO_DATA_ROWS = Template("annex.err.no_rows", "no data rows")
FILE_NOTE = Template("rows.file_note", "{file}: {note}")

TableRows = list[tuple[int, dict[str, str]]]
Table = tuple[list[str], TableRows]


def read_table(path: Path, kind: str | None = None) -> Table:
    """Header and ``(line, {column: text})`` rows of a table file (values as text)."""
    header, rows, _notes = read_table_notes(path, kind)
    return header, rows


def read_table_notes(path: Path, kind: str | None = None) -> tuple[list[str], TableRows, list[str]]:
    """As :func:`read_table`, with the notes on how the file was read (encoding, separator,
    Spanish header names…). Any file the immex.files reader takes: CSV/TXT in any encoding
    and separator, XLSX, XLSB, ODS; the header of ``kind``'s layout, aliases accepted."""
    table = open_table(path, FILE_LAYOUTS.get(kind) if kind else None)
    header = table.header
    rows = [
        (line, {h: (cells[j].strip() if j < len(cells) else "") for j, h in enumerate(header)})
        for line, cells in table.rows
        if any(c.strip() for c in cells)
    ]
    return header, rows, [FILE_NOTE(file=path.name, note=note) for note in table.notes]


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
                self.err(line, column, MISSING_DATE())
            return None
        try:
            return date.fromisoformat(text[:10] if len(text) > 10 and "T" in text else text)
        except ValueError:
            self.err(line, column, NOT_A_DATE(), text)
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
            self.err(line, column, NOT_AD_VALOREM(), text)
            return None
        return rate

    def text(self, line: int, row: dict[str, str], column: str) -> str:
        value = row.get(column, "")
        if not value:
            self.err(line, column, MISSING_VALUE())
        return value

    def period(self, line: int, start: date | None, end: date | None, column: str) -> None:
        if start and end and end < start:
            self.err(line, column, ENDS_BEFORE(start=start.isoformat()), end.isoformat())
