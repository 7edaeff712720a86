"""The rule book ships with the product: every rule an output cites resolves to its text,
its legal citations and its confidence (``immex rules``)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from immex.cli.main import app
from immex.domain.errors import BatchError, NotFound
from immex.refdata.rulebook import cited_ids, load_rules
from immex.refdata.rules_build import citations, parse_rules
from immex.services.refdata.rules import get_rule, rules_cited

ROOT = Path(__file__).resolve().parents[1]
runner = CliRunner()


def test_every_rule_the_code_cites_is_in_the_book() -> None:
    cited: dict[str, list[str]] = {}
    for path in sorted((ROOT / "immex").rglob("*")):
        if path.suffix not in {".py", ".j2", ".html", ".yaml"} or "data" in path.parts:
            continue
        for rule_id in cited_ids(path.read_text(encoding="utf-8")):
            cited.setdefault(rule_id, []).append(str(path.relative_to(ROOT)))
    assert len(cited) >= 15  # the engine cites many rules; a broken scan finds none
    book = load_rules()
    missing = {rule_id: where for rule_id, where in cited.items() if rule_id not in book}
    assert missing == {}


def test_a_rule_has_text_citations_and_confidence() -> None:
    rule = get_rule("C-3")
    assert rule.confidence.startswith("H")
    assert rule.citations == ("LA 56", "LA 93", "CFF 20")
    assert "entry_date" in rule.text and "**" not in rule.text
    assert get_rule("rules c-8B").id == "C-8b"
    assert get_rule("I-6").citations == ("RGCE 7.3.3",)
    assert get_rule("C-10").citations == ("LFD 49",)


def test_unknown_rule_names_the_known_ones() -> None:
    with pytest.raises(NotFound) as err:
        get_rule("C-99")
    assert "C-3" in str(err.value) and "I-6" not in str(err.value)


def test_rules_cited_in_order_of_first_mention() -> None:
    texts = ["rate chosen (RULES C-4, U-3)", "see RULES C-3", "again RULES C-4"]
    assert [r.id for r in rules_cited(texts)] == ["C-4", "U-3", "C-3"]
    with pytest.raises(NotFound):
        rules_cited(["RULES Q-1"])


def test_citations_found_in_rule_text() -> None:
    assert citations("LA 182-II/183-II (spontaneous)") == ["LA 182-II/183-II"]
    assert citations("16% (LIVA 1, 24, 27); credit (LIVA 28-A)") == ["LIVA 1, 24, 27", "LIVA 28-A"]
    assert citations("report by April (art. 8)", rule_id="P-5") == ["Decreto PROSEC art. 8"]
    assert citations("nothing here") == []


def test_builder_refuses_duplicates_and_unknown_confidence() -> None:
    ok = "## 1. IMMEX (Decreto IMMEX, DOF 01-11-2006)\n| id | rule | conf |\n|---|---|---|\n"
    assert [r[0] for r in parse_rules(ok + "| I-1 | x (LA 108) | H |\n")] == ["I-1"]
    with pytest.raises(BatchError) as err:
        parse_rules(ok + "| I-1 | a | H |\n| I-1 | b | M |\n")
    assert "defined twice" in err.value.errors[0].message
    with pytest.raises(BatchError) as err:
        parse_rules(ok + "| I-2 | a | maybe |\n")
    assert "confidence" in err.value.errors[0].message
    with pytest.raises(BatchError):
        parse_rules("no tables\n")


def test_cli_rules() -> None:
    one = runner.invoke(app, ["rules", "U-2"])
    assert one.exit_code == 0, one.output
    assert "U-2  [M]  USMCA 2.5" in one.output and "max(0, MX duty" in one.output
    every = runner.invoke(app, ["rules", "--json"])
    assert every.exit_code == 0
    ids = [r["id"] for r in json.loads(every.output)]
    assert len(ids) == len(load_rules()) and "T-1" in ids
    bad = runner.invoke(app, ["rules", "X-1"])
    assert bad.exit_code == 2 and "no rule 'X-1'" in bad.output


# ------------------------------------------------------------- as a reader sees them


def test_a_rule_citation_reads_rule_in_english_and_regla_in_spanish() -> None:
    from immex.domain.messages import Msg
    from immex.domain.rule_cite import cite, show_citations
    from immex.reports.i18n import tr

    msg = Msg("test.rules.cited", "see (RULES P-3, P-6), RULES C-3 and RULES C-1 … C-9", {})
    assert tr(msg, "es") == "see (reglas P-3 y P-6), regla C-3 and reglas C-1 … C-9"
    assert tr(msg, "en") == "see (rules P-3 and P-6), rule C-3 and rules C-1 … C-9"
    assert msg == "see (RULES P-3, P-6), RULES C-3 and RULES C-1 … C-9"  # JSON keeps it
    assert tr(cite("C-1", "C-4", "I-12"), "es") == "reglas C-1, C-4 e I-12"
    # a plain text passed as a field (bundled data: "… (RULES I-10)") reads the same way
    field = Msg("test.rules.field", "flagged ({source})", {"source": "DOF 19-12-2024 (RULES I-10)"})
    assert tr(field, "es") == "flagged (DOF 19-12-2024 (regla I-10))"
    # read back: a form the book does not write stays as written
    assert show_citations("RULES C-3 and C-4", lambda m: "x") == "RULES C-3 and C-4"
    assert show_citations("RULES C-3, C-4", lambda m: "reglas C-3 y C-5") == "RULES C-3, C-4"
    assert show_citations("RULES C-3", lambda m: "artículo 3") == "RULES C-3"
    assert show_citations("RULES.md §5", lambda m: "x") == "RULES.md §5"
    # the appendix finds a rule in either form
    assert cited_ids("(reglas P-3 y P-6); rule C-3; RULES U-2") == ["P-3", "P-6", "C-3", "U-2"]


def test_confidence_and_citations_read_in_the_language() -> None:
    from immex.domain.rule_cite import citation_msg, confidence_msg
    from immex.reports.i18n import tr

    def es(conf: str) -> str:
        return str(tr(confidence_msg(conf, title=True), "es"))

    assert es("H") == "Alta" and es("M") == "Media" and es("M-H") == "Media-alta"
    assert es("H text / M reading") == "Alta (texto) / Media (interpretación)"
    assert es("H structure / M amounts") == "Alta (estructura) / Media (montos)"
    assert es("H (observed)") == "Alta (observado)" and es("M/L") == "Media/Baja"
    assert es("L — parameter, off by default") == "Baja — parámetro, desactivado por omisión"
    assert es("H (I–XXII) / M") == "Alta (I–XXII) / Media"
    assert tr(confidence_msg("M"), "es") == "media"  # in a sentence: "confianza media"
    assert es("H maybe") == "H maybe" and es("Q") == "Q"  # not parsed: as written
    for rule in load_rules().values():  # English: the rule book's own text
        assert tr(confidence_msg(rule.confidence, title=True), "en") == rule.confidence
        for c in rule.citations:
            assert tr(citation_msg(c, rule.id), "en") == c

    def cites(rule_id: str) -> list[str]:
        return [str(tr(citation_msg(c, rule_id), "es")) for c in get_rule(rule_id).citations]

    assert cites("I-2") == ["art. 4 del Decreto IMMEX", "LA 108"]
    assert cites("I-11") == ["arts. 3 y 11 del Decreto IMMEX"]
    assert cites("I-12") == ["art. 25 del Decreto IMMEX", "art. 8 del Decreto PROSEC"]
    assert cites("P-1") == ["arts. 2 y 4 del Decreto PROSEC"]
    assert cites("P-3") == ["Decreto PROSEC, DOF 02-08-2002 y sus reformas"]
    assert cites("U-2") == ["T-MEC art. 2.5"] and cites("U-4") == ["T-MEC art. 2.5", "LA 63-A"]
    assert tr(citation_msg("Treaty of Rome"), "es") == "Treaty of Rome"  # unknown form


def test_cli_rules_in_spanish_and_its_json() -> None:
    out = runner.invoke(app, ["--lang", "es", "rules"])
    assert out.exit_code == 0, out.output
    assert "C-3  [Alta (texto) / Media (interpretación)]  LA 56; LA 93; CFF 20" in out.output
    assert "I-2  [Alta]  art. 4 del Decreto IMMEX; LA 108" in out.output
    assert "U-2  [Media]  T-MEC art. 2.5" in out.output
    assert "fecha de entrada (LA 56; predeterminado)" in out.output
    assert "`entry_date`" not in out.output
    assert "truncado (predeterminado) o redondeado" in out.output
    assert "segunda etapa" not in out.output and "as amended" not in out.output
    assert "I-12  [Media]  art. 25 del Decreto IMMEX; art. 8 del Decreto PROSEC  — 1. IMMEX" in (
        out.output
    )  # a rule of the book's "wave 2" section under its subject
    assert "T-1  [Media]  DOF 29-12-2025  — Reglas adicionales" in out.output
    one = json.loads(runner.invoke(app, ["--lang", "es", "rules", "I-4", "--json"]).output)
    assert one["confidence"] == "H/M" and one["text"].startswith("Past the limit")  # canonical
    assert one["shown"]["lang"] == "es" and one["shown"]["confidence"] == "Alta/Media"
    assert one["shown"]["text"].startswith("Vencido el plazo")
    assert one["shown"]["section"].endswith("y sus reformas; LA 108)")


def test_the_spanish_demo_report_cites_reglas_and_translates_the_appendix() -> None:
    """B1/A16: no "RULES …" anywhere in the Spanish workbook, PDF or HTML (traces, warnings,
    notes, bundled sources); the appendix's certainty and citations in Spanish."""
    from openpyxl import load_workbook

    from immex.reports.i18n import t
    from immex.reports.xlsx import sheet_title
    from tests.support_demo import demo_run

    pypdf = pytest.importorskip("pypdf")
    s = demo_run()
    wb = load_workbook(s.reports["xlsx"], read_only=True)
    cells = [
        c
        for ws in wb.worksheets
        for row in ws.iter_rows(values_only=True)
        for c in row
        if isinstance(c, str)
    ]
    assert [c for c in cells if "RULES" in c] == []
    assert any("(reglas P-3 y P-6)" in c for c in cells)  # a trace's reference
    appendix = [
        [c for c in r if c is not None]
        for r in wb[sheet_title(t("sec.rules", "es"))].iter_rows(values_only=True)
    ]
    by_id = {r[0]: r for r in appendix if r and isinstance(r[0], str) and r[0][:2] in _FAMILIES}
    assert by_id["C-3"][2:] == ["LA 56; LA 93; CFF 20", "Alta (texto) / Media (interpretación)"]
    assert by_id["U-2"][2:] == ["T-MEC art. 2.5", "Media"]
    assert by_id["P-3"][2:] == ["Decreto PROSEC, DOF 02-08-2002 y sus reformas", "Media"]
    pdf = "\n".join(p.extract_text() for p in pypdf.PdfReader(str(s.reports["pdf"])).pages)
    assert "RULES" not in pdf and "Media-alta" in pdf
    html = Path(s.reports["html"]).read_text(encoding="utf-8")
    assert "RULES " not in html and "regla U-2" in html


_FAMILIES = {"A-", "C-", "I-", "P-", "T-", "U-"}


def test_a_basis_of_citations_reads_in_the_language() -> None:
    from immex.domain.rule_cite import basis_msg
    from immex.reports.i18n import tr

    basis = basis_msg("LA 63-A; USMCA 2.5; RULES U-1, U-2, U-3, U-4")
    assert basis == "LA 63-A; USMCA 2.5; RULES U-1, U-2, U-3, U-4"  # the Msg: as written
    assert tr(basis, "es") == "LA 63-A; T-MEC art. 2.5; reglas U-1, U-2, U-3 y U-4"
    assert tr(basis, "en") == "LA 63-A; USMCA 2.5; rules U-1, U-2, U-3 and U-4"
