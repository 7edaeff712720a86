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
