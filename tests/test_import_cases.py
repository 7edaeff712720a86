"""The cases of issue 13, through the CLI: real files in (Windows-1252, UTF-16 "Texto
Unicode", `;`), mistakes out (random bytes, a PNG named .xlsx) as one message with exit 2
and nothing written; `--dry-run` checks everything and writes nothing; `--json` errors."""

from __future__ import annotations

import json
import os
import sqlite3
from datetime import date, timedelta
from pathlib import Path

import pytest
from typer.testing import CliRunner

from immex.cli.main import app
from tests.support_datastage import M3_SAMPLE, SAMPLE

runner = CliRunner()
RFC = "EKU9003173C9"
PROSEC = (
    "sector,sector_name,fraccion,arancel,vigencia_desde,acotacion,fuente\n"
    "I,Industria Eléctrica,7208.39.01,Ex.,2026-04-24,,DOF 23-04-2026 (ILLUSTRATIVE)\n"
    "I,Industria Eléctrica,7208.51.04,Ex.,2026-04-24,Excepto placas cilíndricas,DOF 23-04-2026\n"
)
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(64)


def invoke(*args: str) -> tuple[int, str, str]:
    res = runner.invoke(app, list(args))
    return res.exit_code, res.stdout, res.stderr


@pytest.fixture
def db(tmp_path: Path) -> str:
    path = str(tmp_path / "w.db")
    assert invoke("init", "--db", path)[0] == 0
    assert invoke("company", "add", "--rfc", RFC, "--name", "Ejemplo", "--db", path)[0] == 0
    return path


def rows(db: str, table: str) -> int:
    with sqlite3.connect(db) as conn:
        return int(conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0])


def put(tmp_path: Path, name: str, data: bytes) -> str:
    path = tmp_path / name
    path.write_bytes(data)
    return str(path)


# --------------------------------------------------------------------------- rates loads


@pytest.mark.parametrize(
    "name,data,note",
    [
        ("prosec_ansi.csv", PROSEC.encode("cp1252"), "Windows-1252"),
        ("prosec_unicode.txt", PROSEC.replace(",", "\t").encode("utf-16"), "UTF-16"),
        ("prosec_semicolon.csv", PROSEC.replace(",", ";").encode("utf-8"), "semicolon"),
    ],
)
def test_rates_files_from_excel_and_erps_load(tmp_path: Path, db: str, name: str, data: bytes,
                                              note: str) -> None:  # fmt: skip
    code, out, err = invoke("rates", "load", "prosec", put(tmp_path, name, data), "--db", db,
                            "--json")  # fmt: skip
    assert code == 0, err
    result = json.loads(out)
    assert result["rows_inserted"] == 2 and any(note in w for w in result["warnings"])
    with sqlite3.connect(db) as conn:
        acot = conn.execute("SELECT acotacion FROM prosec_rates WHERE acotacion != ''").fetchall()
    assert acot == [("Excepto placas cilíndricas",)]


@pytest.mark.parametrize(
    "name,data,words",
    [
        ("prosec.csv", os.urandom(4096), "binary data"),
        ("prosec.xlsx", PNG, "this is a PNG image, not a table"),
    ],
)
def test_rates_unreadable_files_are_one_message(tmp_path: Path, db: str, name: str, data: bytes,
                                                words: str) -> None:  # fmt: skip
    before = rows(db, "prosec_rates")
    code, out, err = invoke("rates", "load", "prosec", put(tmp_path, name, data), "--db", db)
    assert code == 2 and words in err and "Traceback" not in err
    code, out, _ = invoke("rates", "load", "prosec", put(tmp_path, name, data), "--db", db,
                          "--json")  # fmt: skip
    [record] = json.loads(out)["errors"]
    assert record["file"] == name and words in record["message"]
    assert rows(db, "prosec_rates") == before


