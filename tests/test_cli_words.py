"""The CLI's words for a person (review C17, B9, B13, B17, C27, C30, C31): amounts carry
their currency as ``MXN 24,530.00``, command placeholders and parameters are said in the
run's language, roles and part fields are words, not codes."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from types import SimpleNamespace
from typing import Any

import pytest
from typer.testing import CliRunner

from immex.cli import decide_cmds, job_cmds, part_cmds, rates_cmds
from immex.cli.common import command_text, parameter_text
from immex.cli.main import app
from immex.reports.i18n import tr, use_lang


def test_amounts_name_their_currency_before_the_figure() -> None:
    totals = job_cmds.F4_TOTALS(total="24,530.00", mfn="24,530.00", savings="0.00")
    assert tr(totals, "es") == (
        "total a pagar MXN 24,530.00 · solo a tasa general MXN 24,530.00 · ahorro MXN 0.00"
    )
    assert (
        tr(totals, "en")
        == "total to pay MXN 24,530.00 · at MFN only MXN 24,530.00 · savings MXN 0.00"
    )
    head = job_cmds.SAVINGS_HEAD(name="X", rfc="R", start="2025-03-01", end="2026-02-28",
                                 best="306,999.00", mfn="306,999.00", saved="0.00")  # fmt: skip
    assert tr(head, "es") == (
        "X (R), del 2025-03-01 al 2026-02-28: F4 a la tasa más baja aplicable MXN 306,999.00, "
        "a tasa general MXN 306,999.00, ahorro MXN 0.00"
    )
    assert tr(rates_cmds.F4_TOTAL(total="4,418", policy="p"), "es").startswith(
        "total a pagar: MXN 4,418"
    )
    assert "arancel mexicano MXN 41,001.22" in tr(
        job_cmds.DEMO_63A(n=6, owed="33,609.00", duty="41,001.22"), "es"
    )


def test_a_command_to_type_says_its_placeholders_in_the_runs_language() -> None:
    command = "immex rates load tariff FILE --in-force-from DATE --source TEXT"
    with use_lang("es"):
        assert command_text(command) == (
            "immex rates load tariff ARCHIVO --in-force-from FECHA --source TEXTO"
        )
        assert command_text("immex rates load fix FILE") == "immex rates load fix ARCHIVO"
    with use_lang("en"):
        assert command_text(command) == command


def test_a_parameter_says_what_it_is_before_its_key() -> None:
    with use_lang("es"):
        assert parameter_text("dta.immex_temporary_fee") == (
            "cuota fija del DTA, LFD 49-III (parámetro dta.immex_temporary_fee)"
        )
        assert parameter_text("no.such") == "no.such"
    with use_lang("en"):
        assert parameter_text("iva.rate") == "IVA rate, LIVA 1 (parameter iva.rate)"


def test_part_fields_are_words() -> None:
    assert part_cmds._field("kind", "input", "es") == "tipo: insumo"
    assert part_cmds._field("description", "Conector", "es") == "descripción: Conector"
    assert part_cmds._field("fraccion", "8536.69.99", "en") == "fracción: 8536.69.99"
    assert part_cmds._field("other", "x", "es") == "other: x"


def _option(dest: str) -> Any:
    zero = Decimal(0)
    return SimpleNamespace(
        destination=dest, key="F4", priced=True, igi=Decimal(803), dta=Decimal(201),
        iva=Decimal(4178), iva_credit=zero, total=Decimal(5182), cash_cost=Decimal(5182),
        total_mfn=Decimal(5182), savings=zero, programs=[], due_by=date(2026, 2, 20),
        rules="LA 109",
    )  # fmt: skip


def test_whatif_amount_rows_name_the_currency() -> None:
    table = decide_cmds._options_table([_option("MEX")], "MEX", "es")
    labels = list(table.columns[0].cells)
    assert labels[0] == "IGI actualizado / 63-A a pagar (MXN)"
    assert "IVA (MXN)" in labels
    assert labels[-3:] == ["Programas", "Fecha límite de pago", "Reglas"]  # not amounts


def test_prosec_advise_without_sectors_says_so_instead_of_an_empty_table(
    capsys: pytest.CaptureFixture[str],
) -> None:
    advice = SimpleNamespace(
        company_name="X", company_rfc="R", date_from=date(2025, 3, 1), date_to=date(2026, 2, 28),
        summary=lambda: "resumen", sectors=[], warnings=[], notes=[], data_used=[],
    )  # fmt: skip
    with use_lang("es"):
        decide_cmds._print_advice(advice)
    out = capsys.readouterr().out
    assert "ningún sector que comparar" in out
    assert "registrado" not in out  # no table header without rows


def test_user_grants_are_words(tmp_path, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("IMMEX_DB", raising=False)
    monkeypatch.setenv("IMMEX_USER", "installer")
    runner = CliRunner()
    assert runner.invoke(app, ["init"]).exit_code == 0
    res = runner.invoke(app, ["--lang", "es", "user", "add", "root@example.com", "--role", "admin"])
    assert res.exit_code == 0, res.output
    assert (
        "usuario root@example.com dado de alta: administrador en todas las empresas "
        "(cuenta activa)" in res.output
    )
