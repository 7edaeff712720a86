"""The rule book shipped with the product (``immex/data/rules.csv``, from RULES.md); how a
reader sees a rule cited, its confidence and its citations: :mod:`immex.domain.rule_cite`."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from immex.domain.rule_cite import cited_ids
from immex.refdata.framework import DATA_DIR, read_csv
from immex.refdata.rules_build import TABLE

__all__ = ["Rule", "cited_ids", "load_rules"]


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
