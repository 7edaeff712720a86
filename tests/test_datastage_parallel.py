"""Two-process Data Stage import (SQLite): the same stored rows as one process, errors of
the worker reported like the sequential ones, nothing written on any failure, no scratch
file left behind."""

from __future__ import annotations

import sqlite3
import stat
import tempfile
from pathlib import Path

import pytest

from immex.datastage import parallel, reader
from immex.datastage.generator import generate_datastage
from immex.domain.errors import BatchError
from immex.services.sat import datastage_import as sat_import
from immex.services.sat.datastage_import import Parallel, import_datastage
from immex.services.workspace import companies as workspace
from tests.support_datastage import rewrite, row_counts

#: columns that differ between two imports of the same ZIP by design
_CLOCK = {"sat_import_batches": ("imported_at",)}
#: the two-process flag of the tests (None: automatic)
MODE = {None: Parallel.AUTO, True: Parallel.ALWAYS, False: Parallel.NEVER}


@pytest.fixture(scope="module")
def gen(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return generate_datastage(tmp_path_factory.mktemp("gen"), seed=31, lines=2500).path


@pytest.fixture(autouse=True)
def small_chunks(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """Chunks of 16 KiB, so a test ZIP is split inside a table; scratch files in a
    directory of the test, to check they are removed."""
    monkeypatch.setattr(reader, "CHUNK", 16 << 10)
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    return scratch


def stored(db: Path) -> dict[str, list[tuple[object, ...]]]:
    """Every row of the sat_* tables, in id order, as SQLite stores them (types included)."""
    conn = sqlite3.connect(db)
    try:
        names = [
            r[0]
            for r in conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE 'sat_%'"
            )
        ]
        out = {}
        for name in sorted(names):
            cols = [r[1] for r in conn.execute(f"PRAGMA table_info({name})")]
            keep = [c for c in cols if c not in _CLOCK.get(name, ())]
            sql = f"SELECT {', '.join(keep)}, typeof({keep[-1]}) FROM {name} ORDER BY rowid"
            out[name] = [tuple(r) for r in conn.execute(sql)]
        return out
    finally:
        conn.close()


def run(db: Path, zips: list[Path], parallel_mode: bool | None) -> dict[str, object]:
    ws = workspace.create_workspace(f"sqlite:///{db}")
    engine = ws.store.engine
    try:
        return import_datastage(ws, zips, parallel=MODE[parallel_mode])
    finally:
        engine.dispose()


@pytest.mark.parametrize("share", [0.0, 0.3, 0.5, 0.8])
def test_same_stored_rows_as_sequential(
    tmp_path: Path, gen: Path, small_chunks: Path, share: float, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sat_import, "MAIN_SHARE", share)
    one = run(tmp_path / "one.db", [gen], False)
    two = run(tmp_path / "two.db", [gen], True)
    assert two == one
    assert stored(tmp_path / "two.db") == stored(tmp_path / "one.db")
    assert one["partidas"] == 2500 and not list(small_chunks.iterdir())


def test_second_import_counts_duplicates(tmp_path: Path, gen: Path) -> None:
    db = tmp_path / "w.db"
    run(db, [gen], True)
    again = run(db, [gen], True)
    assert again["partidas"] == 0 and again["duplicates"] > 0


def test_damaged_table_read_by_worker_writes_nothing(
    tmp_path: Path, gen: Path, small_chunks: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sat_import, "MAIN_SHARE", 0.3)  # 551 split, 557 read by the worker
    bad = rewrite(gen, tmp_path / "9990031_solicitudes.zip", "557", lambda b: b[:-40] + b[-20:])
    bad = rewrite(
        bad,
        tmp_path / "9990032_solicitudes.zip",
        "551",
        lambda b: b[: len(b) * 3 // 4] + b[len(b) * 3 // 4 :].replace(b"-0", b"-9", 1),
    )
    errors = {}
    for mode in (False, True):
        db = tmp_path / f"{mode}.db"
        ws = workspace.create_workspace(f"sqlite:///{db}")
        engine = ws.store.engine
        before = row_counts(engine)
        with pytest.raises(BatchError) as exc:
            import_datastage(ws, [bad], parallel=MODE[mode])
        assert row_counts(engine) == before
        engine.dispose()
        errors[mode] = exc.value.errors
    assert errors[True] == errors[False]
    assert {e.source.rsplit("_", 1)[1] for e in errors[True]} == {"551.asc", "557.asc"}
    assert not list(small_chunks.iterdir())


def test_many_errors_in_split_table_reported_like_sequential(
    tmp_path: Path, gen: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sat_import, "MAIN_SHARE", 0.2)
    bad = rewrite(
        gen, tmp_path / "9990033_solicitudes.zip", "551", lambda b: b.replace(b"-0", b"-9")
    )
    errors = {}
    for mode in (False, True):
        ws = workspace.create_workspace(f"sqlite:///{tmp_path / f'{mode}.db'}")
        engine = ws.store.engine
        with pytest.raises(BatchError) as exc:
            import_datastage(ws, [bad], parallel=MODE[mode])
        engine.dispose()
        errors[mode] = exc.value.errors
    assert errors[True] == errors[False] and len(errors[True]) > 50


def _fake_python(tmp_path: Path, body: str) -> str:
    script = tmp_path / "fake_python"
    script.write_text(f"#!/bin/sh\n{body}\n")
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    return str(script)


@pytest.mark.parametrize(
    ("body", "message"),
    [("echo boom >&2; exit 3", "exit code 3"), ("kill -9 $$", "exit code -9"),
     ("exit 0", "exit code 0"), ("sleep 30", "no progress")],
)  # fmt: skip
def test_worker_failure_writes_nothing(
    tmp_path: Path,
    gen: Path,
    small_chunks: Path,
    monkeypatch: pytest.MonkeyPatch,
    body: str,
    message: str,
) -> None:
    monkeypatch.setattr(parallel.sys, "executable", _fake_python(tmp_path, body))
    monkeypatch.setattr(parallel, "STALL_SECONDS", 1.5)
    ws = workspace.create_workspace(f"sqlite:///{tmp_path / 'w.db'}")
    engine = ws.store.engine
    before = row_counts(engine)
    with pytest.raises(BatchError) as exc:
        import_datastage(ws, [gen], parallel=Parallel.ALWAYS)
    assert message in str(exc.value.errors[0]) and "nothing was written" in str(exc.value.errors[0])
    assert row_counts(engine) == before
    engine.dispose()
    assert not list(small_chunks.iterdir())


def test_small_zip_stays_in_one_process(
    tmp_path: Path, gen: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(*_a: object, **_k: object) -> None:
        raise AssertionError("no worker for a small ZIP")

    monkeypatch.setattr(sat_import, "PartLoader", refuse)
    assert run(tmp_path / "w.db", [gen], None)["partidas"] == 2500


def test_parallel_flag_on_any_store(workspace_url: str, gen: Path) -> None:
    """PostgreSQL keeps its COPY path: the flag changes nothing there."""
    ws = workspace.create_workspace(workspace_url)
    engine = ws.store.engine
    assert import_datastage(ws, [gen], parallel=Parallel.ALWAYS)["partidas"] == 2500
    engine.dispose()
