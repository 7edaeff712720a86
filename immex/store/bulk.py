"""Bulk loading of many rows: ``COPY`` on PostgreSQL, ``executemany`` on SQLite."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection, Table

#: rows per ``executemany`` call on SQLite
CHUNK = 200_000
#: after a load this large, PostgreSQL gets fresh planner statistics
ANALYZE_AFTER = 10_000


def bulk_insert(
    conn: Connection, table: Table, columns: Sequence[str], rows: Sequence[tuple[Any, ...]]
) -> None:
    """Insert many rows fast (values in the order of ``columns``)."""
    if not rows:
        return
    if conn.dialect.name == "postgresql":
        dbapi = conn.connection.driver_connection
        with dbapi.cursor() as cur:  # type: ignore[union-attr]
            cols = ", ".join(columns)
            with cur.copy(f"COPY {table.name} ({cols}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            if len(rows) >= ANALYZE_AFTER:
                cur.execute(f"ANALYZE {table.name}")
        return
    marks = ", ".join("?" for _ in columns)
    sql = f"INSERT INTO {table.name} ({', '.join(columns)}) VALUES ({marks})"
    for start in range(0, len(rows), CHUNK):
        conn.exec_driver_sql(sql, rows[start : start + CHUNK])
