"""Bulk rows of the Data Stage tables, and a second process that loads part of them.

:func:`bulk_rows` turns the rows of one table (:meth:`DataStageZip.bulk_batches`) into the
rows a bulk writer stores: typed tables with the pedimento id in place of the key, raw
tables as ``(batch id, pedimento id, table code, fields)``. Rows of pedimentos already
stored (id ``-1``) or absent from table 501 are counted, not yielded.

:class:`PartLoader` runs :func:`load_part` in a child process: it reads the given parts
(whole tables, or the chunks of one table from a split point on) and writes their rows into
a scratch SQLite file, one table per store table, in file order, with the same columns and
the same ``INSERT`` as the direct path. The caller copies them into its own transaction
(``INSERT … SELECT``) only when neither process found an error, so the import stays
all-or-nothing. The worker never touches the workspace database.
"""

from __future__ import annotations

import os
import pickle
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from immex.datastage import reader
from immex.datastage.keys import pedimento_year
from immex.datastage.layout import LAYOUTS
from immex.datastage.messages import (
    WORKER_EXIT,
    WORKER_NOT_RESULT,
    WORKER_NOT_STARTED,
    WORKER_STALLED,
    WORKER_UNREADABLE,
)
from immex.datastage.reader import DataStageZip
from immex.domain.errors import ErrorRecord
from immex.domain.messages import Msg

#: the worker is declared stuck when it reports no progress for this long (seconds); a
#: chunk takes well under a second
STALL_SECONDS = 300.0
#: years of the pedimento pointed to by 512 and 701 rows: (number, date) positions
_YEAR_AT = {"512": (4, 7), "701": (5, 9)}


@dataclass
class Tally:
    """Rows skipped while reading: of pedimentos already stored / absent from 501."""

    dups: Counter[str] = field(default_factory=Counter)
    orphans: Counter[str] = field(default_factory=Counter)


def bulk_rows(
    dz: DataStageZip,
    code: str,
    key3map: dict[Any, int],
    batch_id: int | None,
    tally: Tally,
    chunks: tuple[int, int | None] = (0, None),
    key16: dict[str, int] | None = None,
) -> Iterator[list[Any]]:
    """The rows to store of table ``code`` (see module docstring), a list per chunk.

    ``key16`` ("PPPP|NNNNNNN|AAA" → id, the start of a raw row) is built from ``key3map``
    when not given."""
    if code == "Resumen":  # not keyed by pedimento
        for batch in dz.bulk_batches(code, chunks=chunks):
            yield [(batch_id, "", code, data) for data in batch]
        return
    dups = orphans = 0
    try:
        if LAYOUTS[code].typed:
            get = key3map.get
            year_at = _YEAR_AT.get(code)
            for batch in dz.bulk_batches(code, chunks=chunks):
                rows: list[Any] = []
                append = rows.append
                for v in batch:
                    pid = get((v[0], v[1], v[2]))
                    if pid is None:
                        orphans += 1
                    elif pid < 0:
                        dups += 1
                    else:
                        v[0] = pid
                        append(v)
                if year_at is not None:  # 512, 701: the year of the pedimento pointed to
                    num, when = year_at
                    for v in rows:
                        v.append(pedimento_year(v[num], int(v[when][:4]))[0])
                yield rows
        else:
            if key16 is None:
                key16 = {"|".join(k): pid for k, pid in key3map.items()}
            get16 = key16.get
            for batch in dz.bulk_batches(code, chunks=chunks):
                raw: list[Any] = []
                add_raw = raw.append
                for data in batch:
                    pid = get16(data[:16])
                    if pid is None:
                        orphans += 1
                    elif pid < 0:
                        dups += 1
                    else:
                        add_raw((batch_id, pid, code, data))
                yield raw
    finally:
        if dups:
            tally.dups[code] += dups
        if orphans:
            tally.orphans[code] += orphans


@dataclass(frozen=True)
class Part:
    """Rows of table ``code`` (chunks ``first`` on) for store table ``table``: the scratch
    table has ``columns`` and is written with ``insert_sql`` (the direct path's SQL)."""

    code: str
    first: int
    table: str
    columns: tuple[str, ...]
    insert_sql: str


@dataclass
class PartResult:
    """What the worker read: rows written per table code, skipped rows, problems."""

    written: Counter[str]
    tally: Tally
    errors: list[ErrorRecord]
    warnings: list[str]
    repaired: dict[str, int]


