"""The rules an output cites, with their text, citations and confidence (immex rules)."""

from __future__ import annotations

from collections.abc import Iterable

from immex.domain.errors import NotFound
from immex.domain.messages import Template
from immex.refdata.rulebook import Rule, cited_ids, load_rules

NO_RULE = Template(
    "rules.no_rule",
    "no rule {rule_id} in the rule book; {known} (see `immex rules`)",
)


__all__ = ["Rule", "all_rules", "get_rule", "rules_cited"]


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
