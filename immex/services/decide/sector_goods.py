"""The PROSEC sectors' goods (Decree art. 4) from the user's file: which finished goods each
sector covers, by fracción — to tell whether the company's own products fall within a
sector's goods (RULES P-1, P-4: a sector's inputs are for producing the sector's goods).

immex bundles no such list (the decree's art. 4 lists are not in ../shared/data): the user
gives one, transcribed from the decree as amended, in the layout of docs/FILES.md
("PROSEC sector goods"): ``sector, fraccion, source`` and optionally ``description,
valid_from, valid_to``. Read with the project's table reader (CSV in any encoding and
separator, XLSX …); all-or-nothing, every problem reported as ``file:line: column:
message``. Nothing is stored: the file is read each time it is given.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from immex.domain.errors import BatchError, ImmexError, InvalidInput
from immex.domain.messages import Template
from immex.services.rates.rowfile import RowChecker, read_table
from immex.services.rates.sectors import normalize_sector

REQUIRED = ("sector", "fraccion", "source")
OPTIONAL = ("description", "valid_from", "valid_to")

NO_FILE = Template("goods.no_file", "{path}: no such file (the sector goods list)")
MISSING_COLUMNS = Template(
    "goods.missing_columns",
    "{path}:1: missing column {items}; expected: {required} (optional: {optional}) — see "
    "docs/FILES.md",
    "{path}:1: missing columns {items}; expected: {required} (optional: {optional}) — see "
    "docs/FILES.md",
)
SOURCE_REQUIRED = Template(
    "goods.source_required", "the decree and DOF date the row comes from is required"
)
BEFORE_START = Template("goods.before_start", "before valid_from")
ERRORS_IN = Template("goods.errors_in", "{n} error in {file}", "{n} errors in {file}")
NO_ROWS = Template("goods.no_rows", "{path}: no rows (the sector goods list is empty)")


@dataclass(frozen=True, slots=True)
class SectorGood:
    sector: str
    fraccion: str
    source: str
    description: str = ""
    valid_from: date | None = None
    valid_to: date | None = None
    line: int = 0

    def overlaps(self, start: date, end: date) -> bool:
        return (self.valid_from or date.min) <= end and start <= (self.valid_to or date.max)


@dataclass(frozen=True, slots=True)
class SectorGoods:
    """The goods list the user gave: its rows, and the file they came from."""

    file: str
    rows: tuple[SectorGood, ...]

    def sectors(self) -> set[str]:
        return {g.sector for g in self.rows}

    def fractions(self, sector: str, start: date, end: date) -> set[str]:
        """The fracciones listed for ``sector`` in force at some time of ``start … end``."""
        return {g.fraccion for g in self.rows if g.sector == sector and g.overlaps(start, end)}


def read_sector_goods(path: Path | str) -> SectorGoods:
    """The file's rows; BatchError (exit 2) listing every bad cell, nothing half-read."""
    path = Path(path)
    if not path.is_file():
        raise InvalidInput(NO_FILE(path=path), field="sector_goods")
    header, rows = read_table(path)
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        raise InvalidInput(
            MISSING_COLUMNS(path=path, items=", ".join(missing), required=", ".join(REQUIRED),
                            optional=", ".join(OPTIONAL), n=len(missing)),
            field="sector_goods",
        )  # fmt: skip
    c = RowChecker(str(path))
    out: list[SectorGood] = []
    for line, row in rows:
        try:
            sector = normalize_sector(row["sector"])
        except ImmexError as exc:
            c.err(line, "sector", exc.message, row["sector"])
            sector = ""
        fraccion = c.fraccion(line, row)
        source = row.get("source", "")
        if not source:
            c.err(line, "source", SOURCE_REQUIRED())
        start = c.day(line, row, "valid_from", required=False)
        end = c.day(line, row, "valid_to", required=False)
        if start and end and end < start:
            c.err(line, "valid_to", BEFORE_START(), end.isoformat())
        if sector and fraccion and source:
            out.append(
                SectorGood(sector, fraccion, source, row.get("description", ""), start, end, line)
            )
    if c.errors:
        raise BatchError(c.errors, ERRORS_IN(n=len(c.errors), file=path.name))
    if not out:
        raise InvalidInput(NO_ROWS(path=path), field="sector_goods")
    return SectorGoods(path.name, tuple(out))
