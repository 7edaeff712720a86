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
from datetime import date, timedelta
from pathlib import Path

from immex.refdata import ligie_history as lh
from immex.refdata import ligie_text as lt
from immex.refdata.framework import BuiltTable, SourceFile, source_file, write_csv

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
    history: list[dict[str, str]]


@dataclass
class Problem:
    lineno: int
    code: str
    kind: str
    message: str
    text: str


def rate_kind(text: str) -> str:
    if text in ("Ex.", "Ex"):
        return "exempt"
    if text == "Prohibida":
        return "prohibited"
    if re.fullmatch(r"\d+(?:\.\d+)?", text):
        return "ad_valorem"
    return "other"


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
# rate history


def _eff(decrees: dict[date, list[lh.Decree]], dof: date, code: str) -> tuple[date | None, str]:
    dec = lh.decree_for(decrees, dof, code)
    if dec is None:
        return None, f"decree DOF {dof:%d-%m-%Y} not reproduced in the text"
    if dec.effective is None:
        return None, f"entry into force of DOF {dof:%d-%m-%Y}: " + (
            lh.LIGIE_START_NOTE if "mismo día" in dec.effective_evidence else "not stated"
        )
    note = (
        ""
        if dec.effective_how == "read"
        else (f"entry into force of DOF {dof:%d-%m-%Y} computed: {dec.effective_evidence}")
    )
    return dec.effective, note


@dataclass
class ArticleTerm:
    """Dates a decree's transitory article sets for the fractions of one of its articles."""

    start: date | None = None
    end: date | None = None
    end_unknown: str = ""  # why the end cannot be dated
    evidence: str = ""


def parse_article_terms(full_text: str) -> dict[tuple[date, str], ArticleTerm]:
    """DOF 18-11-2022 (Tarifa/IMMEX/PROSEC decree): transitory TERCERO–QUINTO date the rates of
    its articles Tercero–Quinto ("vigente a partir del 1 de octubre de 2024", "hasta el 30 de
    septiembre de 2024", "hasta la entrada en vigor del instrumento … COVID-19 …")."""
    anchor = full_text.find("Primero. Se modifica la descripción de diversas fracciones")
    if anchor < 0:
        return {}
    stop = full_text.find("SÉPTIMO.", anchor)
    block = re.sub(r"\n\d+ de \d+\n(?:[^\n]*\n){4}", "\n", full_text[anchor:stop])
    ordinals = ["Primero", "Segundo", "Tercero", "Cuarto", "Quinto"]
    heads = [
        (o, m.start())
        for o in ordinals
        if (m := re.search(r"\n" + o + r"\. Se modifica", "\n" + block))
    ]
    trans = block.find("TRANSITORIOS")
    codes_by_article: dict[str, list[str]] = {}
    for k, (name, pos) in enumerate(heads):
        nxt = heads[k + 1][1] if k + 1 < len(heads) else trans
        codes_by_article[name] = re.findall(r"\b\d{4}\.\d{2}\.\d{2}\b", block[pos:nxt])
    flat = re.sub(r"\s+", " ", block[trans:])
    out: dict[tuple[date, str], ArticleTerm] = {}
    dof = date(2022, 11, 18)
    for m in re.finditer(
        r"El arancel aplicable para las fracciones arancelarias (?:listadas en el|"
        r"del) artículo (\w+) estará vigente ([^.]*)\.",
        flat,
    ):
        article, clause = m.group(1), m.group(2)
        term = ArticleTerm(evidence=m.group(0))
        if (d := re.search(r"a partir del? " + lh._DATE_WORDS.pattern, clause)) and d.group(3):
            term.start = lh._words_date(d.group(1), d.group(2), d.group(3))
        if (d := re.search(r"hasta el " + lh._DATE_WORDS.pattern, clause)) and d.group(3):
            term.end = lh._words_date(d.group(1), d.group(2), d.group(3))
        elif "hasta la entrada en vigor" in clause:
            term.end_unknown = "ends when a later instrument enters into force: " + clause
        for code in codes_by_article.get(article, []):
            out[(dof, code)] = term
    return out


