"""The query planner's statistics after a bulk write (PostgreSQL).

Autovacuum analyzes a table some time after it changed — minutes, or never when it is off.
Until then PostgreSQL plans on the estimates it had for the table when it was empty: on the
10M-consumption plant the join of 1M lots with their materials became a nested loop of
280 s instead of a 5 s hash join (bench/bench_api_load.py) — the *small* table is the
dangerous one: 5,005 materials planned as one row made the join with 1M lots a loop over
1.5 billion pairs (230 s). A write therefore refreshes the statistics of each table it
filled by as many rows as autovacuum's own default rule would wait for (50 rows plus 10 %
of the rows the planner believes the table holds), in its own transaction, so they are
there the moment it commits; ANALYZE samples at most 30,000 rows, so it costs little even
on a big table. SQLite plans without them and is left alone.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Connection, Table, text

#: a write of at least ``ANALYZE_BASE_ROWS + ANALYZE_SCALE × (rows the planner believes the
#: table holds)`` rows refreshes its statistics (PostgreSQL's autovacuum_analyze_threshold
#: and autovacuum_analyze_scale_factor defaults)
ANALYZE_BASE_ROWS = 50
ANALYZE_SCALE = 0.1


def estimated_rows(conn: Connection, table: Table) -> float:
    """The planner's row count of ``table`` (0 when it never had statistics)."""
    found = conn.execute(
        text("SELECT reltuples FROM pg_class WHERE oid = to_regclass(:t)"), {"t": table.name}
    ).scalar()
    return max(float(found), 0.0) if found is not None else 0.0


def refresh_statistics(conn: Connection, tables: Sequence[Table], rows: int) -> bool:
    """``ANALYZE`` those of ``tables`` that a write of ``rows`` rows changed enough, on
    PostgreSQL; whether it analyzed any."""
    if conn.dialect.name != "postgresql" or rows < ANALYZE_BASE_ROWS or not tables:
        return False
    stale = [
        table.name for table in tables
        if rows >= ANALYZE_BASE_ROWS + ANALYZE_SCALE * estimated_rows(conn, table)
    ]  # fmt: skip
    if not stale:
        return False
    conn.exec_driver_sql("ANALYZE " + ", ".join(stale))
    return True
