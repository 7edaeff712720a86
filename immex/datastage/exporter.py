"""Stored SAT data back to Data Stage rows (records per table, or ``.asc`` text).

The inverse of the import: for every table, the rows the store holds, as the same typed
records (or raw value tuples) that :mod:`immex.datastage.reader` produces — which is what
the round-trip property test compares — and :func:`format_row` writes one in the physical
layout (canonical form: keys padded, no NUL padding, dates with a time where SAT has one).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection, select

from immex.datastage.layout import LAYOUTS, TABLE_CODES
from immex.datastage.models import RECORD_TYPES
from immex.store.tables import sat


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


def iter_records(
    conn: Connection, code: str, company_id: int | None = None, source: str = "datastage"
) -> Iterator[Any]:
    """Stored rows of Data Stage table ``code`` (typed records or raw value tuples)."""
    p = sat.sat_pedimentos
    layout = LAYOUTS[code]
    where = [p.c.source == source]
    if company_id is not None:
        where.append(p.c.company_id == company_id)
    if code == "501":
        cols = [p.c[c] for c in layout.columns]
        for row in conn.execute(select(*cols).where(*where).order_by(p.c.id)):
            yield RECORD_TYPES[code](
                *(_value(f.kind, v) for f, v in zip(layout.fields, row, strict=True))
            )
        return
    if layout.typed:
        t = sat.CHILD_TABLES[code]
        cols = [p.c.patente, p.c.pedimento, p.c.aduana, *(t.c[c] for c in layout.columns[3:])]
        q = select(*cols).join(p, p.c.id == t.c.pedimento_id).where(*where).order_by(t.c.id)
        for row in conn.execute(q):
            yield RECORD_TYPES[code](
                *(_value(f.kind, v) for f, v in zip(layout.fields, row, strict=True))
            )
        return
    r = sat.sat_raw_rows
    q = select(r.c.data).where(r.c.table_code == code)
    if code == "Resumen":
        q = q.join(sat.sat_import_batches, sat.sat_import_batches.c.id == r.c.batch_id).where(
            sat.sat_import_batches.c.kind == source
        )
    else:
        q = q.join(p, p.c.id == r.c.pedimento_id).where(*where)
    for (data,) in conn.execute(q.order_by(r.c.id)):
        yield tuple(x or None for x in data.split("|"))


def export_tables(
    conn: Connection, company_id: int | None = None, source: str = "datastage"
) -> dict[str, list[Any]]:
    """Every Data Stage table as stored: ``{table code: [records]}``."""
    return {code: list(iter_records(conn, code, company_id, source)) for code in TABLE_CODES}


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