def build_history(
    code: str,
    published: str,
    events: list[lh.NoteEvent],
    decrees: dict[date, list[lh.Decree]],
    staged: dict[str, list[tuple[date, str, str]]] | None = None,
    terms: dict[tuple[date, str], ArticleTerm] | None = None,
) -> tuple[list[dict[str, str]], list[str]]:
    """Effective-dated import-rate periods for one fraction, and consistency remarks.

    A note "DOF D (antes Imp. X)" says the rate was X until decree D took effect and became the
    next note's "antes" (or the published rate) from then on; "(se mantiene Imp. X)" keeps X;
    "… derogada por DOF E (antes Imp. X, en consecuencia se restablece Imp. Y)" restores Y
    when E takes effect. Dates come from the decrees' transitory articles.
    """
    remarks: list[str] = []
    terms = terms or {}
    acts = sorted(
        (e for e in events if e.kind in ("temporary", "permanent", "revoked", "removed")),
        key=lambda e: e.dof,
    )
    befores = [e.before for e in acts]
    afters: list[str | None] = []
    for i, e in enumerate(acts):
        after = e.after
        if after is None:
            after = befores[i + 1] if i + 1 < len(acts) else published
        afters.append(after)
    for i in range(len(acts) - 1):
        if befores[i + 1] is not None and afters[i] != befores[i + 1]:
            remarks.append(
                f"note DOF {acts[i + 1].dof:%d-%m-%Y} says the rate before it was "
                f"{befores[i + 1]}, the previous note implies {afters[i]}"
            )
    if acts and afters[-1] != published:
        remarks.append(f"last note implies {afters[-1]}, the Tarifa publishes {published}")

    periods: list[dict[str, str]] = []

    def add(
        vfrom: date | None,
        vto: date | None,
        rate: str | None,
        source: str,
        unknown: set[str],
        note: list[str],
    ) -> None:
        if rate is None:
            rate = "?"
            note = [*note, "rate before this note not stated in the text"]
        if {"from_unknown", "to_unknown"} <= unknown:
            cert = "both_unknown"
        elif unknown:
            cert = sorted(unknown)[0]
        else:
            cert = "exact"
        periods.append(
            {
                "valid_from": vfrom.isoformat() if vfrom else "",
                "valid_to": vto.isoformat() if vto else "",
                "rate": rate,
                "kind": rate_kind(rate),
                "source": source,
                "certainty": cert,
                "note": "; ".join(dict.fromkeys(n for n in note if n)),
            }
        )

    if not acts:
        add(None, None, published, lh.LIGIE_SOURCE, {"from_unknown"}, [lh.LIGIE_START_NOTE])
        return _added_from(code, events, decrees, periods), remarks

    # when each act took effect (None = unknown) and what is known of its end
    starts: list[tuple[date | None, str]] = []
    for e in acts:
        term = terms.get((e.dof, code))
        if term and term.start:
            starts.append((term.start, f"from {term.start.isoformat()}: {term.evidence}"))
        else:
            starts.append(_eff(decrees, e.dof, code))
    # an act whose start comes after the next act's start never took effect
    keep: list[int] = []
    skipped_notes: dict[int, str] = {}
    for i in range(len(acts)):
        nxt = starts[i + 1][0] if i + 1 < len(acts) else None
        this = starts[i][0]
        if this and nxt and this >= nxt:
            skipped_notes[len(keep)] = (
                f"DOF {acts[i].dof:%d-%m-%Y} set {afters[i]} from {this.isoformat()}, "
                f"but DOF {acts[i + 1].dof:%d-%m-%Y} took effect before"
            )
            continue
        keep.append(i)

    first = keep[0] if keep else None
    base_note = [lh.LIGIE_START_NOTE]
    if first is not None and starts[first][0] is None and lh.LIGIE_START_NOTE in starts[first][1]:
        # the act took effect with the LIGIE itself: the LIGIE's own rate never applied
        lead_note = (
            f"the LIGIE 2022 as published said {befores[first]}; DOF "
            f"{acts[first].dof:%d-%m-%Y} replaced it from the LIGIE's entry into force"
        )
    else:
        lead_note = ""
        base_to: date | None = None
        first_start = starts[first][0] if first is not None else None
        if first_start:
            base_to = first_start - timedelta(days=1)
        base_unknown = {"from_unknown"}
        if first is not None and not base_to:
            base_unknown.add("to_unknown")
        add(
            None,
            base_to,
            befores[0],
            lh.LIGIE_SOURCE,
            base_unknown,
            [*base_note, skipped_notes.get(0, ""), starts[first][1] if first is not None else ""],
        )
    for k, i in enumerate(keep):
        e = acts[i]
        vfrom, note = starts[i]
        unknown: set[str] = set() if vfrom else {"from_unknown"}
        notes = [note, lead_note if k == 0 else "", skipped_notes.get(k + 1, "")]
        if e.acotacion:
            notes.append(f"acotación: “{e.acotacion}” (the rate applies only to those goods)")
        dec = lh.decree_for(decrees, e.dof, code)
        term = terms.get((e.dof, code))
        end: date | None = None
        end_how = ""
        if e.kind == "temporary":
            if term and (term.end or term.end_unknown):
                end, end_how = term.end, ("read" if term.end else term.end_unknown)
            elif dec and dec.ends:
                end, end_how = dec.ends, dec.ends_how
        vto: date | None = None
        if k + 1 < len(keep):
            nxt, nxt_note = starts[keep[k + 1]]
            if nxt is not None:
                vto = nxt - timedelta(days=1)
            else:
                unknown.add("to_unknown")
                notes.append(nxt_note)
            if end and vto and end < vto:
                vto = end
                notes.append(f"temporary rate ended {end.isoformat()}")
        elif e.kind == "temporary":
            if end:
                vto = end
                if end_how == "computed":
                    unknown.add("to_computed")
                    notes.append(f"end computed from: {dec.ends_evidence if dec else ''}")
            else:
                unknown.add("to_unknown")
                notes.append(end_how or "temporary rate: its end is not stated in the text")
        src = f"DOF {e.dof:%d-%m-%Y}"
        if e.kind in ("revoked", "removed") and e.target:
            src += f" (revokes DOF {e.target:%d-%m-%Y})"
        if e.kind == "temporary":
            src += " (temporary)"
        add(vfrom, vto, afters[i], src, unknown, notes)
    if staged and code in staged:
        periods = _apply_staged(periods, staged[code])
    return _added_from(code, events, decrees, periods), remarks