def test_rates_dry_run_writes_nothing(tmp_path: Path, db: str) -> None:
    path = put(tmp_path, "prosec.csv", PROSEC.encode())
    code, out, err = invoke("rates", "load", "prosec", path, "--db", db, "--dry-run", "--json")
    assert code == 0, err
    result = json.loads(out)
    assert result["dry_run"] and result["rows_inserted"] == 2 and result["batch_id"] is None
    assert "would be loaded" in result["message"]
    assert rows(db, "prosec_rates") == 0 and rows(db, "rate_load_batches") == 0
    code, out, _ = invoke("rates", "load", "prosec", path, "--db", db)
    assert code == 0 and "2 rows loaded" in out and rows(db, "prosec_rates") == 2


def test_series_and_parameters_dry_run(tmp_path: Path, db: str) -> None:
    fix = put(tmp_path, "fix.csv", "Fecha;Tipo de cambio\n2099-01-05;20.5\n".encode("cp1252"))
    code, out, err = invoke("rates", "load", "fix", fix, "--db", db, "--dry-run")
    assert code == 0, err
    assert "1 point would be loaded (dry run: nothing written)" in out
    assert "semicolon" in out  # the note on how the file was read
    assert rows(db, "series_points") == 0
    params = put(
        tmp_path,
        "params.csv",
        b"nombre,vigencia desde,vigencia hasta,valor,fuente,confianza\n"
        b"recargos.lif_monthly_rate,2025-01-01,2025-12-31,1.47,ILLUSTRATIVE LIF 2025,L\n",
    )
    code, out, err = invoke("rates", "load", "parameters", params, "--db", db, "--dry-run")
    assert code == 0, err
    assert "would be loaded" in out and rows(db, "parameter_values") == 0


# --------------------------------------------------------------------------- ledger imports

MATERIALS = (
    "Número de parte,Descripción,Tipo,Fracción arancelaria,Unidad de medida\n"
    "VAL-1,Válvula cilíndrica de acero,input,8481.80.99,Pza\n"
    "PIN-1,Piñón de año,input,8544.42.99,Pza\n"
)
PEDIMENTOS = (
    "pedimento;clave;fecha de entrada;número de parte;cantidad;valor USD;país de origen\n"
    "25 47 3012 5000001;IN;2025-01-10;VAL-1;10;50.00;CHN\n"
    "25 47 3012 5000001;IN;2025-01-10;PIN-1;4;8.5;USA\n"
)


def descriptions(db: str) -> list[str]:
    with sqlite3.connect(db) as conn:
        found = conn.execute(
            "SELECT description FROM ledger_materials ORDER BY part_number"
        ).fetchall()
    return [d for (d,) in found]


@pytest.mark.parametrize(
    "name,data,note",
    [
        ("materiales.csv", MATERIALS.encode("cp1252"), "Windows-1252"),
        ("materiales.txt", MATERIALS.replace(",", "\t").encode("utf-16"), "UTF-16"),
        ("materiales_bom.csv", MATERIALS.encode("utf-8-sig"), "Spanish"),
    ],
)
def test_master_data_from_excel_and_erps(tmp_path: Path, db: str, name: str, data: bytes,
                                         note: str) -> None:  # fmt: skip
    code, out, err = invoke("import", "materials", put(tmp_path, name, data), "--db", db)
    assert code == 0, err
    assert "2 new" in out and note in out
    assert descriptions(db) == ["Piñón de año", "Válvula cilíndrica de acero"]


def test_semicolon_pedimentos_with_spanish_headers(tmp_path: Path, db: str) -> None:
    assert (
        invoke("import", "materials", put(tmp_path, "m.csv", MATERIALS.encode()), "--db", db)[0]
        == 0
    )
    path = put(tmp_path, "pedimentos.csv", PEDIMENTOS.encode("cp1252"))
    code, out, err = invoke("import", "pedimentos", path, "--db", db, "--json")
    assert code == 0, err
    result = json.loads(out)
    assert result["inserted"] == 2
    assert any("semicolon" in n for n in result["notes"])
    assert rows(db, "ledger_lots") == 2


