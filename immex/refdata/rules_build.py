"""Compile the domain rules (``shared/domain/RULES.md``) into ``rules.csv``.

Every rule an output cites ("RULES C-3", "U-2", "I-4") must resolve, in the product, to
its text, its legal citations and its confidence. The source is the project's rule book:
one Markdown table per section (``| id | rule | conf |``). The builder keeps the rule text
as written (Markdown emphasis removed), lists the legal references the text names (LA,
RLA, CFF, LFD, LIVA, LIGIE, RGCE articles and rules, decree articles, DOF dates, USMCA
articles) and refuses a duplicated id or an unknown confidence.
"""

from __future__ import annotations

import re
from pathlib import Path

from immex.domain.errors import BatchError, ErrorRecord
from immex.domain.messages import Template
from immex.refdata.framework import BuiltTable, SourceFile, source_file, write_csv

#: relative to the ``shared/data`` source root
RULES_REL = "../domain/RULES.md"
TABLE = "rules.csv"
HEADER = ("id", "section", "confidence", "text", "citations")

_SECTION = re.compile(r"^##\s+(\d+)\.\s+(.*)$")
_ROW = re.compile(r"^\|\s*([A-Z]-\d+[a-z]?)\s*\|(.*)\|\s*([^|]*?)\s*\|\s*$")
_CONFIDENCE = re.compile(r"^[HML](?:[-/][HML])?(?:\b.*)?$")
_NUM = r"\d+(?:-(?:[IVX]+|[A-Z]))?(?:-[IVX]+)?"
_CITATION = re.compile(
    r"\b(?:"
    rf"(?:LA|RLA|CFF|LFD|LIVA|LIGIE|LIF)(?: \d{{4}})?(?: art\.)? {_NUM}(?:(?:/|, ){_NUM})*"
    r"(?: (?:fr\.|¶)\s?[IVX\d]+)?"
    r"|RGCE(?: \d+(?:\.\d+)+| Annex \d+)"
    r"|(?:(?:IMMEX |PROSEC )?Decree|Decreto(?: IMMEX| PROSEC)?) arts?\. \d+(?:(?:, | / )\d+)*"
    r"|DOF \d{2}-\d{2}-\d{4}"
    r"|USMCA(?: art\.)? \d+\.\d+"
    r")"
)
#: a bare "(art. 8)" / "(arts. 2, 4)" in a section about one decree cites that decree
_BARE_ARTICLE = re.compile(r"\((arts?\. \d+(?:, \d+)*)[ )]")
#: by the rule id's letter: I- rules are about the IMMEX decree, P- rules the PROSEC decree
_DECREE_OF = {"I": "Decreto IMMEX", "P": "Decreto PROSEC"}


def _plain(text: str) -> str:
    return re.sub(r"\*\*(.*?)\*\*|\*(.*?)\*", lambda m: m.group(1) or m.group(2) or "", text)


def citations(text: str, section: str = "", rule_id: str = "") -> list[str]:
    """The legal references a rule's text names, in order, without repeats; a bare article
    of a decree's section names that decree; none at all: the section heading's source."""
    seen: list[str] = []
    found = [(m.start(), m.group(0).strip()) for m in _CITATION.finditer(text)]
    decree = _DECREE_OF.get(rule_id[:1])
    if decree:
        found += [(m.start(), f"{decree} {m.group(1)}") for m in _BARE_ARTICLE.finditer(text)]
    for _pos, ref in sorted(found):
        if ref not in seen:
            seen.append(ref)
    if not seen and section:
        # the section's own source: its heading's "(Decreto …, DOF …)" or the references it names
        inner = section[section.index("(") + 1 : section.rindex(")")] if "(" in section else ""
        if "Decreto" in inner or "DOF" in inner:
            seen.append(inner)
        else:
            seen.extend(ref for _pos, ref in ((m.start(), m.group(0)) for m in
                        _CITATION.finditer(section)))  # fmt: skip
    return seen


TWICE = Template("refdata.build.rule_twice", "rule {rule} is defined twice")
BAD_CONFIDENCE = Template(
    "refdata.build.rule_bad_confidence",
    "rule {rule}: confidence {confidence} is not H, M or L (optionally H/M, M-H, L — note)",
)
NO_ROWS = Template("refdata.build.no_rule_rows", "no rule rows (| id | rule | conf |) found")


def parse_rules(text: str, where: str = RULES_REL) -> list[tuple[str, str, str, str, str]]:
    """(id, section, confidence, text, citations joined by "; ") for every table row."""
    rows: list[tuple[str, str, str, str, str]] = []
    errors: list[ErrorRecord] = []
    section = ""
    ids: set[str] = set()
    for line_no, line in enumerate(text.splitlines(), start=1):
        heading = _SECTION.match(line)
        if heading:
            section = f"{heading.group(1)}. {heading.group(2).strip()}"
            continue
        match = _ROW.match(line)
        if not match:
            continue
        rule_id, body, confidence = match.group(1), match.group(2).strip(), match.group(3)
        if rule_id in ids:
            errors.append(ErrorRecord(where, line_no, "id", TWICE(rule=rule_id)))
            continue
        if not _CONFIDENCE.match(confidence):
            errors.append(
                ErrorRecord(where, line_no, "conf",
                            BAD_CONFIDENCE(rule=rule_id, confidence=repr(confidence)))
            )  # fmt: skip
            continue
        ids.add(rule_id)
        plain = _plain(body)
        rows.append(
            (rule_id, section, confidence, plain, "; ".join(citations(plain, section, rule_id)))
        )
    if errors:
        raise BatchError(errors)
    if not rows:
        raise BatchError([ErrorRecord(where, 0, "", NO_ROWS())])
    return sorted(rows, key=lambda r: (r[0][0], int(re.sub(r"\D", "", r[0])), r[0]))


def rules_source(source: Path) -> SourceFile:
    """The rule book as a source of a built table (this table's and any that rests on it)."""
    return source_file(
        source,
        RULES_REL,
        "wave 2 edition",
        "the immex project's rule book, written from the laws it cites (confidence per rule); "
        "licence: the project's own",
    )


def build(source: Path, out: Path) -> list[BuiltTable]:
    path = (source / RULES_REL).resolve()
    rows = parse_rules(path.read_text(encoding="utf-8"))
    count = write_csv(out / TABLE, HEADER, rows)
    src = rules_source(source)
    return [
        BuiltTable(
            TABLE,
            count,
            (src,),
            "wave 2 edition",
            "domain rules with their legal citations and confidence",
        )
    ]
