"""`immex rates load`, `immex rate`, `immex duty f4|63a` through Typer's CliRunner.

The LIGIE is replaced by a small ILLUSTRATIVE test double (``FakeTariff``) so the figures do
not depend on the bundled tariff; FIX, INPC and parameters are the bundled ones.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

from immex.cli.main import app
from immex.domain.errors import NotFound
from immex.domain.tariff import RateAt
from immex.services.tariff import lookup as tariff_lookup
from tests.support_rates import mfn_lookup

EXCERPT = (
    Path(__file__).resolve().parents[2] / "shared/data/prosec/prosec_dof_2026-04-23_excerpt.csv"
)
runner = CliRunner()


class FakeTariff:
    """ILLUSTRATIVE rates, not the LIGIE."""

    rates = {"8501.10.01": "15", "7211.29.99": "5", "7208.39.01": "10", "9802.00.19": "5"}

    def __init__(self) -> None:
        self._lookup = mfn_lookup(self.rates)

    def get(self, code: str) -> object:
        if code not in self.rates:
            raise NotFound(f"unknown fracción {code}", field="fraccion")
        return object()

    def import_rate_at(self, code: str, when: date) -> RateAt:
        return self._lookup(code, when)  # type: ignore[no-any-return]


@pytest.fixture(autouse=True)
def fake_tariff(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(tariff_lookup, "load_tariff_book", lambda: FakeTariff())
    monkeypatch.delenv("IMMEX_DB", raising=False)
    monkeypatch.chdir(tmp_path)  # no ./immex.db unless a test creates it


def _json(args: list[str]) -> dict:  # type: ignore[type-arg]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_rate_without_workspace_uses_bundled_data_and_says_so() -> None:
    doc = _json(["rate", "8501.10.01", "--origin", "CHN", "--as-of", "2025-03-10", "--json"])
    assert doc["chosen"] == {
        "program": "MFN", "detail": "", "rate": "15", "source": "LIGIE test double (ILLUSTRATIVE)"
    }  # fmt: skip
    assert {"fraccion", "as_of", "origin", "options", "chosen", "warnings"} <= set(doc)
    assert any("no workspace found" in w for w in doc["warnings"])
    for o in doc["options"]:
        assert {"program", "rate", "eligible", "reason", "source"} <= set(o)


def test_load_then_rate_with_prosec_and_acotacion(tmp_path: Path) -> None:
    db = str(tmp_path / "w.db")
    assert runner.invoke(app, ["init", "--db", db]).exit_code == 0
    first = _json(["rates", "load", "prosec", str(EXCERPT), "--db", db, "--json"])
    assert first["rows_inserted"] == 11
    again = _json(["rates", "load", "prosec", str(EXCERPT), "--db", db, "--json"])
    assert again["already_loaded"] is True
    doc = _json(["rate", "7211.29.99", "--origin", "CHN", "--as-of", "2026-05-04",
                 "--prosec", "XIX", "--db", db, "--json"])  # fmt: skip
    assert doc["chosen"]["program"] == "PROSEC" and doc["chosen"]["rate"] == "0"
    assert any("acotación" in w and "a person must check" in w for w in doc["warnings"])
    assert any("rate data from the workspace" in w for w in doc["warnings"])


def test_rate_reads_immex_db_in_the_current_directory() -> None:
    assert runner.invoke(app, ["init"]).exit_code == 0
    assert runner.invoke(app, ["rates", "load", "prosec", str(EXCERPT)]).exit_code == 0
    doc = _json(["rate", "7208.39.01", "--origin", "CHN", "--as-of", "2026-05-04",
                 "--prosec", "I", "--json"])  # fmt: skip
    assert doc["chosen"]["program"] == "PROSEC"


def test_duty_f4_json_seed_example(tmp_path: Path) -> None:
    db = str(tmp_path / "w.db")
    runner.invoke(app, ["init", "--db", db])
    csv = tmp_path / "p.csv"
    csv.write_text(
        "sector,sector_name,fraccion,arancel,vigencia_desde,acotacion,fuente\n"
        "XIX,Automotriz y de Autopartes,8501.10.01,Ex.,2020-01-01,,ILLUSTRATIVE row\n",
        encoding="utf-8",
    )
    assert runner.invoke(app, ["rates", "load", "prosec", str(csv), "--db", db]).exit_code == 0
    doc = _json([
        "duty", "f4", "--fraccion", "8501.10.01", "--value-usd", "10000",
        "--entry-date", "2024-06-10", "--change-date", "2025-01-15", "--origin", "CHN",
        "--prosec", "XIX", "--db", db, "--json",
    ])  # fmt: skip
    keys = [
        "customs_value_mxn", "fx", "program", "rate", "igi", "inpc_factor", "igi_updated",
        "dta", "iva", "surcharges", "total", "options", "policy", "trace", "warnings",
    ]  # fmt: skip
    for key in keys:
        assert key in doc
    assert doc["program"] == "PROSEC" and doc["igi"] == "0.0000" and doc["total"] == "29681"
    assert doc["fx"]["determined_on"] == "2024-06-06" and doc["fx"]["published_on"] == "2024-06-07"
    assert doc["inpc_factor"]["numerator"] == "137.949"
    assert doc["trace"][-1]["name"] == "total" and doc["trace"][-1]["value"] == "29681"


def test_duty_f4_text_output_and_late_payment() -> None:
    result = runner.invoke(app, [
        "duty", "f4", "--fraccion", "8501.10.01", "--value-usd", "1000", "--entry-date",
        "2025-03-10", "--change-date", "2026-01-15", "--origin", "CHN", "--paid-on", "2026-03-02",
    ])  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "total to pay: MXN 7,375 (policy: entry date (LA 56))" in result.stdout
    assert "recargos" in result.stdout and "CFF 21" in result.stdout


def test_duty_63a_json() -> None:
    doc = _json([
        "duty", "63a", "--fraccion", "8501.10.01", "--value-usd", "10000", "--entry-date",
        "2024-06-10", "--export-date", "2025-01-15", "--origin", "CHN", "--us-duty-usd", "500",
        "--json",
    ])  # fmt: skip
    assert doc["mx_duty"] == "26300.2500" and doc["us_duty_mxn"] == "10400.6000"
    assert doc["owed"] == "15900" and doc["due_by"] == "2025-03-16"
    assert doc["us_duty_fx"]["rate"] == "20.8012" and doc["exemption"] == "10400.6000"


def test_duty_63a_usmca_origin_needs_the_certification() -> None:
    """RULES U-4: a USA input owes nothing only with a stated certification of origin."""
    base = [
        "duty", "63a", "--fraccion", "8501.10.01", "--value-usd", "10000", "--entry-date",
        "2024-06-10", "--export-date", "2025-01-15", "--origin", "USA", "--us-duty-usd", "500",
        "--json",
    ]  # fmt: skip
    plain = _json(base)
    assert plain["originating"] is False and plain["owed"] == "15900"
    assert any("no certification of USMCA origin" in w for w in plain["warnings"])
    certified = _json([*base, "--origin-certified", "TMEC"])
    assert certified["originating"] is True and certified["owed"] == "0"
    assert any("taken as USMCA-originating" in w for w in certified["warnings"])


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["rate", "9999.99.99", "--origin", "CHN", "--as-of", "2025-03-10"], "unknown fracción"),
        (["rate", "8501.10.01", "--origin", "XX", "--as-of", "2025-03-10"], "ISO-3"),
        (["rate", "8501.10.01", "--origin", "CHN", "--as-of", "2025-02-30"], "not a date"),
        (["rate", "8501.10.01", "--origin", "CHN", "--as-of", "2999-01-01"], "in the future"),
        (["duty", "f4", "--fraccion", "8501.10.01", "--value-usd", "-3", "--entry-date",
          "2025-03-10", "--change-date", "2025-09-15"], "must be positive"),
        (["duty", "f4", "--fraccion", "8501.10.01", "--value-usd", "abc", "--entry-date",
          "2025-03-10", "--change-date", "2025-09-15"], "not a number"),
        (["duty", "f4", "--fraccion", "8501.10.01", "--value-usd", "10", "--entry-date",
          "2027-03-10", "--change-date", "2027-09-15"], "FIX series ends"),
        (["duty", "f4", "--fraccion", "8501.10.01", "--value-usd", "10", "--entry-date",
          "2025-03-10", "--change-date", "2025-09-15", "--policy", "x"], "--policy"),
        (["duty", "63a", "--fraccion", "8501.10.01", "--value-usd", "10", "--entry-date",
          "2025-03-10", "--export-date", "2025-09-15", "--origin", "CHN", "--us-duty-usd", "-1"],
         "must not be negative"),
    ],
)  # fmt: skip
def test_bad_input_exits_2_with_a_clear_message(args: list[str], message: str) -> None:
    result = runner.invoke(app, args)
    assert result.exit_code == 2, result.output
    assert message in result.stderr


def test_malformed_file_exit_2_lists_errors_and_writes_nothing(tmp_path: Path) -> None:
    db = str(tmp_path / "w.db")
    runner.invoke(app, ["init", "--db", db])
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "sector,sector_name,fraccion,arancel,vigencia_desde,acotacion,fuente\n"
        "XIX,Auto,8501.10,Ex.,2026-04-24,,x\nZ9,Auto,8501.10.01,zz,2026-13-01,,\n",
        encoding="utf-8",
    )
    result = runner.invoke(app, ["rates", "load", "prosec", str(bad), "--db", db])
    assert result.exit_code == 2
    assert "bad.csv:2: fraccion:" in result.stderr
    assert "bad.csv:3: sector:" in result.stderr and "bad.csv:3: vigencia_desde:" in result.stderr
    assert "nothing was written" in result.stderr
    doc = _json(["rate", "8501.10.01", "--origin", "CHN", "--as-of", "2026-05-04", "--db", db,
                 "--json"])  # fmt: skip
    assert any("0 PROSEC rows" in w for w in doc["warnings"])


def test_load_requires_a_workspace(tmp_path: Path) -> None:
    result = runner.invoke(
        app, ["rates", "load", "prosec", str(EXCERPT), "--db", str(tmp_path / "no.db")]
    )
    assert result.exit_code == 2 and "immex init" in result.stderr


def test_workspace_without_rate_tables_gives_a_clear_message(tmp_path: Path) -> None:
    from sqlalchemy import create_engine, text

    db = tmp_path / "old.db"
    engine = create_engine(f"sqlite:///{db}")
    with engine.begin() as conn:  # a workspace from before the rates migration
        conn.execute(text("CREATE TABLE companies (id INTEGER PRIMARY KEY)"))
    engine.dispose()
    result = runner.invoke(
        app, ["rate", "8501.10.01", "--origin", "CHN", "--as-of", "2025-03-10", "--db", str(db)]
    )
    assert result.exit_code == 2 and "run `immex init`" in result.stderr


def test_sector_catalog_has_a_citation_per_row() -> None:
    doc = _json(["rates", "sectors", "--json"])
    assert len(doc) == 23 and all(s["source"] for s in doc)
    assert doc[18]["code"] == "XIX" and doc[22]["confidence"] == "M"
