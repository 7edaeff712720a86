"""The rules an output cites, with their text, citations and confidence (immex rules)."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable

from immex.domain.errors import NotFound
from immex.domain.messages import Template
from immex.domain.rule_cite import citation_msg, confidence_msg
from immex.refdata.rulebook import Rule, cited_ids, load_rules
from immex.reports.i18n import tr

NO_RULE = Template(
    "rules.no_rule",
    "no rule {rule_id} in the rule book; {known} (see `immex rules`)",
)


__all__ = [
    "Rule",
    "all_rules",
    "get_rule",
    "rule_citations",
    "rule_confidence",
    "rule_message",
    "rule_section",
    "rule_shown",
    "rule_text",
    "rules_cited",
]


def _declare() -> tuple[dict[str, Template], dict[str, Template]]:
    """The rule book's texts and section headings as messages of the catalog: the English is
    the rule book's own wording (``rules.csv``, built from RULES.md — a test fails when the
    book changes and the catalog did not follow), the Spanish its translation."""
    texts = {r.id: Template(f"rule.{r.id}.text", r.text) for r in load_rules().values()}
    sections = {
        r.section: Template(f"rule.section.{r.section.split('.', 1)[0]}", r.section)
        for r in load_rules().values()
    }
    return texts, sections


RULE_TEXTS, RULE_SECTIONS = _declare()


def rule_message(rule: Rule) -> str:
    """The rule's text as a message of the catalog (a report shows it in its language)."""
    message = RULE_TEXTS.get(rule.id)
    return message() if message else rule.text


def rule_text(rule: Rule, lang: str) -> str:
    """The rule's text in ``lang`` (the rule book's English when it has no translation)."""
    message = RULE_TEXTS.get(rule.id)
    return str(tr(message(), lang)) if message else rule.text


#: a heading that names a stage of the project, not a subject ("7. Added for wave 2")
_PROJECT_STAGE = re.compile(r"\bwave\b", re.IGNORECASE)
ADDITIONAL = Template("rules.section_additional", "Additional rules")


def shown_section(rule: Rule) -> str:
    """The section a reader finds the rule under: its own; a rule of a section named after
    a stage of the project under the subject section of its family (I-12 with the IMMEX
    rules, C-10 with the change of regime), the rule book's section holding most rules of
    its letter; "" when its family has none (A-1, T-1)."""
    if not _PROJECT_STAGE.search(rule.section):
        return rule.section
    family = Counter(
        r.section for r in load_rules().values()
        if r.id[:1] == rule.id[:1] and not _PROJECT_STAGE.search(r.section)
    )  # fmt: skip
    return family.most_common(1)[0][0] if family else ""


def rule_section(rule: Rule, lang: str) -> str:
    """The rule's section heading in ``lang`` (see :func:`shown_section`)."""
    section = shown_section(rule)
    if not section:
        return str(tr(ADDITIONAL(), lang))
    message = RULE_SECTIONS.get(section)
    return str(tr(message(), lang)) if message else section


def rule_citations(rule: Rule, lang: str, sep: str = "; ") -> str:
    """The rule's legal citations as ``lang`` writes them ("art. 4 del Decreto IMMEX")."""
    return sep.join(str(tr(citation_msg(c, rule.id), lang)) for c in rule.citations)


def rule_confidence(rule: Rule, lang: str) -> str:
    """The rule's confidence as ``lang`` shows it ("Alta (texto) / Media (interpretación)")."""
    return str(tr(confidence_msg(rule.confidence, title=True), lang))


def rule_shown(rule: Rule, lang: str) -> dict[str, object]:
    """The rule as a reader of ``lang`` sees it (``immex rules --json``: "shown", next to
    the rule book's canonical English fields)."""
    return {
        "lang": lang,
        "section": rule_section(rule, lang),
        "confidence": rule_confidence(rule, lang),
        "text": rule_text(rule, lang),
        "citations": [str(tr(citation_msg(c, rule.id), lang)) for c in rule.citations],
    }


def all_rules() -> list[Rule]:
    return list(load_rules().values())


def get_rule(rule_id: str) -> Rule:
    key = rule_id.strip().upper().removeprefix("RULES").strip()
    key = key[:-1] + key[-1].lower() if key and key[-1].isalpha() and key[-2:-1].isdigit() else key
    rules = load_rules()
    if key in rules:
        return rules[key]
    same = [r for r in rules if r.startswith(key[:1] + "-")]
    known = f"rules {key[:1]}-: {', '.join(same)}" if same else f"known rules: {', '.join(rules)}"
    raise NotFound(NO_RULE(rule_id=repr(rule_id), known=known), field="rule")


def rules_cited(texts: Iterable[str]) -> list[Rule]:
    """The rules a set of outputs cite ("RULES C-3", "RULES U-2, U-4"), in order of first
    mention — for the appendix of a report. An id the book lacks is an error: an output
    must never cite a rule the product cannot show."""
    seen: list[str] = []
    for text in texts:
        for rule_id in cited_ids(text):
            if rule_id not in seen:
                seen.append(rule_id)
    return [get_rule(rule_id) for rule_id in seen]
