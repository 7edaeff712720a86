"""Effective-dated import-rate periods of one LIGIE fraction (``ligie_rate_history.csv``).

The Tarifa's rate-history notes (:mod:`immex.refdata.ligie_history`) say which decree changed
a rate and what it was before; the decrees' transitory articles say when each took effect and
when a temporary one ends. :func:`build_history` turns the notes of one fraction into its
periods, with a certainty per period (``exact``, ``from_unknown``, ``to_unknown``,
``to_computed``, …) and a note saying where each date comes from — never a guess.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from immex.domain import ligie_notes as ln
from immex.refdata import ligie_history as lh

#: one period of ``ligie_rate_history.csv`` (all values as written)
Period = dict[str, str]


def rate_kind(text: str) -> str:
    if text in ("Ex.", "Ex"):
        return "exempt"
    if text == "Prohibida":
        return "prohibited"
    if re.fullmatch(r"\d+(?:\.\d+)?", text):
        return "ad_valorem"
    return "other"



def _eff(decrees: dict[date, list[lh.Decree]], dof: date, code: str) -> tuple[date | None, str]:
    dec = lh.decree_for(decrees, dof, code)
    if dec is None:
        return None, ln.NOT_REPRODUCED(dof=f"{dof:%d-%m-%Y}")
    if dec.effective is None:
        why = lh.LIGIE_START_NOTE if "mismo día" in dec.effective_evidence else ln.NOT_STATED()
        return None, ln.EFFECTIVE_UNKNOWN(dof=f"{dof:%d-%m-%Y}", why=why)
    note = (
        ""
        if dec.effective_how == "read"
        else ln.EFFECTIVE_COMPUTED(dof=f"{dof:%d-%m-%Y}", evidence=dec.effective_evidence)
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
            term.end_unknown = ln.ENDS_WITH_INSTRUMENT(clause=clause)
        for code in codes_by_article.get(article, []):
            out[(dof, code)] = term
    return out



def _rates_before_and_after(
    acts: list[lh.NoteEvent], published: str
) -> tuple[list[str | None], list[str | None], list[str]]:
    """The rate before and after each act, and remarks where the notes disagree."""
    remarks: list[str] = []
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
    return befores, afters, remarks


def _period(
    vfrom: date | None,
    vto: date | None,
    rate: str | None,
    source: str,
    unknown: set[str],
    note: list[str],
) -> Period:
    """One period; ``unknown`` names the dates that could not be read."""
    if rate is None:
        rate = "?"
        note = [*note, ln.RATE_NOT_STATED()]
    if {"from_unknown", "to_unknown"} <= unknown:
        cert = "both_unknown"
    elif unknown:
        cert = sorted(unknown)[0]
    else:
        cert = "exact"
    return {
        "valid_from": vfrom.isoformat() if vfrom else "",
        "valid_to": vto.isoformat() if vto else "",
        "rate": rate,
        "kind": rate_kind(rate),
        "source": source,
        "certainty": cert,
        "note": ln.NOTE_SEP.join(dict.fromkeys(n for n in note if n)),
    }


def _starts(
    acts: list[lh.NoteEvent],
    code: str,
    decrees: dict[date, list[lh.Decree]],
    terms: dict[tuple[date, str], ArticleTerm],
) -> list[tuple[date | None, str]]:
    """When each act took effect (None = unknown), with the evidence."""
    starts: list[tuple[date | None, str]] = []
    for e in acts:
        term = terms.get((e.dof, code))
        if term and term.start:
            starts.append(
                (term.start, ln.ARTICLE_START(day=term.start.isoformat(), evidence=term.evidence))
            )
        else:
            starts.append(_eff(decrees, e.dof, code))
    return starts


def _acts_in_force(
    acts: list[lh.NoteEvent],
    starts: list[tuple[date | None, str]],
    afters: list[str | None],
) -> tuple[list[int], dict[int, str]]:
    """The acts that took effect (an act whose start comes after the next act's start never
    did), and the notes of those skipped, keyed by the period they are told in."""
    keep: list[int] = []
    skipped_notes: dict[int, str] = {}
    for i in range(len(acts)):
        nxt = starts[i + 1][0] if i + 1 < len(acts) else None
        this = starts[i][0]
        if this and nxt and this >= nxt:
            skipped_notes[len(keep)] = ln.NEVER_IN_FORCE(
                dof=f"{acts[i].dof:%d-%m-%Y}", rate=afters[i], day=this.isoformat(),
                next_dof=f"{acts[i + 1].dof:%d-%m-%Y}",
            )  # fmt: skip
            continue
        keep.append(i)
    return keep, skipped_notes


def _act_end(
    e: lh.NoteEvent, code: str, decrees: dict[date, list[lh.Decree]], term: ArticleTerm | None
) -> tuple[date | None, str, lh.Decree | None]:
    """The end a temporary act states (its article's term, else its decree's), and how."""
    dec = lh.decree_for(decrees, e.dof, code)
    end: date | None = None
    end_how = ""
    if e.kind == "temporary":
        if term and (term.end or term.end_unknown):
            end, end_how = term.end, ("read" if term.end else term.end_unknown)
        elif dec and dec.ends:
            end, end_how = dec.ends, dec.ends_how
    return end, end_how, dec


def _act_period(
    e: lh.NoteEvent,
    start: tuple[date | None, str],
    following: tuple[date | None, str] | None,
    end_info: tuple[date | None, str, lh.Decree | None],
    rate: str | None,
    extra_notes: list[str],
) -> Period:
    """The period of one act in force, up to the next act in force (``following``)."""
    vfrom, note = start
    end, end_how, dec = end_info
    unknown: set[str] = set() if vfrom else {"from_unknown"}
    notes = [note, *extra_notes]
    if e.acotacion:
        notes.append(ln.ACOTACION(text=e.acotacion))
    vto: date | None = None
    if following is not None:
        nxt, nxt_note = following
        if nxt is not None:
            vto = nxt - timedelta(days=1)
        else:
            unknown.add("to_unknown")
            notes.append(nxt_note)
        if end and vto and end < vto:
            vto = end
            notes.append(ln.TEMPORARY_ENDED(day=end.isoformat()))
    elif e.kind == "temporary":
        if end:
            vto = end
            if end_how == "computed":
                unknown.add("to_computed")
                notes.append(ln.END_COMPUTED(evidence=dec.ends_evidence if dec else ""))
        else:
            unknown.add("to_unknown")
            notes.append(end_how or ln.END_NOT_STATED())
    src = ln.SOURCE_DOF(dof=f"{e.dof:%d-%m-%Y}")
    if e.kind in ("revoked", "removed") and e.target:
        src = ln.SOURCE_REVOKES(dof=f"{e.dof:%d-%m-%Y}", target=f"{e.target:%d-%m-%Y}")
    elif e.kind == "temporary":
        src = ln.SOURCE_TEMPORARY(dof=f"{e.dof:%d-%m-%Y}")
    return _period(vfrom, vto, rate, src, unknown, notes)


def build_history(
    code: str,
    published: str,
    events: list[lh.NoteEvent],
    decrees: dict[date, list[lh.Decree]],
    staged: dict[str, list[tuple[date, str, str]]] | None = None,
    terms: dict[tuple[date, str], ArticleTerm] | None = None,
) -> tuple[list[Period], list[str]]:
    """Effective-dated import-rate periods for one fraction, and consistency remarks.

    A note "DOF D (antes Imp. X)" says the rate was X until decree D took effect and became the
    next note's "antes" (or the published rate) from then on; "(se mantiene Imp. X)" keeps X;
    "… derogada por DOF E (antes Imp. X, en consecuencia se restablece Imp. Y)" restores Y
    when E takes effect. Dates come from the decrees' transitory articles.
    """
    terms = terms or {}
    acts = sorted(
        (e for e in events if e.kind in ("temporary", "permanent", "revoked", "removed")),
        key=lambda e: e.dof,
    )
    befores, afters, remarks = _rates_before_and_after(acts, published)
    if not acts:
        only = _period(None, None, published, lh.LIGIE_SOURCE, {"from_unknown"},
                       [lh.LIGIE_START_NOTE])  # fmt: skip
        return _added_from(code, events, decrees, [only]), remarks
    starts = _starts(acts, code, decrees, terms)
    keep, skipped_notes = _acts_in_force(acts, starts, afters)
    periods: list[Period] = []
    first = keep[0] if keep else None
    if first is not None and starts[first][0] is None and lh.LIGIE_START_NOTE in starts[first][1]:
        # the act took effect with the LIGIE itself: the LIGIE's own rate never applied
        lead_note: str = ln.LIGIE_REPLACED(rate=befores[first], dof=f"{acts[first].dof:%d-%m-%Y}")
    else:
        lead_note = ""
        first_start = starts[first][0] if first is not None else None
        base_to = first_start - timedelta(days=1) if first_start else None
        base_unknown = {"from_unknown"}
        if first is not None and not base_to:
            base_unknown.add("to_unknown")
        base_notes = [lh.LIGIE_START_NOTE, skipped_notes.get(0, ""),
                      starts[first][1] if first is not None else ""]  # fmt: skip
        periods.append(
            _period(None, base_to, befores[0], lh.LIGIE_SOURCE, base_unknown, base_notes)
        )
    for k, i in enumerate(keep):
        e = acts[i]
        following = starts[keep[k + 1]] if k + 1 < len(keep) else None
        end_info = _act_end(e, code, decrees, terms.get((e.dof, code)))
        extra = [lead_note if k == 0 else "", skipped_notes.get(k + 1, "")]
        periods.append(_act_period(e, starts[i], following, end_info, afters[i], extra))
    if staged and code in staged:
        periods = _apply_staged(periods, staged[code])
    return _added_from(code, events, decrees, periods), remarks


def _added_from(
    code: str,
    events: list[lh.NoteEvent],
    decrees: dict[date, list[lh.Decree]],
    periods: list[Period],
) -> list[Period]:
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
    first["source"] = ln.SOURCE_ADDED(dof=dec.dof)
    first["note"] = ln.FRACTION_ADDED(
        dof=dec.dof, day=dec.effective.isoformat(),
        how=ln.HOW_COMPUTED() if how == "computed" else ln.HOW_READ(),
        evidence=dec.effective_evidence,
    )  # fmt: skip
    return [first, *periods[1:]]


def _apply_staged(
    periods: list[Period], steps: list[tuple[date, str, str]]
) -> list[Period]:
    """Split periods at staged dates that fall inside them (rates read from a transitory)."""
    out: list[Period] = []
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
            steps.append((when, rate, ln.SOURCE_TRANSITORY(dof="18-11-2022", article="Segundo")))
        codes = re.findall(r"\b\d{4}\.\d{2}\.\d{2}\b", flat)
        for c in codes:
            out.setdefault(c, []).extend(steps)
    return out


# ---------------------------------------------------------------------------------------------

