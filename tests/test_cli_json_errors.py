"""`--json` errors: ``{"errors": [{file, line, column, message, value}]}`` on stdout, exit 2."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from immex.cli.main import app

runner = CliRunner()


def _init(tmp_path: Path) -> str:
    db = str(tmp_path / "w.db")
    assert runner.invoke(app, ["init", "--db", db]).exit_code == 0
    assert (
        runner.invoke(
            app, ["company", "add", "--rfc", "EKU9003173C9", "--name", "Ejemplo", "--db", db]
        ).exit_code
        == 0
    )
    return db


def test_batch_errors_as_json_records(tmp_path: Path) -> None:
    db = _init(tmp_path)
    bad = tmp_path / "materials.csv"
    bad.write_text("part_number,description,kind,fraccion,umc\nA,,bogus,8533.21.01,Pza\n")
    res = runner.invoke(app, ["import", "materials", str(bad), "--db", db, "--json"])
    assert res.exit_code == 2
    doc = json.loads(res.stdout)
    assert doc["message"].endswith("nothing was written")
    assert {"file", "line", "column", "message", "value", "code"} == set(doc["errors"][0])
    by_column = {e["column"]: e for e in doc["errors"]}
    assert by_column["kind"]["line"] == 2 and by_column["kind"]["value"] == "bogus"
    assert by_column["description"]["message"] == "required value is empty"


def test_single_errors_as_one_json_record(tmp_path: Path) -> None:
    db = _init(tmp_path)
    res = runner.invoke(
        app, ["import", "materials", str(tmp_path / "nada.csv"), "--db", db, "--json"]
    )
    assert res.exit_code == 2
    [record] = json.loads(res.stdout)["errors"]
    assert "nada.csv" in record["message"]


def test_without_json_errors_stay_text_on_stderr(tmp_path: Path) -> None:
    db = _init(tmp_path)
    res = runner.invoke(app, ["import", "materials", str(tmp_path / "nada.csv"), "--db", db])
    assert res.exit_code == 2 and res.stdout == "" and "nada.csv" in res.stderr