def test_a_semicolon_file_with_unknown_headers_gets_a_separator_hint(
    tmp_path: Path, db: str
) -> None:
    path = put(tmp_path, "p.csv", b"folio;cuenta;dia\n1;IN;2025-01-10\n")
    code, out, err = invoke("import", "pedimentos", path, "--db", db)
    assert code == 2
    assert err.count("p.csv:1:") == 1 and "semicolon" in err and "Traceback" not in err


@pytest.mark.parametrize(
    "name,data,words",
    [
        ("materials.csv", os.urandom(4096), "binary data"),
        ("materials.xlsx", PNG, "this is a PNG image, not a table"),
        ("materials.csv", b"", "empty file"),
    ],
)
def test_unreadable_ledger_files_are_one_message(tmp_path: Path, db: str, name: str, data: bytes,
                                                 words: str) -> None:  # fmt: skip
    path = put(tmp_path, name, data)
    code, _out, err = invoke("import", "materials", path, "--db", db)
    assert code == 2 and words in err and "Traceback" not in err
    assert [line for line in err.splitlines() if line][0].startswith(str(path))
    code, out, _ = invoke("import", "materials", path, "--db", db, "--json")
    [record] = json.loads(out)["errors"]
    assert code == 2 and record["file"] == str(path) and words in record["message"]
    assert rows(db, "ledger_materials") == 0 and rows(db, "ledger_import_batches") == 0


def test_ledger_dry_run_writes_nothing(tmp_path: Path, db: str) -> None:
    path = put(tmp_path, "m.csv", MATERIALS.encode())
    code, out, err = invoke("import", "materials", path, "--db", db, "--dry-run", "--json")
    assert code == 0, err
    result = json.loads(out)
    assert result["dry_run"] and result["inserted"] == 2 and result["batch_id"] is None
    assert result["message"].startswith("dry run (nothing written): m.csv: 2 rows")
    assert rows(db, "ledger_materials") == 0 and rows(db, "ledger_import_batches") == 0
    code, out, _ = invoke("import", "materials", path, "--db", db)
    assert code == 0 and rows(db, "ledger_materials") == 2


def test_ledger_dry_run_reports_every_error(tmp_path: Path, db: str) -> None:
    path = put(tmp_path, "p.csv", PEDIMENTOS.encode())  # its materials were never imported
    code, out, _ = invoke("import", "pedimentos", path, "--db", db, "--dry-run", "--json")
    errors = json.loads(out)["errors"]
    assert code == 2 and {e["column"] for e in errors} == {"part_number"}
    assert [e["line"] for e in errors] == [2, 3]


# --------------------------------------------------------------------------- SAT files


@pytest.mark.skipif(not SAMPLE.exists() or not M3_SAMPLE.exists(), reason="../shared not present")
@pytest.mark.parametrize("what,sample", [("datastage", SAMPLE), ("m3", M3_SAMPLE)])
def test_sat_dry_run_writes_nothing(db: str, what: str, sample: Path) -> None:
    code, out, err = invoke("import", what, str(sample), "--db", db, "--dry-run", "--json")
    assert code == 0, err
    summary = json.loads(out)
    assert summary["dry_run"] and summary["pedimentos"] > 0
    assert rows(db, "sat_pedimentos") == 0
    code, out, err = invoke("import", what, str(sample), "--db", db, "--dry-run")
    assert code == 0 and out.startswith("dry run (nothing written): pedimentos")
    assert invoke("import", what, str(sample), "--db", db)[0] == 0
    assert rows(db, "sat_pedimentos") == summary["pedimentos"]


def test_a_decimal_comma_is_refused_not_read_as_thousands(tmp_path: Path, db: str) -> None:
    """`2,5` from a spreadsheet in another locale would become 25 if the comma were read as
    a thousands separator: it is an error naming the value; `1,234.5` still reads."""
    assert (
        invoke("import", "materials", put(tmp_path, "m.csv", MATERIALS.encode()), "--db", db)[0]
        == 0
    )
    text = PEDIMENTOS.replace(";10;", ";2,5;").replace(";4;", ";1,234.5;")
    code, out, _ = invoke("import", "pedimentos", put(tmp_path, "p.csv", text.encode()), "--db", db,
                          "--json")  # fmt: skip
    [error] = json.loads(out)["errors"]
    assert code == 2 and error["line"] == 2 and error["value"] == "2,5"
    assert "not a thousands separator" in error["message"]
    fix = put(tmp_path, "fix.csv", b"fecha;tipo_cambio\n2099-01-05;20,5\n")
    code, out, _ = invoke("rates", "load", "fix", fix, "--db", db, "--json")
    assert code == 2 and "not a thousands separator" in json.loads(out)["errors"][0]["message"]


