"""The query planner's statistics after a bulk write (PostgreSQL).

Autovacuum analyzes a table some time after it changed — minutes, or never when it is off.
Until then PostgreSQL plans on the estimates it had for the table when it was empty: on the
10M-consumption plant the join of 1M lots with their materials became a nested loop of
280 s instead of a 5 s hash join (bench/bench_api_load.py). A bulk write therefore refreshes
the statistics of the tables it filled, in its own transaction, so they are there the moment
it commits. SQLite plans without them and is left alone.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Connection, Table

#: rows from which a write refreshes the statistics of the tables it filled
ANALYZE_FROM_ROWS = 10_000


def refresh_statistics(conn: Connection, tables: Sequence[Table], rows: int) -> bool:
    """``ANALYZE`` ``tables`` when ``rows`` were written on PostgreSQL; whether it did."""
    if conn.dialect.name != "postgresql" or rows < ANALYZE_FROM_ROWS or not tables:
        return False
    conn.exec_driver_sql("ANALYZE " + ", ".join(table.name for table in tables))
    return True
