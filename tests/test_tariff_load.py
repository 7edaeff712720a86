"""`immex rates load tariff`: an official workbook brings the tariff up to date.

The workbook is generated in the SE snapshot layout (FORMATS.md); its rates are ILLUSTRATIVE
(they exercise the comparison, they are not the DOF 29-12-2025 figures). Hand-worked: on
2026-01-05 the bundled LIGIE has 8542.31.03 at Ex. (0) and 7318.15.99 at 35 (DOF 22-04-2024);
the workbook says 0 and 50 → one change up, one unchanged, one new fraction.
"""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl
from typer.testing import CliRunner

from immex.cli.main import app

runner = CliRunner()
IN_FORCE = "2026-01-05"


def workbook(path: Path, rows: list[list[object]]) -> Path:
    book = openpyxl.Workbook()
    ws = book.active
    ws.append(["SECRETARÍA DE ECONOMÍA"])
    ws.append(["FRACCIONES ARANCELARIAS (ILUSTRATIVO)"])
    ws.append(["Fracción", "Descripción", "UMT", "IGI", "IGE"])
    for row in rows:
        ws.append(row)
    book.save(path)
    return path


def run(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.output


def test_load_tariff_dry_run_then_load_then_show(tmp_path: Path) -> None:
    db = str(tmp_path / "w.db")
    assert run("init", "--db", db)[0] == 0
    path = workbook(tmp_path / "FRACCIONESARANCELARIAS_20260105.xlsx", [
        ["8542.31.03", "Circuitos integrados", "Pza", "Ex.", "Ex."],
        ["7318.15.99", "Los demás", "Kg", 50, "Ex."],
        ["9999.98.97", "Fracción nueva (ilustrativa)", "Pza", 5, "Ex."],
    ])  # fmt: skip
    args = ["rates", "load", "tariff", str(path), "--in-force-from", IN_FORCE,
            "--source", "DOF 29-12-2025 (ilustrativo)", "--db", db]  # fmt: skip
    code, out = run(*args, "--dry-run", "--json")
    assert code == 0, out
    dry = json.loads(out)
    assert (dry["fractions_read"], dry["changed"], dry["up"], dry["unchanged"], dry["new"]) == (
        3, 1, 1, 1, 1)  # fmt: skip
    assert dry["examples"]["changes"] == [
        {"fraccion": "7318.15.99", "before": "35", "after": "50", "kind": "up"}]  # fmt: skip
    assert dry["examples"]["new"] == ["9999.98.97"] and dry["amendments_written"] == 0
    assert dry["missing"] == 8175  # partial workbook: the other fractions in force are "missing"
    # the dry run wrote nothing: the rate is still the bundled one
    code, out = run("tariff", "show", "7318.15.99", "--as-of", IN_FORCE, "--db", db, "--json")
    assert json.loads(out)["igi"] == "35"

    code, out = run(*args)
    assert code == 0, out
    assert "1 rate differs" in out and "1 amendment written" in out
    assert "7318.15.99  35 → 50  (up)" in out

    code, out = run("tariff", "show", "7318.15.99", "--as-of", IN_FORCE, "--db", db, "--json")
    shown = json.loads(out)
    assert shown["igi"] == "50" and shown["igi_bundled"] == "35"
    assert "DOF 29-12-2025 (ilustrativo)" in shown["igi_source"]
    assert path.name in shown["igi_source"] and "SHA-256" in shown["igi_source"]
    assert not any("does NOT include the reform" in w for w in shown["warnings"])
    # the best rate uses it too, without the reform warning for that fraction
    code, out = run("rate", "7318.15.99", "--origin", "CHN", "--as-of", IN_FORCE, "--db", db,
                    "--json")  # fmt: skip
    decision = json.loads(out)
    assert decision["chosen"]["rate"] == "50"
    assert not any("does NOT include the reform" in w for w in decision["warnings"])
    # a fraction the workbook did not cover keeps the warning
    code, out = run("tariff", "show", "8471.30.01", "--as-of", IN_FORCE, "--db", db, "--json")
    assert any("does NOT include the reform" in w for w in json.loads(out)["warnings"])

    code, out = run(*args)  # the same file again
    assert code == 0 and "already loaded" in out


def test_a_second_workbook_cannot_replace_a_loaded_amendment(tmp_path: Path) -> None:
    db = str(tmp_path / "w.db")
    run("init", "--db", db)
    first = workbook(tmp_path / "a.xlsx", [["7318.15.99", "x", "Kg", 50, "Ex."]])
    base = ["--in-force-from", IN_FORCE, "--source", "ilustrativo", "--db", db]
    assert run("rates", "load", "tariff", str(first), *base)[0] == 0
    second = workbook(tmp_path / "b.xlsx", [["7318.15.99", "x", "Kg", 40, "Ex."]])
    code, out = run("rates", "load", "tariff", str(second), *base)
    assert code == 2 and "already has an amendment from 2026-01-05" in out
    code, out = run("tariff", "show", "7318.15.99", "--as-of", IN_FORCE, "--db", db, "--json")
    assert json.loads(out)["igi"] == "50"


def test_bad_input_is_refused_clearly(tmp_path: Path) -> None:
    db = str(tmp_path / "w.db")
    run("init", "--db", db)
    path = workbook(tmp_path / "a.xlsx", [["7318.15.99", "x", "Kg", 50, "Ex."]])
    code, out = run("rates", "load", "tariff", str(path), "--in-force-from", "2099-01-01",
                    "--source", "x", "--db", db)  # fmt: skip
    assert code == 2 and "after today" in out
    code, out = run("rates", "load", "tariff", str(path), "--in-force-from", IN_FORCE,
                    "--source", " ", "--db", db)  # fmt: skip
    assert code == 2 and "--source" in out
    png = tmp_path / "tarifa.xlsx"
    png.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\0" * 40)
    code, out = run("rates", "load", "tariff", str(png), "--in-force-from", IN_FORCE,
                    "--source", "x", "--db", db)  # fmt: skip
    assert code == 2 and "cannot read the workbook" in out and "Traceback" not in out
