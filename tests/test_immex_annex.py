"""IMMEX Decree Annex I / II: the bundled rows of RULES I-10 with their citations, the
builder that refuses a row the rule book does not state, the flag of a line on its date, the
loader (``immex rates load immex-annex``: good file, bad rows, dry run) and the source in
``immex refdata status``.

Loaded rows here are ILLUSTRATIVE (labelled so in their source), not real annex entries.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

from immex.cli.main import app
from immex.domain.errors import BatchError
from immex.domain.immex_annex import Annex, AnnexBook, AnnexRow, FlagKind
from immex.refdata.annex_build import HEADER, SOURCE_CSV, _read, compile_rows, load_annex_rows
from immex.refdata.framework import DATA_DIR, read_csv
from immex.reports.i18n import tr

runner = CliRunner()
BUNDLED = AnnexBook(load_annex_rows())


# --------------------------------------------------------------------------- bundled rows


def test_bundled_rows_are_the_ten_of_rules_i10_with_their_citations() -> None:
    rows = {(r.scope, r.valid_from.isoformat()): r for r in load_annex_rows()}
    decree_2024 = {"61", "62", "63", "9404.40", "9404.90"}
    footwear = {"6401", "6402", "6403", "6404", "6405"}
    assert set(rows) == {(s, "2024-12-19") for s in decree_2024} | {
        (s, "2025-08-29") for s in footwear
    }
    for (scope, _day), row in rows.items():
        assert row.annex is Annex.I and row.confidence == "M" and row.valid_to is None
        assert "(RULES I-10)" in row.source
        dof = "DOF 19-12-2024" if scope in decree_2024 else "DOF 28-08-2025"
        assert dof in row.source, row
    assert rows[("61", "2024-12-19")].exceptions == ("6117.90",)
    assert rows[("62", "2024-12-19")].exceptions == ("6217.90",)
    assert rows[("63", "2024-12-19")].exceptions == ("6302.91", "6302.93", "6302.99")
    table = read_csv(DATA_DIR / "immex_annex.csv")
    assert all(r["rule"] == "I-10" and r["basis"] for r in table)


def test_flags_on_their_dates_hand_worked() -> None:
    # a knitted T-shirt (chapter 61) entered the day before the DOF 19-12-2024 decree: clean
    assert BUNDLED.flag("6109.10.03", date(2024, 12, 18)) is None
    shirt = BUNDLED.flag("6109.10.03", date(2024, 12, 19))
    assert shirt is not None and shirt.kind is FlagKind.RESTRICTED and shirt.scope == "61"
    # cut pieces of 6117.90 remain allowed: inside chapter 61 but in its exception
    piece = BUNDLED.flag("6117.90.01", date(2025, 3, 1))
    assert piece is not None and piece.kind is FlagKind.EXCEPTION and piece.exception == "6117.90"
    # footwear: headings 64.01-64.05 from 29-08-2025 (in force date stated), parts (64.06) never
    assert BUNDLED.flag("6403.99.99", date(2025, 8, 28)) is None
    assert BUNDLED.flag("6403.99.99", date(2025, 8, 29)) is not None
    assert BUNDLED.flag("6406.90.99", date(2026, 1, 1)) is None
    # 9404.40 and 9404.90 are in; mattresses (9404.29) are not
    assert BUNDLED.flag("9404.40.01", date(2025, 1, 1)) is not None
    assert BUNDLED.flag("9404.29.99", date(2025, 1, 1)) is None
    assert BUNDLED.flag("", date(2025, 1, 1)) is None


def test_the_flag_message_cites_its_source_in_both_languages() -> None:
    flag = BUNDLED.flag("6109.10.03", date(2025, 1, 15))
    assert flag is not None
    es, en = tr(flag.message, "es"), tr(flag.message, "en")
    assert es.startswith("Anexo I del Decreto IMMEX (capítulo 61, Decreto IMMEX Anexo I, reforma")
    assert "DOF 19-12-2024" in es and "confianza media" in es and "2025-01-15" in es
    assert "(regla I-10)" in es and "(reglas I-5 e I-10)" in es and "RULES" not in es
    assert "may not be imported temporarily" in en and "rules I-5 and I-10" in en
    assert "RULES I-5, I-10" in flag.message and "confidence M" in flag.message  # canonical
    assert tr(flag.label, "es") == "Anexo I"
    piece = BUNDLED.flag("6302.93.01", date(2025, 1, 15))
    assert piece is not None
    assert "excepción 6302.93" in tr(piece.message, "es")
    assert tr(piece.label, "es") == "Excepción Anexo I"


def test_annex_i_outranks_annex_ii_and_an_exception() -> None:
    day = date(2025, 1, 1)
    wide = AnnexRow("84", Annex.II, date(2020, 1, 1), None, "ILLUSTRATIVE", "L")
    narrow = AnnexRow("8471.30", Annex.I, date(2020, 1, 1), None, "ILLUSTRATIVE", "L",
                      ("8471.30.01",))  # fmt: skip
    book = AnnexBook((wide, narrow))
    assert [f.annex for f in book.flags("8471.30.99", day)] == [Annex.I, Annex.II]
    inside = book.flag("8471.30.01", day)
    assert inside is not None and inside.kind is FlagKind.RESTRICTED and inside.annex is Annex.II
    ended = AnnexRow("85", Annex.I, date(2020, 1, 1), date(2020, 12, 31), "ILLUSTRATIVE", "L")
    assert AnnexBook((ended,)).flag("8501.10.01", date(2021, 1, 1)) is None


# --------------------------------------------------------------------------- builder


def _curated() -> tuple[list[dict[str, str]], dict[str, tuple[str, str]], set[str]]:
    rows = _read(SOURCE_CSV)
    text = rows[0]["quote"] + "; " + rows[-1]["quote"]
    codes = {"61", "62", "63", "6117.90", "6217.90", "6302.91", "6302.93", "6302.99", "9404.40",
             "9404.90", "64.01", "64.02", "64.03", "64.04", "64.05"}  # fmt: skip
    return rows, {"I-10": ("M", text)}, codes


def test_builder_keeps_the_curated_rows() -> None:
    rows, rules, codes = _curated()
    built = compile_rows(rows, rules, codes)
    assert len(built) == 10 and len(built[0]) == len(HEADER)


@pytest.mark.parametrize(
    ("change", "column", "message"),
    [
        ({"quote": "chapters 61-69 by decree DOF 19-12-2024"}, "quote", "not in the text of"),
        ({"confidence": "H"}, "confidence", "rule I-10 has confidence M"),
        ({"fraccion": "60", "exceptions": ""}, "fraccion", "not in the bundled LIGIE"),
        ({"exceptions": "6217.90"}, "exceptions", "not inside the row's scope 61"),
        ({"valid_from": "2024-12-20"}, "valid_from", "the quote states 2024-12-19"),
        ({"basis": "summaries"}, "basis", "DOF publication date"),
        ({"rule": "I-99"}, "rule", "not a rule of"),
    ],
)
def test_builder_refuses_a_row_the_rule_book_does_not_state(
    change: dict[str, str], column: str, message: str
) -> None:
    rows, rules, codes = _curated()
    rows[0] = {**rows[0], **change}
    with pytest.raises(BatchError) as info:
        compile_rows(rows, rules, codes)
    assert [(e.line, e.field) for e in info.value.errors] == [(2, column)]
    assert message in info.value.errors[0].message


# --------------------------------------------------------------------------- loader

GOOD = (
    "Fracción,Anexo,Vigencia desde,Vigencia hasta,Fuente,Confianza,Excepciones,Nota\n"
    "2208,II,2020-01-01,,ILLUSTRATIVE Anexo II (test),L,,\n"
    "8703.23,I,2021-05-01,2022-12-31,ILLUSTRATIVE Anexo I (test),M,8703.23.02,only new\n"
    # the same as a bundled row: already present, not stored twice
    "61,I,2024-12-19,,\"Decreto IMMEX Anexo I, reforma DOF 19-12-2024 (RULES I-10)\",M,"
    "6117.90,cortes (cut pieces) of 6117.90 remain allowed\n"
)


def _db(tmp_path: Path) -> str:
    db = str(tmp_path / "w.db")
    assert runner.invoke(app, ["init", "--db", db]).exit_code == 0
    return db


def _load(db: str, path: Path, *more: str) -> tuple[int, str]:
    result = runner.invoke(app, ["rates", "load", "immex-annex", str(path), "--db", db, *more])
    return result.exit_code, result.output


def test_load_good_file_with_spanish_headers_and_dry_run(tmp_path: Path) -> None:
    db = _db(tmp_path)
    path = tmp_path / "anexos.csv"
    path.write_text(GOOD, encoding="utf-8")
    code, out = _load(db, path, "--dry-run", "--json")
    assert code == 0, out
    dry = json.loads(out)
    assert dry["dry_run"] is True and dry["rows_inserted"] == 2 and dry["batch_id"] is None
    assert dry["rows_already_present"] == 1
    assert _status(db)["IMMEX Annex II"]["status"] == "missing"  # nothing was written
    code, out = _load(db, path, "--json")
    assert code == 0, out
    done = json.loads(out)
    assert done["rows_inserted"] == 2 and done["rows_already_present"] == 1
    assert any("confidence L" in w for w in done["warnings"])
    code, out = _load(db, path)
    assert code == 0 and "already loaded" in out
    status = _status(db)
    assert status["IMMEX Annex II"]["status"] == "current"
    assert status["IMMEX Annex II"]["last"] == "2020-01-01"
    assert "anexos.csv" in status["IMMEX Annex I"]["detail"]


BAD = (
    "fraccion,annex,valid_from,valid_to,source,confidence,exceptions\n"
    "61x,III,2020-13-01,,,Q,\n"
    "62,I,2024-01-01,2023-01-01,ILLUSTRATIVE,M,6117.90\n"
    "8703,I,2024-01-01,,ILLUSTRATIVE,M,\n"
    "8703,I,2024-01-01,,ILLUSTRATIVE,M,\n"
)


def test_bad_rows_every_problem_exit_2_nothing_written(tmp_path: Path) -> None:
    db = _db(tmp_path)
    path = tmp_path / "bad.csv"
    path.write_text(BAD, encoding="utf-8")
    result = runner.invoke(app, ["rates", "load", "immex-annex", str(path), "--db", db])
    assert result.exit_code == 2
    lines = result.output.splitlines()
    for expected in (
        "bad.csv:2: fraccion: expected a chapter (61), heading (6401)",
        "bad.csv:2: annex: expected I or II",
        "bad.csv:2: valid_from: not a date",
        "bad.csv:2: source: missing value",
        "bad.csv:2: confidence: expected H, M or L",
        "bad.csv:3: exceptions: an exception must lie inside the row's scope 62",
        "bad.csv:3: valid_to: ends before it starts",
        "bad.csv:5: fraccion: same annex, scope and valid_from as line 4 (duplicate row)",
    ):
        assert any(line.startswith(expected) for line in lines), (expected, result.output)
    as_json = runner.invoke(app, ["rates", "load", "immex-annex", str(path), "--db", db, "--json"])
    assert as_json.exit_code == 2
    errors = json.loads(_first_json(as_json.stdout))
    assert {(e["line"], e["column"]) for e in errors["errors"]} >= {(2, "annex"), (5, "fraccion")}
    assert _status(db)["IMMEX Annex I"]["detail"].startswith("10 bundled rows")
    assert "and 0 loaded" in _status(db)["IMMEX Annex I"]["detail"]


def _first_json(text: str) -> str:
    start = text.index("{")
    depth = 0
    for i, ch in enumerate(text[start:], start):
        depth += {"{": 1, "}": -1}.get(ch, 0)
        if depth == 0:
            return text[start : i + 1]
    raise AssertionError(text)


def test_wrong_layout_and_conflicting_reload(tmp_path: Path) -> None:
    db = _db(tmp_path)
    wrong = tmp_path / "wrong.csv"
    wrong.write_text("fraccion,annex\n61,I\n", encoding="utf-8")
    code, out = _load(db, wrong)
    assert code == 2 and "wrong.csv:1: valid_from: missing column" in out
    first = tmp_path / "a.csv"
    first.write_text("fraccion,annex,valid_from,source,confidence\n2208,II,2020-01-01,X,L\n")
    assert _load(db, first)[0] == 0
    second = tmp_path / "b.csv"
    second.write_text("fraccion,annex,valid_from,source,confidence\n2208,II,2020-01-01,Y,L\n")
    code, out = _load(db, second)
    assert code == 2 and "b.csv:2: fraccion: conflicts with the row" in out and "a.csv" in out


# --------------------------------------------------------------------------- status


def _status(db: str | None = None, day: str = "2026-06-01") -> dict[str, dict[str, str]]:
    args = ["refdata", "status", "--json", "--as-of", day] + (["--db", db] if db else [])
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    return {s["source"]: s for s in json.loads(result.output)["sources"]}


def test_status_reports_the_bundled_annex_i_and_the_missing_annex_ii(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)  # no ./immex.db: bundled data only
    monkeypatch.delenv("IMMEX_DB", raising=False)
    rows = _status()
    one, two = rows["IMMEX Annex I"], rows["IMMEX Annex II"]
    assert one["status"] == "current" and one["last"] == "2025-08-29"
    assert one["detail"].startswith("10 bundled rows (RULES I-10, confidence M, in force from "
                                    "2024-12-19, 2025-08-29)")  # fmt: skip
    assert two["status"] == "missing" and two["last"] == ""
    for row in (one, two):
        assert row["refresh_command"] == "immex rates load immex-annex FILE"
        assert "DOF 28-08-2025" in row["official_file"]
    assert "IMMEX annexes I / II" not in rows


# --------------------------------------------------------------------------- import summary


def test_import_notes_group_by_fraccion_and_date_and_stop_at_the_cap() -> None:
    from immex.services.ledger.annex_flags import MAX_GROUPS, flagged_lots, import_notes

    # (pedimento, clave, entry, fracción, line): 7 T-shirt lines of one day, a definitive
    # import (A1: not a temporary import, never flagged), a clean cable, 25 days of shoes
    rows = [(f"2547301250001{i:02d}", "IN", "2025-03-03", "6109.10.03", i + 2) for i in range(7)]
    rows += [("25473012500200", "A1", "2025-03-03", "6109.10.03", 20),
             ("25473012500201", "IN", "2025-03-03", "8544.42.99", 21)]  # fmt: skip
    rows += [("25473012500300", "V1", f"2025-09-{d:02d}", "6403.99.99", 30 + d)
             for d in range(1, 26)]  # fmt: skip
    flagged = flagged_lots(BUNDLED, rows, (0, 1, 2, 3, 4))
    assert len(flagged) == 7 + 25
    notes = import_notes("p.csv", flagged)
    assert notes[0].startswith("p.csv: 32 temporary-import lines")
    assert notes[1].startswith("p.csv: lines 2, 3, 4, 5, 6 … (+2) (pedimento 25 47 3012 ")
    assert "fracción 6109.10.03: Annex I" in notes[1]
    assert len(notes) == 1 + MAX_GROUPS + 1
    assert notes[-1] == "p.csv: 6 more groups of flagged lines (see `immex balance`)"
    assert import_notes("p.csv", []) == []
