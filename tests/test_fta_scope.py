"""Agreement-wide preferences (issue 14 item 6): a T-MEC row for the whole agreement (`*`), a
chapter, a heading or a subheading, with explicit exceptions; the more specific row wins and
the option's source says which row applied. The schedules here are ILLUSTRATIVE test data
(their rates exercise the rules; they are not the agreement's annex)."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from pathlib import Path

from typer.testing import CliRunner

from immex.cli.main import app
from immex.domain.rate_rows import FtaRow, scope_contains, scope_label, scope_level
from immex.domain.rates import RateBook, RateQuery, parse_rate_text
from tests.support_rates import mfn_lookup

runner = CliRunner()
WHEN = date(2025, 6, 2)


def row(scope: str, rate: str, exceptions: tuple[str, ...] = (), agreement: str = "TMEC",
        start: str = "2020-07-01") -> FtaRow:  # fmt: skip
    return FtaRow(agreement, ("CAN", "USA"), scope, parse_rate_text(rate),
                  date.fromisoformat(start), None, f"{agreement} {scope} (ILLUSTRATIVE)",
                  exceptions)  # fmt: skip


def chosen(book: RateBook, fraccion: str, origin: str = "USA") -> tuple[Decimal | None, str]:
    query = RateQuery(fraccion, origin, WHEN, certified=("TMEC",))
    decision = book.decide(query, mfn_lookup({fraccion: "10"}))
    fta = [o for o in decision.options if o.program == "FTA:TMEC"]
    assert len(fta) == 1
    return fta[0].rate if fta[0].eligible else None, fta[0].source


def test_scopes() -> None:
    assert [scope_level(s) for s in ("8542.31.03", "8542.31", "8542", "85", "*")] == [0, 1, 2, 3, 4]
    assert scope_contains("85", "8542.31.03") and not scope_contains("84", "8542.31.03")
    assert scope_contains("8542.31", "8542.31.03") and scope_contains("*", "0101.21.01")
    assert scope_label("8542") == "heading 85.42" and scope_label("*").startswith("the whole")


def test_whole_agreement_row_applies_and_the_more_specific_wins() -> None:
    book = RateBook(fta=[row("*", "Ex.", exceptions=("61", "7318.15")),
                         row("8542", "2"), row("8542.31.03", "1")])  # fmt: skip
    assert chosen(book, "8471.30.01") == (Decimal(0), chosen(book, "8471.30.01")[1])
    assert "row for the whole agreement (*) except 61, 7318.15" in chosen(book, "8471.30.01")[1]
    rate, source = chosen(book, "8542.39.99")  # the heading row beats "*"
    assert rate == Decimal(2) and "row for heading 85.42" in source
    rate, source = chosen(book, "8542.31.03")  # the fracción row beats both
    assert rate == Decimal(1) and "row for fracción 8542.31.03" in source


def test_exceptions_leave_the_fraccion_at_mfn() -> None:
    book = RateBook(fta=[row("*", "Ex.", exceptions=("61", "7318.15"))])
    query = RateQuery("7318.15.99", "USA", WHEN, certified=("TMEC",))
    decision = book.decide(query, mfn_lookup({"7318.15.99": "35"}))
    assert decision.chosen is not None and decision.chosen.program == "MFN"
    assert [o for o in decision.options if o.program == "FTA:TMEC"][0].eligible is False


def test_a_specific_row_not_yet_in_force_leaves_the_wider_one() -> None:
    book = RateBook(fta=[row("*", "Ex."), row("8542.31.03", "3", start="2026-01-01")])
    rate, source = chosen(book, "8542.31.03")
    assert rate == Decimal(0) and "whole agreement" in source


def test_load_an_agreement_wide_file(tmp_path: Path) -> None:
    db = str(tmp_path / "w.db")
    runner.invoke(app, ["init", "--db", db])
    path = tmp_path / "tmec.csv"
    path.write_text(
        "agreement,origin_countries,fraccion,rate,valid_from,source,exceptions\n"
        "TMEC,USA;CAN,*,Ex.,2020-07-01,T-MEC (ILUSTRATIVO),61 7318.15\n"
        "TMEC,USA;CAN,8542,2,2020-07-01,T-MEC (ILUSTRATIVO),\n",
        encoding="utf-8",
    )
    loaded = runner.invoke(app, ["rates", "load", "fta", str(path), "--db", db])
    assert loaded.exit_code == 0, loaded.output
    out = runner.invoke(app, ["rate", "8471.30.01", "--origin", "USA", "--as-of", "2025-06-02",
                              "--origin-certified", "TMEC", "--db", db, "--json"])  # fmt: skip
    decision = json.loads(out.output)
    assert decision["chosen"]["program"] == "FTA:TMEC" and decision["chosen"]["rate"] == "0"
    assert "whole agreement (*) except 61, 7318.15" in decision["chosen"]["source"]


def test_bad_scopes_are_refused(tmp_path: Path) -> None:
    db = str(tmp_path / "w.db")
    runner.invoke(app, ["init", "--db", db])
    path = tmp_path / "bad.csv"
    path.write_text(
        "agreement,origin_countries,fraccion,rate,valid_from,source,exceptions\n"
        "TMEC,USA,854,Ex.,2020-07-01,x,\n"
        "TMEC,USA,8542,Ex.,2020-07-01,x,8471\n"
        "TMEC,USA,*,Ex.,2020-07-01,x,*\n",
        encoding="utf-8",
    )
    result = runner.invoke(app, ["rates", "load", "fta", str(path), "--db", db])
    assert result.exit_code == 2
    assert "bad.csv:2: fraccion: expected *, a chapter" in result.output
    assert "bad.csv:3: exceptions: an exception must lie inside the row's scope 8542" in (
        result.output)  # fmt: skip
    assert "bad.csv:4: exceptions: expected a chapter" in result.output
