"""Stored SAT data back to Data Stage rows (records per table, or ``.asc`` text).

The inverse of the import: :func:`records` turns the rows the store holds for a table
(``SatRepository.stored_rows``) into the same typed records (or raw value tuples) that
:mod:`immex.datastage.reader` produces — which is what the round-trip property test
compares — and :func:`format_row` writes one in the physical layout (canonical form: keys
padded, no NUL padding, dates with a time where SAT has one).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from immex.datastage.layout import LAYOUTS
from immex.datastage.models import RECORD_TYPES


def _value(kind: str, v: Any) -> Any:
    """A store value as the reader's typed value."""
    if v is None:
        return None
    if kind in ("n", "m", "r", "w"):
        return v if isinstance(v, Decimal) else Decimal(str(v))
    if kind == "i":
        return int(v)
    if kind == "d":
        return (
            v
            if isinstance(v, date) and not isinstance(v, datetime)
            else date.fromisoformat(str(v)[:10])
        )
    if kind == "dt":
        return v if isinstance(v, datetime) else datetime.fromisoformat(str(v))
    return v


def records(code: str, rows: Iterable[tuple[Any, ...] | str]) -> list[Any]:
    """Stored rows of Data Stage table ``code`` as the reader's records: value tuples of a
    typed table (key first, fields in layout order) become typed records; the raw
    ``|``-joined text of another table becomes a tuple of its fields (empty → None)."""
    layout = LAYOUTS[code]
    if not layout.typed:
        return [tuple(x or None for x in str(data).split("|")) for data in rows]
    make = RECORD_TYPES[code]
    return [
        make(*(_value(f.kind, v) for f, v in zip(layout.fields, row, strict=True)))
        for row in rows
    ]


def _fmt(kind: str, v: Any) -> str:
    if v is None:
        return ""
    if kind == "dt":
        return str(v.strftime("%Y-%m-%d %H:%M:%S"))
    if kind == "d":
        return str(v.isoformat())
    if isinstance(v, Decimal):
        return format(v, "f")
    return str(v)


def format_row(code: str, record: Any) -> str:
    """One row in the physical layout (without the CRLF)."""
    layout = LAYOUTS[code]
    if not layout.typed:
        return "|".join("" if v is None else v for v in record) + "|"
    return "|".join(_fmt(f.kind, getattr(record, f.column)) for f in layout.fields) + "|"


def format_table(code: str, records: list[Any]) -> bytes:
    """A whole ``.asc`` file: header, CRLF rows, no final CRLF when empty."""
    text = LAYOUTS[code].header + "".join("\r\n" + format_row(code, r) for r in records)
    if records:
        text += "\r\n"
    return text.encode("cp1252", errors="replace")