def _added_from(
    code: str,
    events: list[lh.NoteEvent],
    decrees: dict[date, list[lh.Decree]],
    periods: list[dict[str, str]],
) -> list[dict[str, str]]:
    """A fraction "adicionada" by a decree exists only from that decree's entry into force."""
    added = [e for e in events if e.kind == "description" and e.raw.startswith("Fracción adic")]
    if not added or not periods:
        return periods
    dec = lh.decree_for(decrees, added[0].dof, code)
    if dec is None or dec.effective is None:
        return periods
    first = dict(periods[0])
    first["valid_from"] = dec.effective.isoformat()
    how = "computed" if dec.effective_how == "computed" else "read"
    first["certainty"] = (
        "from_computed"
        if how == "computed"
        else first["certainty"].replace("from_unknown", "exact")
    )
    first["source"] = f"DOF {dec.dof} (fracción adicionada)"
    first["note"] = (
        f"fracción added by DOF {dec.dof}, in force {dec.effective.isoformat()} "
        f"({how}: {dec.effective_evidence})"
    )
    return [first, *periods[1:]]


def _apply_staged(
    periods: list[dict[str, str]], steps: list[tuple[date, str, str]]
) -> list[dict[str, str]]:
    """Split periods at staged dates that fall inside them (rates read from a transitory)."""
    out: list[dict[str, str]] = []
    for p in periods:
        pieces = [p]
        for when, rate, source in steps:
            new_pieces = []
            for q in pieces:
                lo = date.fromisoformat(q["valid_from"]) if q["valid_from"] else date.min
                hi = date.fromisoformat(q["valid_to"]) if q["valid_to"] else date.max
                if lo < when <= hi and q["source"].startswith(source.split(",")[0]):
                    first = dict(q, valid_to=(when - timedelta(days=1)).isoformat())
                    second = dict(
                        q,
                        valid_from=when.isoformat(),
                        rate=rate,
                        kind=rate_kind(rate),
                        source=source,
                        certainty=q["certainty"]
                        .replace("from_unknown", "exact")
                        .replace("both_unknown", "to_unknown"),
                    )
                    if second["certainty"] == "to_unknown" and q["valid_to"]:
                        second["certainty"] = "exact"
                    new_pieces += [first, second]
                else:
                    new_pieces.append(q)
            pieces = new_pieces
        out.extend(pieces)
    return out


