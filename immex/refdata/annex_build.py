"""Compile the bundled IMMEX Decree Annex I rows (``sources/immex_annex.csv``) into
``immex_annex.csv``, and read them back at run time (:func:`load_annex_rows`).

The decree annexes themselves are not in ``../shared/data`` (PROVENANCE.md: known gap); what
the project knows of them is rule I-10 of its rule book (``shared/domain/RULES.md``:
consultants' and press summaries of the DOF decrees, confidence M). Each curated row names
the rule it rests on and quotes its words; the builder refuses a row whose rule is not in the
rule book, whose quote is not in the rule's text, whose confidence differs from the rule's,
whose start date is not the one the quote states (``in force DD-MM-YYYY``, else the DOF
date, said so in ``basis``), or whose chapter, heading or subheading (and exceptions) is not
in the bundled LIGIE — so no fracción enters the table that the shared material does not
state. Annex II, I BIS and I TER have no rows: nothing in the shared material lists them
(users load them with ``immex rates load immex-annex``).
"""

from __future__ import annotations

import csv
import re
from datetime import date
from functools import lru_cache
from pathlib import Path

from immex.domain.dated import CONFIDENCE_LEVELS
from immex.domain.errors import BatchError, ErrorRecord
from immex.domain.immex_annex import Annex, AnnexRow
from immex.domain.messages import Msg, Template
from immex.refdata.framework import DATA_DIR, BuiltTable, SourceFile, sha256_file, write_csv
from immex.refdata.rules_build import RULES_REL, parse_rules, rules_source

SOURCE_CSV = Path(__file__).resolve().parent / "sources" / "immex_annex.csv"
SOURCE_REL = "immex/refdata/sources/immex_annex.csv"
TABLE = "immex_annex.csv"
HEADER = (
    "fraccion", "annex", "valid_from", "valid_to", "source", "confidence", "exceptions",
    "note", "rule", "basis",
)  # fmt: skip
#: the LIGIE table the scopes are checked against (built before this builder runs)
HEADINGS = "ligie_headings.csv"

_DOF = re.compile(r"DOF (\d{2})-(\d{2})-(\d{4})")
NOT_A_DATE = Template("refdata.build.not_a_date", "not a date (YYYY-MM-DD)")
ENDS_BEFORE_START = Template("refdata.build.ends_before_start", "ends before it starts")
NO_DOF_DATE = Template("refdata.build.no_dof_date", "the quote states no DOF date")
QUOTE_STATES = Template("refdata.build.quote_states", "the quote states {day}")
NO_ENTRY_INTO_FORCE = Template(
    "refdata.build.no_entry_into_force",
    "the quote states no entry-into-force date: say that valid_from is the DOF publication date",
)
NOT_A_SCOPE = Template(
    "refdata.build.not_a_scope", "expected a chapter, heading, subheading or fracción"
)
NOT_IN_LIGIE = Template("refdata.build.not_in_ligie", "not in the bundled LIGIE")
OUTSIDE_SCOPE = Template("refdata.build.outside_scope", "not inside the row's scope {scope}")
NOT_AN_ANNEX = Template("refdata.build.not_an_annex", "expected I or II")
NOT_A_RULE = Template("refdata.build.not_a_rule", "not a rule of {rules}")
NOT_IN_RULE = Template("refdata.build.not_in_rule", "not in the text of rule {rule}")
RULE_CONFIDENCE = Template(
    "refdata.build.rule_confidence", "rule {rule} has confidence {confidence}"
)
NO_SOURCE_BASIS = Template("refdata.build.no_source_basis", "source and basis are required")
DUPLICATE = Template(
    "refdata.build.duplicate_annex_row", "duplicate row (same annex, scope and valid_from)"
)
BUILD_ORDER = Template(
    "refdata.build.order", "{headings} must be built before {table} (LIGIE builder first)"
)
_IN_FORCE = re.compile(r"in force (\d{2})-(\d{2})-(\d{4})")


def _dmy(match: re.Match[str]) -> date:
    return date(int(match.group(3)), int(match.group(2)), int(match.group(1)))


def heading_code(scope: str) -> str:
    """The code ``ligie_headings.csv`` uses: ``61``, ``64.01``, ``9404.40`` (8 digits kept)."""
    digits = scope.replace(".", "")
    if len(digits) == 4:
        return f"{digits[:2]}.{digits[2:]}"
    return scope


def _scope_ok(text: str) -> bool:
    return re.fullmatch(r"\d{2}|\d{4}|\d{4}\.\d{2}|\d{4}\.\d{2}\.\d{2}", text) is not None


