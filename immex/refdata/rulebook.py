"""The rule book shipped with the product (``immex/data/rules.csv``, from RULES.md)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from immex.refdata.framework import DATA_DIR, read_csv
from immex.refdata.rules_build import TABLE


@dataclass(frozen=True, slots=True)
class Rule:
    id: str
    section: str
    confidence: str
    text: str
    citations: tuple[str, ...]


@lru_cache(maxsize=1)
def load_rules() -> dict[str, Rule]:
    rules = {}
    for row in read_csv(DATA_DIR / TABLE):
        cites = tuple(c for c in row["citations"].split("; ") if c)
        rules[row["id"]] = Rule(row["id"], row["section"], row["confidence"], row["text"], cites)
    return rules


#: how outputs cite a rule: "RULES C-3", "RULES I-6", "(RULES U-2, U-4)", "C-8b"
_CITED = re.compile(r"\bRULES\s+((?:[A-Z]-\d+[a-z]?)(?:\s*(?:,|/|and|y)\s*[A-Z]-\d+[a-z]?)*)")
_ID = re.compile(r"[A-Z]-\d+[a-z]?")


def cited_ids(text: str) -> list[str]:
    """The rule ids a text cites with the word RULES, in order of first mention."""
    seen: list[str] = []
    for match in _CITED.finditer(text):
        for rule_id in _ID.findall(match.group(1)):
            if rule_id not in seen:
                seen.append(rule_id)
    return seen