def parse_staged(full_text: str) -> dict[str, list[tuple[date, str, str]]]:
    """Transitorio Segundo of the DOF 18-11-2022 steel decree: staged rates by fraction.

    Only steps before its derogation by DOF 15-08-2023 matter; all steps are kept and the
    history clips them to the period the DOF 18-11-2022 note covers.
    """
    start = full_text.find(
        "SEGUNDO. El arancel aplicable para las fracciones arancelarias del "
        "artículo Segundo de este"
    )
    if start < 0:
        return {}
    end = full_text.find("TERCERO. El arancel aplicable", start)
    block = full_text[start:end]
    block = re.sub(r"\n\d+ de \d+\n(?:[^\n]*\n){4}", "\n", block)
    out: dict[str, list[tuple[date, str, str]]] = {}
    parts = re.split(r"\n(?=[a-d]\) )", block)
    for part in parts[1:]:
        flat = re.sub(r"\s+", " ", part)
        steps = []
        for m in re.finditer(
            r"(?:de )?(\d+%|exento) a partir del? (\d{1,2}) de (\w+) del? (\d{4})", flat
        ):
            rate = "Ex." if m.group(1) == "exento" else m.group(1).rstrip("%")
            when = date(int(m.group(4)), lh.MONTHS[m.group(3)], int(m.group(2)))
            steps.append((when, rate, "DOF 18-11-2022, transitorio Segundo"))
        codes = re.findall(r"\b\d{4}\.\d{2}\.\d{2}\b", flat)
        for c in codes:
            out.setdefault(c, []).extend(steps)
    return out


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


