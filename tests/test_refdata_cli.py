"""`immex refdata build|info`, `immex fx`, `immex inpc factor` — text, JSON and errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from immex.cli.main import app

runner = CliRunner()


def run(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_fx_json() -> None:
    code, out, _ = run("fx", "2025-03-10", "--json")
    assert code == 0
    data = json.loads(out)
    assert data["rate"] == "20.2777"
    assert data["determined_on"] == "2025-03-06" and data["published_on"] == "2025-03-07"
    assert "CFF art. 20" in data["rule"]


def test_fx_text() -> None:
    code, out, _ = run("fx", "2025-03-10")
    assert code == 0 and "20.2777" in out and "2025-03-07" in out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("fx", "2025-13-01"), "not a date"),
        (("fx", "2027-01-04", "--json"), "ends on 2026-03-04"),
        (("inpc", "factor", "2025-06", "2025-05"), "before it starts"),
        (("inpc", "factor", "2025-6", "x"), "not a month"),
        (("inpc", "factor", "2025-01", "2025-05", "--rounding", "ceil"), "truncate or round"),
        (("refdata", "build", "--source", "/nonexistent/shared/data"), "not found"),
    ],
)
def test_errors_exit_2(args: tuple[str, ...], message: str) -> None:
    code, _, err = run(*args)
    assert code == 2
    assert message in err


def test_inpc_factor_json() -> None:
    code, out, _ = run("inpc", "factor", "2024-01", "2026-06", "--json")
    assert code == 0
    data = json.loads(out)
    assert data["numerator"] == {"month": "2026-01", "inpc": "143.588"}
    assert data["denominator"] == {"month": "2023-12", "inpc": "132.373"}
    assert data["factor"] == "1.0847" and data["rounding"] == "truncate"
    assert any("not yet published" in n for n in data["notes"])


def test_inpc_factor_floor_and_round() -> None:
    code, out, _ = run("inpc", "factor", "2023-05", "2023-06", "--json")
    data = json.loads(out)
    assert code == 0 and data["factor"] == "1" and data["floored"]
    assert any("below 1" in n for n in data["notes"])
    code, out, _ = run("inpc", "factor", "2023-01", "2023-02", "--rounding", "round")
    assert code == 0 and "factor 1.0068 (rounded)" in out


def test_refdata_info_json() -> None:
    code, out, _ = run("refdata", "info", "--json")
    assert code == 0
    data = json.loads(out)
    files = {t["file"]: t["rows"] for t in data["tables"]}
    assert files["fx_fix.csv"] == 8623 and files["inpc.csv"] == 313
    assert data["fx"]["last"] == "2026-03-04" and data["inpc"]["last"] == "2026-01"
    assert any("29-12-2025" in w for w in data["coverage_warnings"])
    assert all(s["sha256"] and s["attribution"] for s in data["sources"])


def test_refdata_info_text() -> None:
    code, out, _ = run("refdata", "info")
    assert code == 0 and "coverage warnings" in out and "fx_fix.csv" in out


def test_build_into_temp_leaves_package_data_alone(
    shared_data: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`refdata build` honours $IMMEX_SHARED_DATA; here it is pointed at a missing folder."""
    monkeypatch.setenv("IMMEX_SHARED_DATA", str(tmp_path / "nope"))
    code, _, err = run("refdata", "build", "--json")
    assert code == 2 and "IMMEX_SHARED_DATA" in err


def test_help_lists_the_commands() -> None:
    code, out, _ = run("--help")
    assert code == 0
    for name in ("refdata", "fx", "inpc"):
        assert name in out
    code, out, _ = run("refdata", "--help")
    assert "build" in out and "info" in out


def test_date_errors_name_the_input_as_typed() -> None:
    """An argument is named as in the usage line (DATE), an option with its dashes."""
    from immex.cli.common import parse_date, parse_month
    from immex.domain.errors import InvalidInput

    with pytest.raises(InvalidInput) as arg:
        parse_date("2025-02-30", "date", label="DATE")
    assert arg.value.message.startswith("DATE: not a date") and "--date" not in arg.value.message
    with pytest.raises(InvalidInput) as opt:
        parse_date("mañana", "as-of")
    assert opt.value.message.startswith("--as-of: not a date") and opt.value.field == "as_of"
    with pytest.raises(InvalidInput) as month:
        parse_month("2025-13", "FROM_MONTH")
    assert month.value.message.startswith("FROM_MONTH: not a month")
    code, _, err = run("fx", "2025-02-30")
    assert code == 2 and "DATE: not a date" in err and "--date" not in err
