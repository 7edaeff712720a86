"""Bulk writes of SAT rows through the driver, and the copy of a worker's scratch database.

:class:`BulkWriter` inserts without per-row SQLAlchemy work: ``executemany`` on SQLite,
``COPY`` on PostgreSQL. :class:`ScratchCopies` attaches the scratch SQLite files a second
reader process wrote (:mod:`immex.datastage.parallel`) to the workspace connection, copies
their rows with ``INSERT … SELECT`` inside the import's transaction, and detaches them once
that transaction has ended (SQLite refuses to detach during one).
"""

from __future__ import annotations

import operator
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Table

#: rows buffered by :meth:`BulkWriter.add` before they are written
CHUNK_ROWS = 50_000


class BulkWriter:
    """Bulk inserts into ``table``.

    A row is a sequence whose element ``positions[i]`` (default ``i``) goes to
    ``columns[i]``; other elements are ignored. ``""`` stands for NULL (the bulk rows of
    :meth:`DataStageZip.bulk_batches`): SQLite turns it into NULL with ``NULLIF`` (binding
    ``None`` costs the sqlite3 module far more), PostgreSQL reads it as its COPY NULL string.
    """

    def __init__(
        self,
        conn: Connection,
        table: Table,
        columns: Sequence[str],
        positions: Sequence[int] | None = None,
    ) -> None:
        self.conn = conn
        self.table_name = table.name
        self.columns = tuple(columns)
        self.positions = tuple(range(len(columns)) if positions is None else positions)
        names = ", ".join(columns)
        self.copy_sql: str | None = None
        self.pick: Any = None
        if conn.dialect.name == "postgresql":
            self.copy_sql = f"COPY {table.name} ({names}) FROM STDIN (NULL '')"
            if self.positions != tuple(range(len(columns))):
                self.pick = operator.itemgetter(*self.positions)
        ph = []  # SQLite's numbered parameters: ?N is element N-1 of a row
        for col, pos in zip(columns, self.positions, strict=True):
            mark = f"?{pos + 1}"
            ph.append(f"NULLIF({mark}, '')" if table.c[col].nullable else mark)
        #: the SQLite statement (also what the worker process runs on its scratch file)
        self.sql = f"INSERT INTO {table.name} ({names}) VALUES ({', '.join(ph)})"
        self.rows: list[Any] = []
        self.count = 0

    def add(self, row: Sequence[Any]) -> None:
        self.rows.append(row)
        if len(self.rows) >= CHUNK_ROWS:
            self.flush()

    def write(self, rows: list[Any]) -> None:
        """Write ``rows`` (and whatever :meth:`add` buffered) now."""
        self.flush()
        self.rows = rows
        self.flush()

    def flush(self) -> None:
        rows = self.rows
        if not rows:
            return
        if self.copy_sql is not None:  # PostgreSQL: COPY (values are canonical text)
            dbapi = self.conn.connection.driver_connection
            pick = self.pick
            with dbapi.cursor() as cur, cur.copy(self.copy_sql) as copy:  # type: ignore[union-attr]
                write = copy.write_row
                if pick is None:
                    for row in rows:
                        write(row)
                else:
                    for row in rows:
                        write(pick(row))
        else:  # rows may be lists, which exec_driver_sql refuses: the driver's cursor
            cur = self.conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
            try:
                cur.executemany(self.sql, rows)
            finally:
                cur.close()
        self.count += len(rows)
        self.rows = []


class ScratchCopies:
    """Scratch SQLite databases attached to the workspace connection (SQLite only)."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        self.attached: list[str] = []

    def attach(self, path: Path) -> str:
        """Attach the scratch file; returns its alias."""
        alias = f"ds_part{len(self.attached) + 1}"
        cur = self.conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
        try:
            cur.execute(f"ATTACH DATABASE ? AS {alias}", (str(path),))
        finally:
            cur.close()
        self.attached.append(alias)
        return alias

    def copy(self, alias: str, table: str, columns: Sequence[str]) -> None:
        """Append the rows of ``alias.table`` to ``main.table`` in their order."""
        cols = ", ".join(columns)
        cur = self.conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
        try:
            cur.execute(
                f"INSERT INTO main.{table} ({cols}) SELECT {cols} FROM {alias}.{table} "
                "ORDER BY rowid"
            )
        finally:
            cur.close()

    def detach_all(self) -> None:
        """Detach every scratch database (after the commit or rollback)."""
        if self.attached and not self.conn.closed:
            try:
                cur = self.conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
                try:
                    for alias in self.attached:
                        cur.execute(f"DETACH DATABASE {alias}")
                finally:
                    cur.close()
            except Exception:  # never back to the pool with a scratch file attached
                self.conn.invalidate()
        self.attached = []
