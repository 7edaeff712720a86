"""What a Spanish (and an English) reader sees of the duty and rate engines: program and
policy names in words, figures as a person redoes them, legal bases in the reader's language
(review of issue 16: B2, B3, B4, B6, B7, A6, A8, A19, A23, C18, C21). JSON keeps the codes
and the exact values.

Real data used (immex/data): LIGIE 8544.42.99 5 %; FIX determined 2025-03-06 20.2777 (entry
Mon 2025-03-10); INPC 2025-02 138.726, 2025-08 140.867; DTA 8 ‰; IVA 16 %.
"""

from __future__ import annotations

import json
import re
from datetime import date
from decimal import Decimal

import pytest
from typer.testing import CliRunner

from immex.cli import decide_cmds
from immex.cli.common import console
from immex.cli.main import app
from immex.domain.duties.trace import FACTOR, FX, MONEY, PESOS, QUOTIENT, figure, money
from immex.domain.rate_rows import program_key_name, program_name
from immex.domain.rates import FtaRow, RateBook, RateQuery, parse_rate_text
from immex.reports.i18n import tr
from tests.support_rates import mfn_lookup

runner = CliRunner()

FR = "8544.42.99"
F4 = [
    "duty", "f4", "--fraccion", FR, "--value-usd", "1000", "--entry-date", "2025-03-10",
    "--change-date", "2025-09-15", "--origin", "USA", "--origin-certified", "TMEC",
]  # fmt: skip


def _run(*args: str) -> str:
    result = runner.invoke(app, list(args))
    assert result.exit_code == 0, result.output
    return result.stdout


def test_spanish_f4_trace_names_programs_and_policies_in_words() -> None:
    out = _run("--lang", "es", *F4)
    assert "opción: T-MEC: -" in out
    assert "opción: Regla 8ª: -" in out and "opción: tasa general (LIGIE): 5" in out
    assert "la más baja aplicable: tasa general (LIGIE)" in out
    assert " * tasa general (LIGIE): 5 [elegida]" in out
    assert "criterio: fecha de entrada (LA 56)" in out
    assert "truncado a 4 decimales (CFF 17-A, último párrafo)" in out
    assert "total a pagar: MXN 4,624 (criterio: fecha de entrada (LA 56))" in out
    for code in ("MFN", "REGLA8", "FTA:", "entry_date", "truncate", "opción de tasa"):
        assert code not in out, code


def test_no_schedule_loaded_is_not_called_no_preference_in_the_loaded_schedule() -> None:
    """A6: T-MEC certified, no T-MEC schedule at all: the reason says none is loaded."""
    out = _run("--lang", "es", *F4)
    assert "no hay ningún programa del T-MEC cargado: no se evaluó la preferencia" in out
    assert "programa de TMEC cargado" not in out and "sin preferencia" not in out
    query = RateQuery(FR, "USA", date(2025, 3, 10), certified=("TMEC",))
    lookup = mfn_lookup({FR: "5"})
    none = RateBook().decide(query, lookup)
    other = FtaRow("TMEC", ("USA",), "8501.10.01", parse_rate_text("Ex."), date(2020, 7, 1),
                   None, "ILLUSTRATIVE")  # fmt: skip
    loaded = RateBook(fta=[other]).decide(query, lookup)
    reason = {d: next(o.reason for o in d.options if o.program == "FTA:TMEC")
              for d in (none, loaded)}  # fmt: skip
    assert tr(reason[none], "es") == (
        "no hay ningún programa del T-MEC cargado: no se evaluó la preferencia"
    )
    assert tr(reason[loaded], "es") == f"sin preferencia para {FR} en el programa de T-MEC cargado"
    assert reason[loaded] == f"no preference for {FR} in the loaded USMCA schedule"
    assert none.chosen is not None and loaded.chosen is not None
    assert none.chosen.rate == loaded.chosen.rate == Decimal(5)  # the amount is unchanged