def build(source: Path, out: Path) -> list[BuiltTable]:
    text = (source / LIGIE_REL).read_text(encoding="utf-8")
    fractions, headings, problems, decrees = parse(text)
    ligie_src = source_file(source, LIGIE_REL, LIGIE_AS_OF, LIGIE_ATTRIBUTION)
    sat_src = source_file(source, SAT_REL, SAT_AS_OF, SAT_ATTRIBUTION)
    sat_rows = read_sat(source / SAT_REL)
    tables: list[BuiltTable] = []

    def table(
        name: str,
        rows: int,
        sources: tuple[SourceFile, ...],
        desc: str,
        notes: tuple[str, ...] = (),
    ) -> None:
        as_of = "; ".join(s.as_of for s in sources)
        tables.append(BuiltTable(name, rows, sources, as_of, desc, notes))

    n = write_csv(
        out / "ligie_fractions.csv",
        [
            "fraccion",
            "section",
            "chapter",
            "heading",
            "subheading",
            "description",
            "umt",
            "import_rate",
            "import_kind",
            "export_rate",
            "export_kind",
            "notes",
            "source_line",
        ],
        (
            [
                f.code,
                f.section,
                f.chapter,
                f.heading,
                f.subheading,
                f.description,
                f.umt,
                f.import_rate,
                rate_kind(f.import_rate),
                f.export_rate,
                rate_kind(f.export_rate),
                f.notes,
                f.lineno,
            ]
            for f in fractions
        ),
    )
    table(
        "ligie_fractions.csv",
        n,
        (ligie_src,),
        "LIGIE Tarifa: 8-digit fractions, UMT, import/export rate as published",
    )

    chapters = {f.chapter: (f.section, f.chapter_title) for f in fractions}
    rows = [
        [code, "heading" if len(code) == 5 else "subheading", desc]
        for code, desc in sorted(headings.items())
    ]
    rows += [[ch, "chapter", title] for ch, (_, title) in sorted(chapters.items())]
    rows.sort(key=lambda r: (str(r[0]).replace(".", ""), r[1]))
    n = write_csv(out / "ligie_headings.csv", ["code", "level", "description"], rows)
    table("ligie_headings.csv", n, (ligie_src,), "LIGIE chapters, headings and subheadings")

    n = write_csv(
        out / "ligie_rate_history.csv",
        [
            "fraccion",
            "seq",
            "valid_from",
            "valid_to",
            "rate",
            "kind",
            "source",
            "certainty",
            "note",
        ],
        (
            [
                f.code,
                i,
                p["valid_from"],
                p["valid_to"],
                p["rate"],
                p["kind"],
                p["source"],
                p["certainty"],
                p["note"],
            ]
            for f in fractions
            for i, p in enumerate(f.history)
        ),
    )
    table(
        "ligie_rate_history.csv",
        n,
        (ligie_src,),
        "import-rate periods from the Tarifa's rate-history notes and decree transitories",
        (
            "effective dates read from the decrees' transitory articles in the same file; "
            "unknown ends are marked in 'certainty', never guessed",
        ),
    )

    n = write_csv(
        out / "ligie_decrees.csv",
        [
            "dof",
            "published",
            "effective_from",
            "effective_how",
            "valid_to",
            "valid_to_how",
            "abrogates",
            "title",
            "effective_evidence",
            "valid_to_evidence",
        ],
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
    table("ligie_decrees.csv", n, (ligie_src,), "amending decrees and their transitory dates")

    n = write_csv(
        out / "nicos.csv",
        ["fraccion", "nico", "description", "umt_code", "valid_from", "valid_to"],
        (
            [
                r["fraccion"][:4] + "." + r["fraccion"][4:6] + "." + r["fraccion"][6:8],
                r["fraccion"][8:],
                r["texto"].strip(),
                r["unidad"],
                r["vigencia_desde"],
                r["vigencia_hasta"],
            ]
            for r in sorted(sat_rows, key=lambda r: r["fraccion"])
        ),
    )
    table("nicos.csv", n, (sat_src,), "NICO (10-digit) catalog with text and UMT code")

    problems.sort(key=lambda p: (p.lineno, p.code, p.kind, p.message))
    n = write_csv(
        out / "reports" / "ligie_parse_report.csv",
        ["source_line", "code", "kind", "problem", "text"],
        ([p.lineno, p.code, p.kind, p.message, p.text] for p in problems),
    )
    table(
        "reports/ligie_parse_report.csv",
        n,
        (ligie_src,),
        "every code line / cell the parser could not fully understand (none dropped)",
    )

    by_code = {f.code: f for f in fractions}
    sat_codes: dict[str, list[dict[str, str]]] = {}
    for r in sat_rows:
        dotted = r["fraccion"][:4] + "." + r["fraccion"][4:6] + "." + r["fraccion"][6:8]
        sat_codes.setdefault(dotted, []).append(r)
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
    n = write_csv(
        out / "reports" / "sat_crosscheck.csv",
        [
            "fraccion",
            "present_in",
            "sat_nico_count",
            "sat_nicos",
            "ligie_import_rate",
            "description",
        ],
        cross,
    )
    table(
        "reports/sat_crosscheck.csv",
        n,
        (ligie_src, sat_src),
        "fractions present in the LIGIE text but not in the SAT catalog, and vice versa",
    )

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
    table(
        "reports/sat_description_diff.csv",
        n,
        (ligie_src, sat_src),
        "fractions whose parsed description differs from the SAT NICO 00 text (review list)",
    )
    # 6-digit subheadings: LIGIE (national text) against the HS 2022 nomenclature
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
    table(
        "reports/hs_crosscheck.csv",
        n,
        (
            ligie_src,
            source_file(
                source,
                hs_rel,
                "HS2022",
                "datasets/harmonized-system @905e5a0 (UN Comtrade), ODC-PDDL",
            ),
        ),
        "6-digit subheadings in the LIGIE text but not in HS 2022, and vice versa",
    )
    return tables