def load_part(
    zip_path: str,
    parts: list[Part],
    key3map: dict[Any, int],
    batch_id: int,
    db_path: str,
    progress: Any,
) -> PartResult:
    """Read ``parts`` of the ZIP and write their rows into the SQLite file ``db_path``."""
    db = sqlite3.connect(db_path, isolation_level=None)
    try:
        db.execute("PRAGMA journal_mode=OFF")
        db.execute("PRAGMA synchronous=OFF")
        db.execute("BEGIN")
        made: set[str] = set()
        for p in parts:
            if p.table not in made:
                db.execute(f"CREATE TABLE {p.table} ({', '.join(p.columns)})")
                made.add(p.table)
        written: Counter[str] = Counter()
        tally = Tally()
        key16 = {"|".join(k): pid for k, pid in key3map.items()}
        with DataStageZip(zip_path) as dz:
            start_e, start_w = len(dz.errors), len(dz.warnings)
            for p in parts:
                for rows in bulk_rows(dz, p.code, key3map, batch_id, tally, (p.first, None), key16):
                    if rows and not dz.errors[start_e:]:
                        db.executemany(p.insert_sql, rows)
                        written[p.code] += len(rows)
                    progress.tick()
            result = PartResult(
                written, tally, dz.errors[start_e:], dz.warnings[start_w:], dict(dz.repaired)
            )
        db.execute("COMMIT")
        return result
    finally:
        db.close()


class WorkerFailed(Exception):
    """The worker crashed, failed or stopped making progress; ``message`` (and ``str()``)
    says which."""

    def __init__(self, message: Msg) -> None:
        super().__init__(message)
        self.message = message


class PartLoader:
    """:func:`load_part` in a child process (``python -m immex.datastage.parallel``: a fresh
    interpreter that imports only this module, never the caller's main module): :meth:`start`,
    then :meth:`result`; :meth:`stop` (always safe) ends it early. Task, answer, stderr and
    heartbeat are files of ``scratch``, a directory the caller deletes."""

    def __init__(
        self,
        zip_path: Path,
        parts: list[Part],
        key3map: dict[Any, int],
        batch_id: int,
        scratch: Path,
    ) -> None:
        self.scratch = scratch
        self.db_path = scratch / "part.db"
        self._task = scratch / "task.pickle"
        self._answer = scratch / "answer.pickle"
        self._beat = scratch / "heartbeat"
        self._stderr = scratch / "stderr.txt"
        with self._task.open("wb") as fh:
            args = (str(zip_path), parts, key3map, batch_id, str(self.db_path), str(self._beat),
                    reader.CHUNK)  # fmt: skip
            pickle.dump(args, fh, protocol=pickle.HIGHEST_PROTOCOL)
        self._proc: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        self._beat.touch()
        env = dict(os.environ)
        root = str(Path(__file__).resolve().parents[2])  # where ``immex`` is importable
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [root, env.get("PYTHONPATH")]))
        with self._stderr.open("wb") as err:
            self._proc = subprocess.Popen(
                [sys.executable, "-m", "immex.datastage.parallel", str(self._task),
                 str(self._answer)],
                stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=err, env=env,
            )  # fmt: skip

    def result(self, stall_seconds: float | None = None) -> PartResult:
        """Wait for the worker; raise :class:`WorkerFailed` when it dies, fails or stalls
        (no heartbeat for ``stall_seconds``, default :data:`STALL_SECONDS`)."""
        stall = STALL_SECONDS if stall_seconds is None else stall_seconds
        proc = self._proc
        if proc is None:
            raise WorkerFailed(WORKER_NOT_STARTED())
        try:
            while True:
                try:
                    code = proc.wait(0.2)
                    break
                except subprocess.TimeoutExpired:
                    pass
                if time.time() - self._beat.stat().st_mtime > stall:
                    raise WorkerFailed(WORKER_STALLED(seconds=stall))
            if code != 0 or not self._answer.exists():
                tail = self._stderr.read_text(errors="replace").strip().splitlines()[-3:]
                said = ": " + " / ".join(tail) if tail else ""
                raise WorkerFailed(WORKER_EXIT(code=code, said=said))
            try:
                with self._answer.open("rb") as fh:
                    answer = pickle.load(fh)
            except (OSError, pickle.UnpicklingError, AttributeError, EOFError) as exc:
                raise WorkerFailed(WORKER_UNREADABLE(exc=exc)) from None
            if not isinstance(answer, PartResult):
                raise WorkerFailed(WORKER_NOT_RESULT())
            return answer
        finally:
            self.stop()

    def stop(self) -> None:
        proc = self._proc
        if proc is not None and proc.poll() is None:
            proc.kill()
            proc.wait(10)


class _Beat:
    """Progress of the worker: touches the heartbeat file at most once a second."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.last = 0.0

    def tick(self) -> None:
        now = time.monotonic()
        if now - self.last >= 1.0:
            os.utime(self.path)
            self.last = now


def main(argv: list[str]) -> int:
    """The worker: ``python -m immex.datastage.parallel TASK ANSWER``."""
    task, answer = argv
    with open(task, "rb") as fh:
        zip_path, parts, key3map, batch_id, db_path, beat, chunk = pickle.load(fh)
    reader.CHUNK = chunk  # the parent's chunks: the split point is counted in them
    result = load_part(zip_path, parts, key3map, batch_id, db_path, _Beat(beat))
    tmp = answer + ".tmp"
    with open(tmp, "wb") as fh:
        pickle.dump(result, fh, protocol=pickle.HIGHEST_PROTOCOL)
    os.replace(tmp, answer)
    return 0


if __name__ == "__main__":  # run through the package module, so the answer unpickles
    from immex.datastage.parallel import main as _main

    sys.exit(_main(sys.argv[1:]))
