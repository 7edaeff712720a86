"""Builder of the LIGIE Tarifa tables (fractions, rate history, decrees, NICO, reports).

``build(source, out)`` reads ``ligie/ligie_2022_consolidated.txt`` and
``sat/cce_20_fracciones_arancelarias.csv`` under ``source`` and writes, under ``out``:

- ``ligie_fractions.csv``   one row per 8-digit fraction, rates as published;
- ``ligie_headings.csv``    4-digit headings and 6-digit subheadings with their descriptions;
- ``ligie_rate_history.csv`` effective-dated import rates with DOF source and certainty;
- ``ligie_decrees.csv``     amending decrees: publication, entry into force, end, evidence;
- ``nicos.csv``             SAT NICO catalog (10-digit code, text, UMT code, validity);
- ``reports/ligie_parse_report.csv`` every line/cell the parser could not fully understand;
- ``reports/sat_crosscheck.csv`` fractions in the LIGIE text but not in the SAT catalog and
  vice versa.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from immex.refdata import ligie_history as lh
from immex.refdata import ligie_text as lt
from immex.refdata.framework import BuiltTable, SourceFile, source_file, write_csv
from immex.refdata.ligie_periods import (
    Period,
    build_history,
    parse_article_terms,
    parse_staged,
    rate_kind,
)
from immex.refdata.manifest_texts import HISTORY_DATES

LIGIE_REL = "ligie/ligie_2022_consolidated.txt"
SAT_REL = "sat/cce_20_fracciones_arancelarias.csv"
LIGIE_AS_OF = "last reform DOF 21-07-2025; fractions modified by DOF 10-11-2025"
SAT_AS_OF = "2026-08"
LIGIE_ATTRIBUTION = (
    "Cámara de Diputados, texto vigente (via a public laws-as-code repository's extracted "
    "text); Mexican legislative text, not subject to copyright (LFDA art. 14-VIII)"
)
SAT_ATTRIBUTION = "SAT catalogs as packaged by phpcfdi/resources-sat-catalogs @675be01 (Unlicense)"

_DUTY_OK = re.compile(
    r"^(?:AMX \(\d+(?:\.\d+)?%\+\d+(?:\.\d+)? Dls por Kg de azúcar\)"
    r"|AE \(\d+(?:\.\d+)? Dls EUA por (?:Kg|Pza)\))$"
)


@dataclass
class ParsedFraction:
    code: str
    section: str
    chapter: str
    chapter_title: str
    heading: str
    heading_description: str
    subheading: str
    subheading_description: str
    description: str
    umt: str
    import_rate: str
    export_rate: str
    notes: str
    lineno: int
    history: list[Period]


@dataclass
class Problem:
    lineno: int
    code: str
    kind: str
    message: str
    text: str

def _assemble_duty(item: lt.RawItem, problems: list[Problem]) -> str:
    """The specific/mixed import duty wrapped across the rate column, verbatim."""
    pieces = [(t.lineno, k, t.text) for k, t in enumerate(item.rate_fragments)]
    if item.import_frag:
        pieces.append((item.lineno, -1, item.import_frag))
    pieces.sort()
    text = re.sub(r"\s+", " ", " ".join(p[2] for p in pieces)).strip()
    if _DUTY_OK.match(text):
        return text
    # rebuild the canonical AMX form from its parts when pieces came out of order
    joined = " ".join(p[2] for p in pieces)
    m = re.search(r"\((\d+(?:\.\d+)?)%\+(\d+(?:\.\d+)?)", joined)
    if "AMX" in joined and m and "Dls" in joined and "azúcar)" in joined:
        return f"AMX ({m.group(1)}%+{m.group(2)} Dls por Kg de azúcar)"
    m = re.search(r"AE \((\d+(?:\.\d+)?) Dls", joined)
    if m and "EUA por" in joined:
        unit = "Pza" if "Pza)" in joined else "Kg"
        return f"AE ({m.group(1)} Dls EUA por {unit})"
    problems.append(
        Problem(
            item.lineno,
            item.code,
            "rate",
            "import duty could not be reassembled; kept as found",
            text,
        )
    )
    return text or "?"


# ---------------------------------------------------------------------------------------------


def parse(
    full_text: str,
) -> tuple[list[ParsedFraction], dict[str, str], list[Problem], dict[date, list[lh.Decree]]]:
    """All fractions, heading/subheading descriptions, problems, decrees."""
    items, unparsed = lt.parse_text(full_text)
    decrees = lh.parse_decrees(full_text)
    staged = parse_staged(full_text)
    terms = parse_article_terms(full_text)
    problems = [Problem(u.lineno, "", "line", u.reason, u.text) for u in unparsed]
    headings: dict[str, str] = {}
    fractions: list[ParsedFraction] = []
    seen: set[str] = set()
    for it in items:
        text = lt.join_lines(it.lines)
        desc, notes = lt.split_notes(text)
        for p in it.problems:
            problems.append(Problem(it.lineno, it.code, it.kind, p, text))
        if it.kind in ("heading", "subheading"):
            headings[it.code] = desc
            continue
        if it.kind != "fraction":
            continue
        if it.code in seen:
            problems.append(Problem(it.lineno, it.code, "fraction", "duplicate code line", text))
            continue
        seen.add(it.code)
        if not desc:
            problems.append(Problem(it.lineno, it.code, "fraction", "empty description", text))
        imp = it.import_frag
        if lt.needs_import(it):
            imp = _assemble_duty(it, problems)
        imp = "Ex." if imp == "Ex" else imp
        events, leftover = lh.parse_notes(notes)
        if leftover:
            problems.append(
                Problem(
                    it.lineno, it.code, "note", "note text not understood (kept in notes)", leftover
                )
            )
        history, remarks = build_history(it.code, imp, events, decrees, staged, terms)
        for r in remarks:
            problems.append(Problem(it.lineno, it.code, "history", r, notes))
        heading = it.code[:2] + "." + it.code[2:4]
        sub = it.code[:7]
        fractions.append(
            ParsedFraction(
                it.code,
                it.section,
                it.chapter,
                it.chapter_title,
                heading,
                headings.get(heading, ""),
                sub,
                headings.get(sub, ""),
                desc,
                it.umt,
                imp,
                it.export_rate,
                notes,
                it.lineno,
                history,
            )
        )
    fractions.sort(key=lambda f: f.code)
    return fractions, headings, problems, decrees


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if c.isalnum())


def read_sat(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def _table(
    name: str, rows: int, sources: tuple[SourceFile, ...], desc: str, notes: tuple[str, ...] = ()
) -> BuiltTable:
    as_of = "; ".join(s.as_of for s in sources)
    return BuiltTable(name, rows, sources, as_of, desc, notes)


def _dotted(fraccion: str) -> str:
    """``01012101`` (the SAT catalog's 8 first digits) as ``0101.21.01``."""
    return fraccion[:4] + "." + fraccion[4:6] + "." + fraccion[6:8]


def _write_fractions(out: Path, fractions: list[ParsedFraction], src: SourceFile) -> BuiltTable:
    columns = ["fraccion", "section", "chapter", "heading", "subheading", "description", "umt",
               "import_rate", "import_kind", "export_rate", "export_kind", "notes",
               "source_line"]  # fmt: skip
    n = write_csv(
        out / "ligie_fractions.csv",
        columns,
        (
            [f.code, f.section, f.chapter, f.heading, f.subheading, f.description, f.umt,
             f.import_rate, rate_kind(f.import_rate), f.export_rate, rate_kind(f.export_rate),
             f.notes, f.lineno]  # fmt: skip
            for f in fractions
        ),
    )
    return _table(
        "ligie_fractions.csv", n, (src,),
        "LIGIE Tarifa: 8-digit fractions, UMT, import/export rate as published",
    )  # fmt: skip


def _write_headings(
    out: Path, fractions: list[ParsedFraction], headings: dict[str, str], src: SourceFile
) -> BuiltTable:
    chapters = {f.chapter: (f.section, f.chapter_title) for f in fractions}
    rows = [
        [code, "heading" if len(code) == 5 else "subheading", desc]
        for code, desc in sorted(headings.items())
    ]
    rows += [[ch, "chapter", title] for ch, (_, title) in sorted(chapters.items())]
    rows.sort(key=lambda r: (str(r[0]).replace(".", ""), r[1]))
    n = write_csv(out / "ligie_headings.csv", ["code", "level", "description"], rows)
    return _table("ligie_headings.csv", n, (src,), "LIGIE chapters, headings and subheadings")


def _write_history(out: Path, fractions: list[ParsedFraction], src: SourceFile) -> BuiltTable:
    columns = ["fraccion", "seq", "valid_from", "valid_to", "rate", "kind", "source",
               "certainty", "note"]  # fmt: skip
    n = write_csv(
        out / "ligie_rate_history.csv",
        columns,
        (
            [f.code, i, p["valid_from"], p["valid_to"], p["rate"], p["kind"], p["source"],
             p["certainty"], p["note"]]  # fmt: skip
            for f in fractions
            for i, p in enumerate(f.history)
        ),
    )
    return _table(
        "ligie_rate_history.csv",
        n,
        (src,),
        "import-rate periods from the Tarifa's rate-history notes and decree transitories",
        (HISTORY_DATES(),),
    )


def _write_decrees(
    out: Path, decrees: dict[date, list[lh.Decree]], src: SourceFile
) -> BuiltTable:
    columns = ["dof", "published", "effective_from", "effective_how", "valid_to",
               "valid_to_how", "abrogates", "title", "effective_evidence",
               "valid_to_evidence"]  # fmt: skip
    n = write_csv(
        out / "ligie_decrees.csv",
        columns,
        (
            [
                d.dof,
                d.published.isoformat(),
                d.effective.isoformat() if d.effective else "",
                d.effective_how,
                d.ends.isoformat() if d.ends else "",
                d.ends_how,
                " ".join(a.isoformat() for a in sorted(set(d.abrogates))),
                d.title,
                d.effective_evidence,
                d.ends_evidence,
            ]
            for _, ds in sorted(decrees.items())
            for d in ds
        ),
    )
    return _table("ligie_decrees.csv", n, (src,), "amending decrees and their transitory dates")


def _write_nicos(out: Path, sat_rows: list[dict[str, str]], src: SourceFile) -> BuiltTable:
    n = write_csv(
        out / "nicos.csv",
        ["fraccion", "nico", "description", "umt_code", "valid_from", "valid_to"],
        (
            [_dotted(r["fraccion"]), r["fraccion"][8:], r["texto"].strip(), r["unidad"],
             r["vigencia_desde"], r["vigencia_hasta"]]  # fmt: skip
            for r in sorted(sat_rows, key=lambda r: r["fraccion"])
        ),
    )
    return _table("nicos.csv", n, (src,), "NICO (10-digit) catalog with text and UMT code")


def _write_parse_report(out: Path, problems: list[Problem], src: SourceFile) -> BuiltTable:
    problems.sort(key=lambda p: (p.lineno, p.code, p.kind, p.message))
    n = write_csv(
        out / "reports" / "ligie_parse_report.csv",
        ["source_line", "code", "kind", "problem", "text"],
        ([p.lineno, p.code, p.kind, p.message, p.text] for p in problems),
    )
    return _table(
        "reports/ligie_parse_report.csv", n, (src,),
        "every code line / cell the parser could not fully understand (none dropped)",
    )  # fmt: skip


def _write_sat_crosschecks(
    out: Path,
    fractions: list[ParsedFraction],
    sat_rows: list[dict[str, str]],
    sources: tuple[SourceFile, SourceFile],
) -> list[BuiltTable]:
    """Fractions in one of LIGIE / SAT only; single-NICO descriptions that differ."""
    by_code = {f.code: f for f in fractions}
    sat_codes: dict[str, list[dict[str, str]]] = {}
    for r in sat_rows:
        sat_codes.setdefault(_dotted(r["fraccion"]), []).append(r)
    cross = []
    for code in sorted(set(by_code) | set(sat_codes)):
        if code in by_code and code in sat_codes:
            continue
        f = by_code.get(code)
        nicos = sat_codes.get(code, [])
        cross.append(
            [
                code,
                "ligie_only" if f else "sat_only",
                len(nicos),
                " ".join(sorted(n["fraccion"][8:] for n in nicos)),
                f.import_rate if f else "",
                f.description if f else nicos[0]["texto"].strip(),
            ]
        )
    columns = ["fraccion", "present_in", "sat_nico_count", "sat_nicos", "ligie_import_rate",
               "description"]  # fmt: skip
    n = write_csv(out / "reports" / "sat_crosscheck.csv", columns, cross)
    tables = [
        _table(
            "reports/sat_crosscheck.csv", n, sources,
            "fractions present in the LIGIE text but not in the SAT catalog, and vice versa",
        )  # fmt: skip
    ]
    # fractions with a single NICO 00 whose SAT text is the fraction's own description
    diffs = []
    for code, f in sorted(by_code.items()):
        nicos = sat_codes.get(code, [])
        if len(nicos) == 1 and nicos[0]["fraccion"].endswith("00"):
            sat_text = nicos[0]["texto"].strip()
            if _fold(sat_text) != _fold(f.description):
                diffs.append([code, f.description, sat_text, f.lineno])
    n = write_csv(
        out / "reports" / "sat_description_diff.csv",
        ["fraccion", "ligie_description", "sat_nico00_text", "source_line"],
        diffs,
    )
    tables.append(
        _table(
            "reports/sat_description_diff.csv", n, sources,
            "fractions whose parsed description differs from the SAT NICO 00 text (review list)",
        )  # fmt: skip
    )
    return tables


def _write_hs_crosscheck(
    source: Path, out: Path, headings: dict[str, str], ligie_src: SourceFile
) -> BuiltTable:
    """6-digit subheadings: LIGIE (national text) against the HS 2022 nomenclature."""
    hs_rel = "hs/harmonized-system.csv"
    with (source / hs_rel).open(encoding="utf-8-sig", newline="") as fh:
        hs6 = {
            r["hscode"]: r["description"]
            for r in csv.DictReader(fh)
            if r["level"] == "6" and r["hscode"].isdigit()
        }
    lig6 = {c.replace(".", ""): d for c, d in headings.items() if len(c) == 7}
    rows6 = [
        [
            c[:4] + "." + c[4:],
            "ligie_only" if c in lig6 else "hs_only",
            lig6.get(c) or hs6.get(c, ""),
        ]
        for c in sorted(set(hs6) ^ set(lig6))
    ]
    n = write_csv(
        out / "reports" / "hs_crosscheck.csv", ["subheading", "present_in", "description"], rows6
    )
    hs_src = source_file(
        source, hs_rel, "HS2022", "datasets/harmonized-system @905e5a0 (UN Comtrade), ODC-PDDL"
    )
    return _table(
        "reports/hs_crosscheck.csv", n, (ligie_src, hs_src),
        "6-digit subheadings in the LIGIE text but not in HS 2022, and vice versa",
    )  # fmt: skip


def build(source: Path, out: Path) -> list[BuiltTable]:
    text = (source / LIGIE_REL).read_text(encoding="utf-8")
    fractions, headings, problems, decrees = parse(text)
    ligie_src = source_file(source, LIGIE_REL, LIGIE_AS_OF, LIGIE_ATTRIBUTION)
    sat_src = source_file(source, SAT_REL, SAT_AS_OF, SAT_ATTRIBUTION)
    sat_rows = read_sat(source / SAT_REL)
    return [
        _write_fractions(out, fractions, ligie_src),
        _write_headings(out, fractions, headings, ligie_src),
        _write_history(out, fractions, ligie_src),
        _write_decrees(out, decrees, ligie_src),
        _write_nicos(out, sat_rows, sat_src),
        _write_parse_report(out, problems, ligie_src),
        *_write_sat_crosschecks(out, fractions, sat_rows, (ligie_src, sat_src)),
        _write_hs_crosscheck(source, out, headings, ligie_src),
    ]
