"""Every importer, through the CLI, on files that are wrong by construction (random bytes,
another kind of file, damaged workbooks and ZIPs, broken encodings, missing columns, values
no importer accepts): exit 2, a message (JSON error records on stdout), the database
unchanged — never a traceback.

``IMMEX_FUZZ_FILES`` (default 1000) files per importer, seeded by ``IMMEX_FUZZ_SEED``
(default 13): a failure names the importer, seed and index, which make the file again
(``tests/support_import_fuzz.py``). ``bench/bench_import_fuzz.py`` runs more.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import typer.testing
from typer.main import get_command
from typer.testing import CliRunner

from immex.cli.main import app
from immex.store import unit
from tests.support_import_fuzz import (
    IMPORTERS,
    SAT_IMPORTERS,
    TEXT_IMPORTERS,
    WORKBOOK_IMPORTERS,
    Generator,
)

FILES = int(os.environ.get("IMMEX_FUZZ_FILES", "1000"))
SEED = int(os.environ.get("IMMEX_FUZZ_SEED", "13"))
RFC = "EKU9003173C9"
MASTER = {
    "materials": "part_number,description,kind,fraccion,umc\n"
    "RES-10K,Resistor,input,8533.21.01,Pza\n",
    "products": "part_number,description,fraccion,umc\nHARN-1,Harness,8544.30.01,Pza\n",
}


def command(importer: str) -> list[str]:
    if importer in WORKBOOK_IMPORTERS:
        return list(WORKBOOK_IMPORTERS[importer])
    if importer in SAT_IMPORTERS:
        return list(SAT_IMPORTERS[importer][0])
    return list(TEXT_IMPORTERS[importer].command)


def digest(db: Path) -> tuple[str, ...]:
    """The bytes of the SQLite workspace (main file and write-ahead log)."""
    parts = []
    for path in (db, db.with_name(db.name + "-wal")):
        data = path.read_bytes() if path.exists() else b""
        parts.append(hashlib.sha256(data).hexdigest())
    return tuple(parts)


@pytest.fixture(scope="module")
def runner() -> Iterator[CliRunner]:
    """Typer's runner, with two costs paid once instead of per file, so that the run
    measures the importers: the click command tree (typer rebuilds it on every invoke) and
    the store's SQLAlchemy engine (kept open across commands; each command still opens its
    connection and transaction)."""
    command_tree = get_command(app)
    engines: dict[str | None, Any] = {}
    make_engine = unit.make_engine

    def one_engine(url: str | None = None) -> Any:
        if url not in engines:
            engines[url] = make_engine(url)
        return engines[url]

    patch = pytest.MonkeyPatch()
    patch.setattr(typer.testing, "_get_command", lambda _app: command_tree)
    patch.setattr(unit, "make_engine", one_engine)
    patch.setattr(unit.Store, "dispose", lambda _self: None)
    yield CliRunner()
    patch.undo()
    for engine in engines.values():
        engine.dispose()


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory, runner: CliRunner) -> Path:
    """A workspace with a company, a material and a product (so that the bad rows of BOM,
    pedimento and shipment files fail on their own value, not on a missing master)."""
    root = tmp_path_factory.mktemp("fuzz")
    db = root / "fuzz.db"
    assert runner.invoke(app, ["init", "--db", str(db)]).exit_code == 0
    res = runner.invoke(app, ["company", "add", "--rfc", RFC, "--name", "Fuzz", "--db", str(db)])
    assert res.exit_code == 0, res.output
    for entity, text in MASTER.items():
        path = root / f"{entity}.csv"
        path.write_text(text, encoding="utf-8")
        res = runner.invoke(app, ["import", entity, str(path), "--db", str(db)])
        assert res.exit_code == 0, res.output
    with sqlite3.connect(db) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return db


@pytest.mark.parametrize("importer", IMPORTERS)
def test_every_bad_file_is_exit_2_with_a_message_and_nothing_written(
    importer: str, workspace: Path, runner: CliRunner, tmp_path: Path
) -> None:
    before = digest(workspace)
    families: Counter[str] = Counter()
    for index, (family, suffix, data) in enumerate(Generator(importer, SEED).files(FILES)):
        path = tmp_path / f"fuzz{index % 7}{suffix}"
        path.write_bytes(data)
        res = runner.invoke(app, [*command(importer), str(path), "--db", str(workspace), "--json"])
        where = f"{importer} seed {SEED} file {index} ({family}, {suffix}, {len(data)} bytes)"
        if res.exit_code != 2:
            raise AssertionError(f"{where}: exit {res.exit_code}\n{res.output}") from res.exception
        errors = json.loads(res.stdout)["errors"]
        assert errors and all(e["message"] for e in errors), where
        assert "Traceback" not in res.output, where
        assert digest(workspace) == before, f"{where}: the database changed"
        families[family] += 1
    assert sum(families.values()) == FILES