def _check_dates(
    errors: list[ErrorRecord], line: int, row: dict[str, str], quote: str
) -> date | None:
    try:
        start = date.fromisoformat(row["valid_from"])
    except ValueError:
        errors.append(ErrorRecord(SOURCE_REL, line, "valid_from", NOT_A_DATE(), row["valid_from"]))
        return None
    try:
        end = date.fromisoformat(row["valid_to"]) if row["valid_to"] else None
    except ValueError:
        errors.append(ErrorRecord(SOURCE_REL, line, "valid_to", NOT_A_DATE(), row["valid_to"]))
        return None
    if end is not None and end < start:
        errors.append(ErrorRecord(SOURCE_REL, line, "valid_to", ENDS_BEFORE_START()))
    stated = _IN_FORCE.search(quote)
    dof = _DOF.search(quote)
    expected = _dmy(stated) if stated else (_dmy(dof) if dof else None)
    if expected is None:
        errors.append(ErrorRecord(SOURCE_REL, line, "quote", NO_DOF_DATE()))
    elif start != expected:
        message = QUOTE_STATES(day=expected.isoformat())
        errors.append(ErrorRecord(SOURCE_REL, line, "valid_from", message, row["valid_from"]))
    elif not stated and "publication date" not in row["basis"]:
        errors.append(ErrorRecord(SOURCE_REL, line, "basis", NO_ENTRY_INTO_FORCE()))
    return start


def compile_rows(
    rows: list[dict[str, str]], rules: dict[str, tuple[str, str]], known: set[str]
) -> list[tuple[str, ...]]:
    """The checked rows as the table's cells (see the module text); BatchError with every
    problem otherwise. ``rules``: rule id → (confidence, plain text); ``known``: the LIGIE's
    chapter, heading and subheading codes."""
    errors: list[ErrorRecord] = []
    out: list[tuple[str, ...]] = []
    seen: set[tuple[str, str, str]] = set()
    for line, row in enumerate(rows, start=2):

        def err(column: str, message: Msg, value: str | None = None, at: int = line) -> None:
            errors.append(ErrorRecord(SOURCE_REL, at, column, message, value))

        scope, exceptions = row["fraccion"], [x for x in row["exceptions"].split(",") if x]
        for column, code in [("fraccion", scope), *(("exceptions", x) for x in exceptions)]:
            if not _scope_ok(code):
                err(column, NOT_A_SCOPE(), code)
            elif heading_code(code) not in known:
                err(column, NOT_IN_LIGIE(), code)
            elif column == "exceptions" and not code.replace(".", "").startswith(
                scope.replace(".", "")
            ):
                err(column, OUTSIDE_SCOPE(scope=scope), code)
        if row["annex"] not in tuple(Annex):
            err("annex", NOT_AN_ANNEX(), row["annex"])
        rule = rules.get(row["rule"])
        if rule is None:
            err("rule", NOT_A_RULE(rules=RULES_REL), row["rule"])
        elif row["quote"] not in rule[1]:
            err("quote", NOT_IN_RULE(rule=row["rule"]), row["quote"])
        elif row["confidence"] != rule[0] or row["confidence"] not in CONFIDENCE_LEVELS:
            err("confidence", RULE_CONFIDENCE(rule=row["rule"], confidence=rule[0]),
                row["confidence"])  # fmt: skip
        if not row["source"] or not row["basis"]:
            err("source", NO_SOURCE_BASIS())
        start = _check_dates(errors, line, row, row["quote"])
        key = (row["annex"], scope, row["valid_from"])
        if key in seen:
            err("fraccion", DUPLICATE(), scope)
        seen.add(key)
        if start is not None:
            out.append(tuple(row[c] if c != "exceptions" else ",".join(exceptions)
                             for c in HEADER))  # fmt: skip
    if errors:
        raise BatchError(errors)
    return sorted(out, key=lambda r: (r[1], r[0], r[2]))


def _read(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return [{k: (v or "").strip() for k, v in r.items()} for r in csv.DictReader(fh)]


def build(source: Path, out: Path, csv_path: Path = SOURCE_CSV) -> list[BuiltTable]:
    rule_rows = parse_rules((source / RULES_REL).resolve().read_text(encoding="utf-8"))
    rules = {r[0]: (r[2], r[3]) for r in rule_rows}
    headings = out / HEADINGS
    if not headings.is_file():
        raise RuntimeError(BUILD_ORDER(headings=HEADINGS, table=TABLE))
    known = {r["code"] for r in _read(headings)}
    rows = compile_rows(_read(csv_path), rules, known)
    count = write_csv(out / TABLE, HEADER, rows)
    as_of = max(r[2] for r in rows)
    src = SourceFile(
        SOURCE_REL, sha256_file(csv_path), f"RULES I-10, latest row in force from {as_of}",
        "immex project, curated from shared/domain/RULES.md I-10 (each row quotes the rule); "
        "the decree texts are not offline",
    )  # fmt: skip
    return [
        BuiltTable(
            TABLE, count, (src, rules_source(source)), as_of,
            f"IMMEX Decree Annex I restrictions known from the DOF (RULES I-10, confidence M): "
            f"{count} rows; Annex II not bundled",
        )
    ]  # fmt: skip


# --------------------------------------------------------------------------- run time


@lru_cache(maxsize=1)
def load_annex_rows() -> tuple[AnnexRow, ...]:
    """The bundled rows (``immex/data/immex_annex.csv``); none when it is not built."""
    path = DATA_DIR / TABLE
    if not path.is_file():
        return ()
    return tuple(
        AnnexRow(
            r["fraccion"],
            Annex(r["annex"]),
            date.fromisoformat(r["valid_from"]),
            date.fromisoformat(r["valid_to"]) if r["valid_to"] else None,
            f"{r['source']} (RULES {r['rule']})",
            r["confidence"],
            tuple(x for x in r["exceptions"].split(",") if x),
            r["note"],
        )  # fmt: skip
        for r in _read(path)
    )