# --------------------------------------------------------------------------- strict identifiers

LOT = "{ped};IN;{day};VAL-1;10;50.00;{origin}\n"


def _pedimentos(tmp_path: Path, db: str, *lines: str) -> tuple[int, dict]:  # type: ignore[type-arg]
    assert (
        invoke("import", "materials", put(tmp_path, "m.csv", MATERIALS.encode()), "--db", db)[0]
        == 0
    )
    text = PEDIMENTOS.splitlines()[0] + "\n" + "".join(lines)
    code, out, _ = invoke("import", "pedimentos", put(tmp_path, "p.csv", text.encode()), "--db", db,
                          "--json")  # fmt: skip
    return code, json.loads(out)


@pytest.mark.parametrize(
    "ped,day,origin,column,words",
    [
        ("25 99 3012 5000001", "2025-01-10", "CHN", "pedimento", "aduana 99"),
        ("25 47 3012 6000001", "2025-01-10", "CHN", "pedimento", "must start with 5"),
        ("24 47 3012 4000001", "2025-10-01", "CHN", "date", "is of 2024 but dated 2025-10-01"),
        ("25 47 3012 5000001", "2025-01-10", "ZZZ", "origin", "países no declarados"),
    ],
)
def test_lots_annex_24_refuses(tmp_path: Path, db: str, ped: str, day: str, origin: str,
                               column: str, words: str) -> None:  # fmt: skip
    code, doc = _pedimentos(tmp_path, db, LOT.format(ped=ped, day=day, origin=origin))
    assert code == 2, doc
    assert [(e["line"], e["column"]) for e in doc["errors"]] == [(2, column)]
    assert words in doc["errors"][0]["message"]
    assert rows(db, "ledger_lots") == 0


def test_a_late_december_pedimento_entering_in_january_is_noted(tmp_path: Path, db: str) -> None:
    code, doc = _pedimentos(tmp_path, db, LOT.format(ped="24 47 3012 4000001", day="2025-01-03",
                                                     origin="CHN"))  # fmt: skip
    assert code == 0, doc
    assert any("validated in late December 2024" in n for n in doc["notes"])


def test_entries_after_the_last_fix_are_warned(tmp_path: Path, db: str) -> None:
    from immex.refdata.bundled import load_fx

    last = load_fx().last
    if last.year != 2026 or last.month == 12:  # pragma: no cover - depends on the bundled data
        pytest.skip("needs a bundled FIX that ends before December 2026")
    day = date(2026, last.month + 1, 1) if last.month < 11 else date(2026, 12, 1)
    code, doc = _pedimentos(tmp_path, db, LOT.format(ped="26 47 3012 6000001", day=day.isoformat(),
                                                     origin="CHN"))  # fmt: skip
    assert code == 0, doc
    [note] = [n for n in doc["notes"] if "FIX" in n]
    assert "immex rates load fix" in note and last.isoformat() in note


def test_an_entry_five_months_ahead_is_refused(tmp_path: Path, db: str) -> None:
    day = date.today() + timedelta(days=150)
    yy = f"{day.year % 100:02d}"
    ped = f"{yy} 47 3012 {yy[1]}000001"
    code, doc = _pedimentos(tmp_path, db, LOT.format(ped=ped, day=day.isoformat(), origin="CHN"))
    assert code == 2 and [(e["line"], e["column"]) for e in doc["errors"]] == [(2, "date")]
    assert f"dated after today ({date.today().isoformat()})" in doc["errors"][0]["message"]
