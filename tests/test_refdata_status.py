"""`immex refdata status`: each source's last date, whether it covers the day, how to refresh.

Hand-worked on the bundled data: the FIX series ends on 2026-03-04 (a determination date), so
a pedimento of 2026-03-05 is covered (it takes the FIX determined on 2026-03-04) and one of
2026-03-06 is not; the INPC ends at 2026-01, enough for an update in 2026-02 but not in
2026-03; the DTA fixed fee has no value after 2024; the LIGIE misses the reform in force
2026-01-01 until a workbook in force since then is loaded.
"""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from immex.cli.main import app
from tests.test_tariff_load import workbook

runner = CliRunner()


def status(*args: str) -> dict[str, dict[str, str]]:
    result = runner.invoke(app, ["refdata", "status", "--json", *args])
    assert result.exit_code == 0, result.output
    return {s["source"]: s for s in json.loads(result.output)["sources"]}


def test_series_currency_hand_worked(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.chdir(tmp_path)  # no ./immex.db: bundled data only
    monkeypatch.delenv("IMMEX_DB", raising=False)
    on_5 = status("--as-of", "2026-03-05")
    assert on_5["FIX USD/MXN (Banxico)"]["status"] == "current"
    assert on_5["FIX USD/MXN (Banxico)"]["last"] == "2026-03-04"
    on_6 = status("--as-of", "2026-03-06")
    assert on_6["FIX USD/MXN (Banxico)"]["status"] == "stale"
    assert "ends 1 day before" in on_6["FIX USD/MXN (Banxico)"]["detail"]
    assert on_6["FIX USD/MXN (Banxico)"]["refresh_command"] == "immex rates load fix FILE"
    assert status("--as-of", "2026-02-20")["INPC (INEGI)"]["status"] == "current"
    assert status("--as-of", "2026-03-01")["INPC (INEGI)"]["status"] == "stale"
    fee = "parameter dta.immex_temporary_fee"
    assert status("--as-of", "2024-06-01")[fee]["status"] == "current"
    assert status("--as-of", "2025-01-01")[fee]["status"] == "stale"
    lists = status("--as-of", "2025-06-01")
    assert lists["PROSEC lists (workspace)"]["status"] == "missing"
    assert lists["LIGIE tariff"]["status"] == "current"


def test_ligie_current_once_a_workbook_is_loaded(tmp_path: Path) -> None:
    db = str(tmp_path / "w.db")
    runner.invoke(app, ["init", "--db", db])
    assert status("--as-of", "2026-02-01", "--db", db)["LIGIE tariff"]["status"] == "stale"
    path = workbook(tmp_path / "t.xlsx", [["7318.15.99", "x", "Kg", 50, "Ex."]])
    loaded = runner.invoke(app, ["rates", "load", "tariff", str(path), "--in-force-from",
                                 "2026-01-05", "--source", "ilustrativo", "--db", db])  # fmt: skip
    assert loaded.exit_code == 0, loaded.output
    after = status("--as-of", "2026-02-01", "--db", db)
    assert after["LIGIE tariff"]["status"] == "current"
    assert after["LIGIE amendments (workspace)"]["last"] == "2026-01-05"
    # the DOF 23-04-2026 decree is later than the workbook: stale again from that date
    assert status("--as-of", "2026-05-01", "--db", db)["LIGIE tariff"]["status"] == "stale"


def test_text_output_names_the_refresh(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("IMMEX_DB", raising=False)
    result = runner.invoke(app, ["refdata", "status", "--as-of", "2026-11-30"])
    assert result.exit_code == 0
    assert "[stale  ] FIX USD/MXN (Banxico): last 2026-03-04" in result.output
    assert "refresh: immex rates load fix FILE" in result.output
    assert "stale," in result.output.splitlines()[-1]
