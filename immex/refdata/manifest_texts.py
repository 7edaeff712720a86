"""The manifest's texts a person reads (`immex refdata info`): each table's notes and each
source's attribution, in the reader's language by a stable key.

The builders write a table's notes in English through the templates below (the manifest and
the built data stay byte for byte what they were); :func:`table_note` finds a note's
template among those of its table (the table's file is the key), reads its fields back
from the note and returns the message, which the catalog shows in Spanish or English — the
manifest's own text when no template of the table says exactly that note. A source's
attribution (written from ``PROVENANCE.md``, not by code) is a message keyed by the
source's path, its English the bundled manifest's text: :func:`source_attribution`."""

from __future__ import annotations

import json
import re
from typing import Any

from immex.domain.messages import Template
from immex.refdata.framework import DATA_DIR

# -------------------------------------------------------------------- the tables' notes
UNIT_NAMES_DIFFER = Template(
    "refdata.note.unit_names_differ", "unit {unit}: SAT '{sat}' vs Annex 22 '{a22}'"
)
UNIT_NOT_IN_A22 = Template(
    "refdata.note.unit_not_in_a22", "unit {unit} {name}: not in Annex 22 appendix 7"
)
A22_CODE_NO_SAT = Template(
    "refdata.note.a22_code_no_sat", "Annex 22 appendix 7 code {code} has no SAT UMT code"
)
ALIAS_AMBIGUOUS = Template(
    "refdata.note.alias_ambiguous",
    "alias {alias} is ambiguous ({first} / {second}); kept the first",
)
ABBREVIATION_NOT_IN_RULE_5 = Template(
    "refdata.note.abbreviation_not_in_rule_5",
    "LIGIE abbreviation {abbreviation} not found in complementary rule 5ª",
)
COUNTRIES_LISTED = Template(
    "refdata.note.countries_listed",
    "Annex 22 appendix 4 transcription lists {a22} countries (incomplete); SAT lists {sat}",
)
COUNTRIES_A22_ONLY = Template("refdata.note.countries_a22_only", "in Annex 22 but not SAT: {codes}")
OFFICES_A22_ONLY = Template(
    "refdata.note.offices_a22_only", "aduanas in Annex 22 appendix 1 but not SAT: {codes}"
)
OFFICES_SAT_ONLY = Template(
    "refdata.note.offices_sat_only", "aduanas in SAT but not Annex 22 appendix 1: {codes}"
)
FX_SPAN = Template("refdata.note.fx_span", "{first} … {last}; the dates are the banking days")
KEYS_SUMMARY = Template(
    "refdata.note.keys_summary",
    "{ours} keys in the project's catalog, {a22} in Annex 22 appendix 2; {missing} of ours "
    "missing there, {only} only there (kept, ledger effect none)",
)
KEYS_READING = Template(
    "refdata.note.keys_reading",
    "regime and ledger effect per key are the project's reading of Annex 22 and RULES.md §5 "
    "(confidence M): verify before relying on them",
)
HISTORY_DATES = Template(
    "refdata.note.history_dates",
    "effective dates read from the decrees' transitory articles in the same file; unknown ends "
    "are marked in 'certainty', never guessed",
)

#: the templates of each table's notes (key: the table's file in the manifest)
TABLE_NOTES: dict[str, tuple[Template, ...]] = {
    "units.csv": (
        UNIT_NAMES_DIFFER,
        UNIT_NOT_IN_A22,
        A22_CODE_NO_SAT,
        ALIAS_AMBIGUOUS,
        ABBREVIATION_NOT_IN_RULE_5,
    ),
    "countries.csv": (COUNTRIES_LISTED, COUNTRIES_A22_ONLY),
    "customs_sections.csv": (OFFICES_A22_ONLY, OFFICES_SAT_ONLY),
    "fx_fix.csv": (FX_SPAN,),
    "pedimento_keys.csv": (KEYS_SUMMARY, KEYS_READING),
    "ligie_rate_history.csv": (HISTORY_DATES,),
}

_FIELD = re.compile(r"\{(\w+)\}")
_PATTERNS: dict[str, re.Pattern[str]] = {}


def _pattern(template: Template) -> re.Pattern[str]:
    """The note a template writes, as a pattern that reads its fields back."""
    found = _PATTERNS.get(template.key)
    if found is None:
        pieces = _FIELD.split(template.english)  # text, field, text, field, … text
        found = re.compile(
            "".join(re.escape(p) if i % 2 == 0 else f"(?P<{p}>.+?)" for i, p in enumerate(pieces)),
            re.DOTALL,
        )
        _PATTERNS[template.key] = found
    return found


def table_note(table: str, note: str) -> str:
    """A note of the manifest's ``table`` as a catalog message (its fields read back from
    the note), or the note itself when no template of the table writes exactly it."""
    for template in TABLE_NOTES.get(table, ()):
        m = _pattern(template).fullmatch(note)
        if m is not None:
            message = template(**m.groupdict())
            if message == note:
                return message
    return note


# -------------------------------------------------------------- the sources' attributions
def _bundled(part: str) -> list[dict[str, Any]]:
    """The bundled manifest's ``sources`` or ``tables``."""
    path = DATA_DIR / "manifest.json"
    if not path.is_file():
        return []
    return list(json.loads(path.read_text(encoding="utf-8")).get(part, []))


#: each bundled source's attribution as a message of the catalog (key: the source's path)
ATTRIBUTIONS: dict[str, Template] = {
    str(s["path"]): Template(f"refdata.source.{s['path']}", str(s["attribution"]))
    for s in _bundled("sources")
    if s.get("attribution")
}


def source_attribution(path: str, attribution: str) -> str:
    """A source's attribution in the catalog's words (the manifest's own text when it is
    not the bundled one)."""
    template = ATTRIBUTIONS.get(path)
    if template is not None and template.english == attribution:
        return template()
    return attribution


def note_messages(table: str, notes: list[str]) -> list[str]:
    """Every note of ``table`` (see :func:`table_note`)."""
    return [table_note(table, n) for n in notes]


# ------------------------------------------------------------------------ the as-of texts
_WORDS = re.compile(r"\b[a-z]{3,}\b")  # "last reform DOF …", not "≈2024", "HS2022", "DOF …"


def source_as_of_key(path: str) -> str:
    """The catalog key of a source's as-of text (as :func:`immex.refdata.bundled.as_of_key`)."""
    return f"refdata.source.as_of.{path}"


#: the as-of texts that are words, of each bundled source (key: its path) and table (its file)
SOURCE_AS_OF: dict[str, Template] = {
    str(s["path"]): Template(source_as_of_key(str(s["path"])), str(s["as_of"]))
    for s in _bundled("sources")
    if _WORDS.search(str(s.get("as_of", "")))
}
TABLE_AS_OF: dict[str, Template] = {
    str(t["file"]): Template(f"refdata.table.as_of.{t['file']}", str(t["as_of"]))
    for t in _bundled("tables")
    if _WORDS.search(str(t.get("as_of", "")))
}


def as_of_text(table: str | None, source: str | None, text: str) -> str:
    """A table's (or a source's) as-of in the catalog's words; the manifest's own text when
    it is dates only or not the bundled one."""
    template = TABLE_AS_OF.get(table or "") if table else SOURCE_AS_OF.get(source or "")
    if template is not None and template.english == text:
        return template()
    return text