def test_f4_trace_figures_are_formatted_and_the_values_stay_exact() -> None:
    """C18: cents, a 4-decimal factor, a quotient to 10 decimals, no exponent."""
    out = _run("--lang", "es", *F4)
    assert "valor en aduana (MXN): 20,277.70  = 1,000 × 20.2777" in out
    assert "IGI: 1,013.89  = 20,277.70 × 5 / 100" in out
    assert "factor de actualización: cociente: 1.0154333002  = 140.867 / 138.726" in out
    assert "factor de actualización: factor: 1.0154  =" in out
    assert "IGI actualizado: 1,029.50  = 1,013.89 × 1.0154" in out
    assert "base del IVA: 21,453.81  = 20,277.70 + 1,013.89 + 162.22" in out
    assert "total: 4,624  = 1,029 (IGI actualizado) + 162 (DTA) + 3,433 (IVA)" in out
    assert not re.search(r"\d\.\d{11,}|E-\d", out.split("advertencia")[0])
    doc = json.loads(_run(*F4, "--json"))
    steps = {s["name"]: s for s in doc["trace"]}
    assert steps["customs value (MXN)"]["value"] == "20277.7000"  # JSON: exact
    assert steps["update factor: quotient"]["value"].startswith("1.01543330017444458")
    assert doc["program"] == "MFN" and doc["policy"] == "entry_date"
    assert {o["program"] for o in doc["options"]} == {"FTA:TMEC", "PROSEC", "REGLA8", "MFN"}


def test_the_total_cites_cff_21_only_when_recargos_are_computed() -> None:
    """A8 (RULES C-7): paid on the date of the change, no actualización or recargos."""
    on_time = _run("--lang", "es", *F4)
    total = next(ln for ln in on_time.splitlines() if re.match(r"\s*\d+\. total:", ln))
    assert total.endswith("[LA 109; LFD 49; LIVA 24]")
    late_f4 = [*F4[:9], "2026-01-15", *F4[10:]]
    late = _run("--lang", "es", *late_f4, "--paid-on", "2026-03-02")
    total = next(ln for ln in late.splitlines() if re.match(r"\s*\d+\. total:", ln))
    assert "recargos" in total and total.endswith("[LA 109; LFD 49; LIVA 24; CFF 21]")


def test_english_keeps_mfn_and_usmca_with_words() -> None:
    out = _run("--lang", "en", *F4)
    assert "option: USMCA: -" in out and "no USMCA schedule loaded" in out
    assert "option: MFN (general rate): 5" in out and "lowest eligible: MFN (general rate)" in out
    assert "total to pay: MXN 4,624 (policy: entry date (LA 56))" in out
    assert "entry_date" not in out and "FTA:" not in out


def test_63a_trace_in_spanish_says_min_max_and_t_mec() -> None:
    """B6/B7: mín/máx and T-MEC art. 2.5 in Spanish; USMCA in English."""
    args = [
        "duty", "63a", "--fraccion", FR, "--value-usd", "10000", "--entry-date", "2024-06-10",
        "--export-date", "2025-01-15", "--origin", "CHN", "--us-duty-usd", "500",
    ]  # fmt: skip
    es = _run("--lang", "es", *args)
    assert "= mín(8,766.75, 10,400.60)" in es and "= máx(0, 8,766.75 − 8,766.75)" in es
    assert "T-MEC art. 2.5 (reglas U-1 y U-2): mín(arancel MX, arancel EUA/CAN)" in es
    assert "[T-MEC art. 2.5; LA 63-A]" in es
    assert "USMCA" not in es and "min(MX" not in es and "max(" not in es
    en = _run("--lang", "en", *args)
    assert "USMCA art. 2.5 (rules U-1 and U-2): min(MX duty, US/CA duty)" in en


def test_rate_and_inpc_factor_in_spanish() -> None:
    out = _run("--lang", "es", "rate", FR, "--origin", "CHN", "--as-of", "2025-03-10")
    assert " * tasa general (LIGIE): 5 [elegida]" in out
    assert "elegida: tasa general (LIGIE) 5 %" in out and "Regla 8ª: -" in out
    assert "MFN" not in out and "REGLA8" not in out
    factor = _run("--lang", "es", "inpc", "factor", "2024-05", "2025-02")
    assert "factor 1.0298 (truncado)" in factor and "truncate" not in factor
    rounded = _run("--lang", "en", "inpc", "factor", "2024-05", "2025-02", "--rounding", "round")
    assert "(rounded)" in rounded


def test_one_program_label_for_every_program() -> None:
    assert tr(program_name("MFN"), "es") == "tasa general (LIGIE)"
    assert tr(program_name("MFN"), "en") == "MFN (general rate)"
    assert tr(program_name("REGLA8", "9802.00.19"), "es") == "Regla 8ª 9802.00.19"
    assert tr(program_name("FTA:TMEC", "CAN,MEX,USA"), "es") == "T-MEC (CAN, MEX, USA)"
    assert tr(program_name("FTA:TLCUEM"), "en") == "TLCUEM"
    assert tr(program_key_name("PROSEC sector II"), "es") == "PROSEC sector II"
    assert tr(program_key_name("MFN"), "es") == "tasa general (LIGIE)"


