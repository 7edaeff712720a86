"""An import killed mid-way (SIGKILL, as `kill -9` does) leaves no half batch: the
database is as it was before, on SQLite and on PostgreSQL.

The import of a big generated pedimentos file runs in a subprocess (the real CLI). The test
waits until that process is inside its write transaction — on SQLite, until another
connection can no longer take the write lock; on PostgreSQL, until the server shows its
``COPY`` into the lots — then kills it and counts every ledger table again.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from sqlalchemy import create_engine, func, select, text

from immex.services.ledger.importer import import_file
from immex.services.workspace import companies as workspace
from immex.store.tables import ledger as t

ROOT = Path(__file__).resolve().parents[1]
RFC = "EKU9003173C9"
LINES = 200_000
TABLES = (t.import_batches, t.lots, t.materials, t.corrections)


def _big_file(path: Path) -> Path:
    with path.open("w", encoding="utf-8") as out:
        out.write("pedimento,clave,date,part_number,quantity,value_usd,origin\n")
        for i in range(LINES):
            ped = f"25 47 3012 {5000001 + i // 100}"
            out.write(f"{ped},IN,2025-01-10,RES-10K,{1 + i % 7},1.50,CHN\n")
    return path


def _counts(url: str) -> dict[str, int]:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return {
                table.name: int(conn.execute(select(func.count()).select_from(table)).scalar_one())
                for table in TABLES
            }
    finally:
        engine.dispose()


def _writing_sqlite(path: str) -> bool:
    """Whether another connection holds the write lock (the import is writing)."""
    conn = sqlite3.connect(path, timeout=0, isolation_level=None)
    try:
        conn.execute("BEGIN IMMEDIATE")
        conn.execute("ROLLBACK")
        return False
    except sqlite3.OperationalError:
        return True
    finally:
        conn.close()


def _writing_postgres(url: str) -> bool:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            found = conn.execute(
                text(
                    "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                    "AND state = 'active' AND query LIKE 'COPY ledger_lots%'"
                )
            ).scalar_one()
            return bool(found)
    finally:
        engine.dispose()


def test_an_import_killed_mid_way_leaves_the_database_unchanged(
    workspace_url: str, tmp_path: Path
) -> None:
    ws = workspace.create_workspace(workspace_url)
    company = workspace.add_company(ws, RFC, "Ejemplo Ilustrativo")
    materials = tmp_path / "materials.csv"
    materials.write_text(
        "part_number,description,kind,fraccion,umc\nRES-10K,Resistor,input,8533.21.01,Pza\n",
        encoding="utf-8",
    )
    import_file(ws.with_company(company), "materials", materials)
    ws.store.dispose()
    before = _counts(workspace_url)
    big = _big_file(tmp_path / "big.csv")
    env = {**os.environ, "PYTHONPATH": str(ROOT), "IMMEX_USER": "kill-test"}
    cmd = [sys.executable, "-m", "immex.cli.main", "import", "pedimentos", str(big),
           "--db", workspace_url, "--json"]  # fmt: skip
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    sqlite_path = workspace_url.removeprefix("sqlite:///")
    writing = (
        (lambda: _writing_sqlite(sqlite_path))
        if workspace_url.startswith("sqlite")
        else (lambda: _writing_postgres(workspace_url))
    )
    deadline = time.monotonic() + 300
    try:
        while not writing():
            assert proc.poll() is None, proc.stderr.read().decode()  # type: ignore[union-attr]
            assert time.monotonic() < deadline, "the import never started writing"
            time.sleep(0.005)
        assert proc.poll() is None  # still inside its transaction
        proc.send_signal(signal.SIGKILL)
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.wait(timeout=60)
    assert proc.returncode == -signal.SIGKILL
    if workspace_url.startswith("postgresql"):
        time.sleep(0.5)  # the server notices the dead client and rolls its transaction back
    assert _counts(workspace_url) == before  # no batch, no lot: nothing of the import
    if workspace_url.startswith("sqlite"):
        conn = sqlite3.connect(sqlite_path)
        try:
            assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        finally:
            conn.close()
    # and the same file imports whole afterwards
    again = workspace.open_workspace(workspace_url, RFC)
    result = import_file(again, "pedimentos", big)
    assert result.inserted == LINES
    after = _counts(workspace_url)
    assert after["ledger_lots"] == LINES and after["ledger_import_batches"] == 2
    again.store.dispose()


def test_the_probe_sees_no_writer_when_idle(tmp_path: Path) -> None:
    """The SQLite probe itself: an idle database has no writer, a writing one has."""
    path = str(tmp_path / "probe.db")
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("PRAGMA journal_mode=WAL")
    holder.execute("CREATE TABLE x (a INTEGER)")
    assert not _writing_sqlite(path)
    holder.execute("BEGIN")
    holder.execute("INSERT INTO x VALUES (1)")
    assert _writing_sqlite(path)
    holder.execute("ROLLBACK")
    assert not _writing_sqlite(path)
    holder.close()
