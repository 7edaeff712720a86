"""What the reference-data build tools (`immex refdata build`, its --check, the builders of
the curated sources) tell a person, in the reader's language (issue 16): every error of a
bad source row located (file, line, column) and said in Spanish without an English
sentence; the counts in the form their number takes."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from immex.cli.main import app
from immex.domain.errors import BatchError, DataCoverageError
from immex.domain.messages import Msg
from immex.refdata import build as build_mod
from immex.refdata.annex_build import SOURCE_CSV, _read, compile_rows
from immex.refdata.params import compile_parameters
from immex.refdata.rules_build import parse_rules
from immex.refdata.series_build import read_fx, read_inpc
from immex.reports.i18n import record_text, tr
from immex.services.refdata import info as refdata_info
from tests.test_catalog_messages import english_sentences


def _told(err: BatchError) -> tuple[list[str], list[str]]:
    """The records of ``err`` in Spanish and in English; each a message of the catalog."""
    assert all(isinstance(e.message, Msg) for e in err.errors), err.errors
    return [record_text(e, "es") for e in err.errors], [record_text(e, "en") for e in err.errors]


def _messages(err: BatchError, lang: str) -> list[str]:
    return [str(tr(e.message, lang)) for e in err.errors]


def test_a_bad_parameter_file_is_told_in_spanish_with_its_count() -> None:
    raw = {
        "parameters": {
            "dta.rate": {
                "type": "number",
                "values": [
                    {"valid_from": "2025-01-01", "valid_to": "2024-01-01", "value": 8,
                     "confidence": "X"},
                    {"valid_from": "2025-13-01", "value": "8"},
                ],
            },
            "igi.empty": {"values": []},
        }
    }  # fmt: skip
    with pytest.raises(BatchError) as info:
        compile_parameters(raw, "parameters.yaml")
    es, en = _told(info.value)
    n = len(info.value.errors)
    assert n >= 4
    assert str(tr(info.value.message, "es")) == f"{n} errores en parameters.yaml"
    assert str(tr(info.value.message, "en")) == f"{n} errors in parameters.yaml"
    assert (
        "parameters.yaml: dta.rate.type: debe ser uno de decimal, text (se recibió 'number')" in es
    )
    assert any("dta.rate.values[1]: " in t and "AAAA-MM-DD" in t for t in es)
    assert "parameters.yaml: igi.empty: sin valores" in es
    assert "parameters.yaml: igi.empty: no values" in en
    assert english_sentences(_messages(info.value, "es")) == []
    one = {"parameters": {"x": {"values": [{"valid_from": "2025-01-01", "value": "1",
                                            "confidence": "H"}]}}}  # fmt: skip
    with pytest.raises(BatchError) as info:
        compile_parameters(one, "p.yaml")
    assert str(tr(info.value.message, "es")) == "1 error en p.yaml"  # the source missing
    assert str(tr(info.value.message, "en")) == "1 error in p.yaml"


def test_a_bad_rule_book_and_bad_series_are_told_in_spanish(tmp_path: Path) -> None:
    head = "## 1. IMMEX (Decreto IMMEX, DOF 01-11-2006)\n| id | rule | conf |\n|---|---|---|\n"
    with pytest.raises(BatchError) as info:
        parse_rules(head + "| I-1 | a | H |\n| I-1 | b | M |\n| I-2 | c | maybe |\n", "RULES.md")
    es, _en = _told(info.value)
    assert es[0] == "RULES.md:5: id: la regla I-1 está definida dos veces"
    assert es[1].startswith("RULES.md:6: conf: regla I-2: la confianza 'maybe' no es H, M ni L")
    with pytest.raises(BatchError) as info:
        parse_rules("no tables\n", "RULES.md")
    assert "no se encontraron renglones de reglas" in _told(info.value)[0][0]
    fix = tmp_path / "fix.csv"
    fix.write_text("fecha,tipo_cambio\n2025-03-07,20.28\n2025-03-08,20.1\n2025-03-07,20.2\n"
                   "2025-03-10,x\n2025-3-11,20\n", encoding="utf-8")  # fmt: skip
    with pytest.raises(BatchError) as info:
        read_fx(fix, "fix.csv")
    es, en = _told(info.value)
    assert "fix.csv:3: fecha: FIX con fecha en fin de semana (se recibió '2025-03-08')" in es
    assert "fix.csv:4: fecha: fuera de orden o repetido (se recibió '2025-03-07')" in es
    assert "fix.csv:5: tipo_cambio: no es un tipo de cambio positivo (se recibió 'x')" in es
    assert "fix.csv:3: fecha: FIX dated on a weekend (got '2025-03-08')" in en
    assert english_sentences(_messages(info.value, "es")) == []
    inpc = tmp_path / "inpc.csv"
    inpc.write_text("year,month,valor\n2025,1,130.1\n2025,13,131\n2025,3,-1\n", encoding="utf-8")
    with pytest.raises(BatchError) as info:
        read_inpc(inpc, "inpc.csv")
    es, _en = _told(info.value)
    assert "inpc.csv:3: month: fuera de rango (se recibió '13')" in es
    assert any(t.startswith("inpc.csv:4: valor: no es un índice positivo") for t in es)


@pytest.mark.parametrize(
    ("change", "column", "spanish"),
    [
        ({"valid_from": "2024-13-19"}, "valid_from", "no es una fecha (AAAA-MM-DD)"),
        ({"valid_to": "2024-01-01"}, "valid_to", "termina antes de empezar"),
        ({"annex": "III"}, "annex", "se espera I o II"),
        ({"fraccion": "6x", "exceptions": ""}, "fraccion", "se espera un capítulo, partida"),
        ({"exceptions": "6217.90"}, "exceptions", "no está dentro del alcance del renglón 61"),
        ({"confidence": "H"}, "confidence", "la regla I-10 tiene confianza M"),
        ({"source": ""}, "source", "la fuente y el fundamento son obligatorios"),
    ],
)
def test_a_bad_annex_row_is_told_in_spanish(change: dict[str, str], column: str,
                                            spanish: str) -> None:  # fmt: skip
    rows = _read(SOURCE_CSV)
    rules = {"I-10": ("M", rows[0]["quote"] + "; " + rows[-1]["quote"])}
    codes = {"61", "62", "63", "6117.90", "6217.90", "6302.91", "6302.93", "6302.99", "9404.40",
             "9404.90", "64.01", "64.02", "64.03", "64.04", "64.05"}  # fmt: skip
    rows[0] = {**rows[0], **change}
    with pytest.raises(BatchError) as info:
        compile_rows(rows, rules, codes)
    es, _en = _told(info.value)
    assert any(t.startswith(f"immex/refdata/sources/immex_annex.csv:2: {column}: {spanish}")
               for t in es), es  # fmt: skip
    assert english_sentences(_messages(info.value, "es")) == []


def test_the_build_says_a_missing_folder_and_a_skipped_builder_in_spanish(
    shared_data: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    with pytest.raises(DataCoverageError) as info:
        build_mod.build_all(tmp_path / "nada", tmp_path / "out")
    assert str(tr(info.value.message, "es")).startswith(
        "no se encontró la carpeta de fuentes de referencia:"
    )
    monkeypatch.setattr(
        build_mod, "BUILDERS",
        (("immex.refdata.series_build", "series"), ("immex.refdata.not_written_yet", "futuro")),
    )  # fmt: skip
    monkeypatch.setenv("IMMEX_LANG", "es")
    build_mod.build_all(shared_data, tmp_path / "out", note=refdata_info.say_warning)
    err = capsys.readouterr().err
    assert "ADVERTENCIA: el compilador immex.refdata.not_written_yet aún no está disponible" in err
    problems = build_mod.check(shared_data, tmp_path / "out")
    shown = [str(tr(p, "es")) for p in problems]
    assert "compilador omitido: immex.refdata.not_written_yet" in shown
    assert english_sentences(shown) == []


def test_refdata_info_counts_rows_in_the_right_form() -> None:
    res = CliRunner().invoke(app, ["--lang", "es", "refdata", "info"])
    assert res.exit_code == 0, res.output
    rows = [ln for ln in res.stdout.splitlines() if re.match(r"  \S+\.csv +\d", ln)]
    assert len(rows) > 10
    for ln in rows:
        n = int(re.findall(r"\.csv +(\d+) ", ln)[0])
        assert (" 1 fila   al " in ln) if n == 1 else (f" {n} filas  al " in ln), ln