@pytest.mark.parametrize(
    ("value", "kind", "shown"),
    [
        ("0E-8", MONEY, "0.00"),
        ("20277.7000", MONEY, "20,277.70"),
        ("1029.498829", MONEY, "1,029.50"),  # .50 goes down: the cents do not mislead
        ("1029.5004", MONEY, "1,029.5004"),  # .5004 goes up: the cents alone would mislead
        ("4624", PESOS, "4,624"),
        ("18.2293", FX, "18.2293"),
        ("20.1", FX, "20.1000"),
        ("1.0066", FACTOR, "1.0066"),
        ("1.015433300174444588613525943", QUOTIENT, "1.0154333002"),
        ("0E-12", "", "0"),
        ("16.00", "", "16"),
    ],
)
def test_figures_as_a_person_reads_them(value: str, kind: str, shown: str) -> None:
    assert figure(Decimal(value), kind) == shown
    if kind == MONEY:
        assert money(Decimal(value)) == shown


def test_notes_are_printed_whole_when_not_a_terminal(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A19: `immex whatif sell … | cat` printed "… y 1 más"."""
    items = [f"nota {i}" for i in range(9)]
    decide_cmds.print_lines("notas", items, limit=6)
    out = capsys.readouterr().out
    assert all(i in out for i in items) and "more" not in out and "más" not in out
    monkeypatch.setattr(type(console), "is_terminal", property(lambda self: True))
    decide_cmds.print_lines("notas", items, limit=6)
    out = capsys.readouterr().out
    assert "nota 5" in out and "nota 6" not in out and "3 more" in out


def test_expiry_plan_a3_not_applicable() -> None:
    """A23: no A3 way for a lot within its limit: 'not applicable', not 'closed'."""
    assert decide_cmds._way_cell({}, "regularization", "en") == "not applicable"
    assert decide_cmds._way_cell({}, "regularization", "es") == "no procede"


def test_tariff_rates_with_percent_and_history_ends_in_words() -> None:
    """C21."""
    show = _run("--lang", "es", "tariff", "show", "8542.31.03", "--as-of", "2025-06-01")
    assert "IGE 0 %" in show and "IGI al 2025-06-01: 0 % — LIGIE 2022" in show
    assert "sin fecha" in show and "abierto" in show
    assert "exportación 0" not in show and not re.search(r"^\?\s", show, re.M)
    group = _run("--lang", "es", "tariff", "show", "8471.80", "--as-of", "2025-06-01")
    assert "(Pza; IGI 0 %)" in group
    search = _run("--lang", "es", "tariff", "search", "circuitos integrados", "--limit", "2")
    assert "relevancia" in search and "puntaje" not in search and " 0 % " in search
    en = _run("--lang", "en", "tariff", "show", "8542.31.03", "--as-of", "2025-06-01")
    assert "IGE 0 %" in en and "no date" in en and "open" in en


def test_the_demo_workbook_names_programs_and_policies_in_spanish() -> None:
    """B2–B7 in the demo's Spanish workbook (the F4 and 63-A traces, the F4 and savings
    tables): no program or policy code, no English legal basis."""
    from openpyxl import load_workbook

    from tests.support_demo import demo_run

    wb = load_workbook(demo_run().reports["xlsx"], read_only=True)
    cells = [
        c
        for ws in wb.worksheets
        if "traza" in ws.title or "F4" in ws.title or "Ahorros" in ws.title
        for row in ws.iter_rows(values_only=True)
        for c in row
        if isinstance(c, str)
    ]
    assert any(c.startswith("opción: ") for c in cells)
    assert "tasa general (LIGIE)" in cells
    assert any("mín(" in c for c in cells) and any("T-MEC art. 2.5" in c for c in cells)
    bad = re.compile(
        r"\bMFN\b|REGLA8|FTA:|entry_date|change_date|\btruncate\b|opción de tasa|USMCA|"
        r"min\(MX|\bmax\(|programa de TMEC"
    )
    assert [c for c in cells if bad.search(c)] == []
    formulas = [c for c in cells if " × " in c or " / " in c]
    assert formulas and not [c for c in formulas if re.search(r"\d\.\d{11,}|E-\d", c)]


def test_whatif_rules_of_a_return_to_a_usmca_partner_name_the_t_mec() -> None:
    from immex.domain.whatif import Route

    assert tr(Route.USMCA_EXPORT.rules, "es").startswith("LA 63-A; T-MEC art. 2.5; reglas U-1")
    assert Route.USMCA_EXPORT.rules.startswith("LA 63-A; USMCA art. 2.5; RULES U-1")
