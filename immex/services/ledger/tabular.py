"""The rows of a ledger file, read by the one table reader of immex (:mod:`immex.files`).

The one place the ledger meets file formats; the importers see the header as canonical
column names and ``(line number, cells)`` pairs, blank lines skipped.
"""

from __future__ import annotations

import csv
import hashlib
import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from immex.files import LAYOUTS as FILE_LAYOUTS
from immex.files import open_table

#: (line number in the file, cells as text) of each non-blank row after the header
Rows = Iterator[tuple[int, list[str]]]


def file_sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def read_rows(path: Path, entity: str) -> tuple[list[str], Rows, list[str]]:
    """Header (the canonical column names of ``entity``'s layout), ``(line number, cells)``
    and the notes on how the file was read — by :mod:`immex.files`: CSV/TXT in any
    encoding and separator, XLSX, XLSB, ODS, Spanish header names; an unreadable file is
    one :class:`~immex.files.UnreadableFile`, a missing column a
    :class:`~immex.files.WrongLayout`."""
    table = open_table(path, FILE_LAYOUTS[entity], source=str(path))
    return table.header, table.rows, table.notes


def csv_text(header: list[str], rows: list[list[Any]]) -> str:
    """A CSV document (helper for tests and the generator)."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(header)
    w.writerows(rows)
    return buf.getvalue()
