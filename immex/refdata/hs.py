"""Builder of the HS 2022 nomenclature table (6-digit, English) from ``hs/``."""

from __future__ import annotations

import csv
from pathlib import Path

from immex.refdata.framework import BuiltTable, source_file, write_csv

HS_REL = "hs/harmonized-system.csv"
SECTIONS_REL = "hs/sections.csv"
AS_OF = "HS2022"
ATTRIBUTION = "datasets/harmonized-system @905e5a0 (UN Comtrade), ODC-PDDL (public domain)"


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


def build(source: Path, out: Path) -> list[BuiltTable]:
    """Write ``hs2022.csv`` (sections, chapters, headings, subheadings) under ``out``."""
    items = _rows(source / HS_REL)
    sections = _rows(source / SECTIONS_REL)
    rows: list[list[str]] = []
    for s in sections:
        rows.append([s["section"], "section", "", s["section"], s["name"].strip()])
    for r in items:
        if not r["hscode"].isdigit():
            continue  # the "TOTAL" pseudo-row is not part of the nomenclature
        rows.append(
            [r["hscode"], f"level{r['level']}", r["parent"], r["section"], r["description"].strip()]
        )
    rank = {"section": 0, "level2": 1, "level4": 2, "level6": 3}
    rows.sort(key=lambda r: (rank.get(r[1], 9), r[0]))
    rows = [
        [
            code,
            {
                "section": "section",
                "level2": "chapter",
                "level4": "heading",
                "level6": "subheading",
            }.get(level, level),
            parent,
            sec,
            desc,
        ]
        for code, level, parent, sec, desc in rows
    ]
    n = write_csv(out / "hs2022.csv", ["code", "level", "parent", "section", "description"], rows)
    srcs = (
        source_file(source, HS_REL, AS_OF, ATTRIBUTION),
        source_file(source, SECTIONS_REL, AS_OF, ATTRIBUTION),
    )
    return [
        BuiltTable(
            "hs2022.csv",
            n,
            srcs,
            AS_OF,
            "HS 2022 nomenclature: sections, chapters, 4- and 6-digit codes (English)",
        )
    ]
