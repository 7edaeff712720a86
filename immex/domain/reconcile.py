"""Reconcile the Annex 24 ledger with what SAT holds (pure: plain records in, report out).

Six kinds of difference, each naming both sides' values and the record each came from:

``only_in_sat``       an import pedimento SAT has (Data Stage 501) that the ledger lacks;
``only_in_ledger``    a ledger pedimento SAT does not have (within SAT's coverage);
``quantity_value``    per pedimento and fracción: quantity in UMC, in UMT (when the ledger
                      has it) and USD value differing beyond the tolerance, a fracción on
                      one side only, or units that cannot be compared;
``discharge``         per original IN/AF pedimento and fracción: what SAT's 512 rows say
                      was discharged vs the discharge journal of the engine;
``rectification``     the ledger still uses a pedimento that SAT shows rectified (701);
``open_past_limit``   a temporary import SAT shows still open (551 minus 512) after its
                      legal time limit (the limit comes in as an argument: it is an
                      effective-dated parameter, RULES.md I-2, not a constant here).

Rectification chains: SAT's pedimento P rectified by R is compared through R (the current
version), so a ledger holding P is compared with R's lines and also gets a
``rectification`` difference; discharges that point to P count for R.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from functools import lru_cache

from immex.domain.discharge.rules import add_months
from immex.domain.ledger import LOT_KEYS, TEMPORARY_KEYS
from immex.domain.money import D

CATEGORIES = (
    "only_in_sat",
    "only_in_ledger",
    "quantity_value",
    "discharge",
    "rectification",
    "open_past_limit",
)

#: unit names → Annex 22 appendix 7 code (UMC/UMT of pedimentos); confidence M
UNIT_CODES: dict[str, str] = {
    **dict.fromkeys(("KG", "KGM", "KGS", "KILO", "KILOS", "KILOGRAMO"), "1"),
    **dict.fromkeys(("G", "GR", "GRM", "GRAMO"), "2"),
    **dict.fromkeys(("M", "MT", "MTR", "METRO", "METRO LINEAL"), "3"),
    **dict.fromkeys(("M2", "MTK", "METRO CUADRADO"), "4"),
    **dict.fromkeys(("M3", "MTQ", "METRO CUBICO"), "5"),
    **dict.fromkeys(("PZA", "PZ", "PZS", "PIEZA", "PIEZAS", "PCS", "PC", "EA", "H87", "C62"), "6"),
    **dict.fromkeys(("L", "LT", "LTR", "LITRO"), "8"),
    **dict.fromkeys(("PAR", "PR", "PARES"), "9"),
    **dict.fromkeys(("MIL", "MILLAR"), "11"),
    **dict.fromkeys(("JGO", "JUEGO", "SET", "KT", "KIT"), "12"),
    **dict.fromkeys(("TON", "TNE", "TONELADA"), "14"),
}


@lru_cache(maxsize=4096)
def unit_code(unit: str | int | None) -> str | None:
    """The Annex 22 appendix 7 code of a unit given as code or name (None if unknown)."""
    if unit is None:
        return None
    text = str(unit).strip().upper()
    if text.isdigit():
        return str(int(text))
    return UNIT_CODES.get(text)


@lru_cache(maxsize=65536)
def fraccion_digits(text: str | None) -> str | None:
    """``8544.30.99`` / ``85443099`` / ``8544309901`` → ``85443099``."""
    if not text:
        return None
    digits = "".join(ch for ch in text if ch.isdigit())
    return digits[:8] if len(digits) >= 8 else digits or None


@dataclass(frozen=True, slots=True)
class SatPedimento:
    number: str  # 15 digits
    clave: str
    tipo_operacion: int  # 1 import, 2 export
    paid: date
    ref: str
    superseded_by: str | None = None  # number of the pedimento that rectified it
    rectifies: str | None = None


@dataclass(frozen=True, slots=True)
class SatLine:
    number: str
    fraccion: str  # 8 digits
    secuencia: int
    qty_umc: Decimal | None
    umc: str | None  # Annex 22 code
    qty_umt: Decimal | None
    umt: str | None
    value_usd: Decimal | None
    ref: str


@dataclass(frozen=True, slots=True)
class SatDischarge:
    """A 512 row: ``number`` (paid ``paid``) discharges goods of ``original``."""

    number: str
    paid: date
    original: str
    clave_original: str | None
    fraccion: str | None
    unit: str | None
    quantity: Decimal | None
    ref: str


@dataclass(frozen=True, slots=True)
class LedgerPedimento:
    number: str
    clave: str
    entry_date: date
    ref: str


@dataclass(frozen=True, slots=True)
class LedgerLine:
    number: str
    fraccion: str
    quantity: Decimal  # in ``unit`` (the material's UMC)
    unit: str | None
    value_usd: Decimal | None
    ref: str
    qty_umt: Decimal | None = None


@dataclass(frozen=True, slots=True)
class LedgerDischarge:
    """Journal quantity taken from ``original`` (a lot's pedimento) on ``date``."""

    original: str
    fraccion: str
    quantity: Decimal
    unit: str | None
    date: date
    ref: str


@dataclass(frozen=True, slots=True)
class Tolerance:
    """Differences at or below these are not reported (absolute, in the unit compared)."""

    quantity: Decimal = Decimal("0.001")
    value_usd: Decimal = Decimal("1.00")


@dataclass(frozen=True, slots=True)
class Difference:
    category: str  # one of CATEGORIES
    pedimento: str
    fraccion: str | None
    field: str
    sat_value: Decimal | str | None
    ledger_value: Decimal | str | None
    difference: Decimal | None  # SAT − ledger where both are numbers
    sat_ref: str | None
    ledger_ref: str | None
    note: str = ""


@dataclass(frozen=True, slots=True)
class Report:
    date_from: date | None
    date_to: date | None
    as_of: date
    tolerance: Tolerance
    differences: tuple[Difference, ...]
    totals: dict[str, int]
    compared: dict[str, int]
    notes: tuple[str, ...] = field(default=())


# --------------------------------------------------------------------------- helpers


def _in(d: date, lo: date | None, hi: date | None) -> bool:
    return (lo is None or d >= lo) and (hi is None or d <= hi)


def _refs(refs: Iterable[str], limit: int = 3) -> str:
    items = sorted(set(refs))
    more = f" (+{len(items) - limit} more)" if len(items) > limit else ""
    return "; ".join(items[:limit]) + more


def chain_heads(peds: Iterable[SatPedimento]) -> dict[str, str]:
    """number → number of the current version (itself when not rectified)."""
    nxt = {p.number: p.superseded_by for p in peds if p.superseded_by}
    out: dict[str, str] = {}
    for start in nxt:
        seen = {start}
        cur = start
        while cur in nxt and nxt[cur] not in seen:
            cur = nxt[cur] or cur
            seen.add(cur)
        out[start] = cur
    return out


@dataclass
class _Agg:
    qty: dict[str | None, Decimal] = field(default_factory=lambda: defaultdict(Decimal))
    qty_umt: Decimal = Decimal(0)
    has_umt: bool = False
    umt_units: set[str | None] = field(default_factory=set)
    value: Decimal = Decimal(0)
    has_value: bool = False
    refs: list[str] = field(default_factory=list)


def _beyond(diff: Decimal, tol: Decimal) -> bool:
    return abs(diff) > tol


# --------------------------------------------------------------------------- reconcile


def reconcile(
    sat_pedimentos: Iterable[SatPedimento],
    sat_lines: Iterable[SatLine],
    sat_discharges: Iterable[SatDischarge],
    ledger_pedimentos: Iterable[LedgerPedimento],
    ledger_lines: Iterable[LedgerLine],
    ledger_discharges: Iterable[LedgerDischarge] | None,
    *,
    as_of: date,
    limit_months: Callable[[str, date], int | None],
    date_from: date | None = None,
    date_to: date | None = None,
    tolerance: Tolerance = Tolerance(),
    sat_coverage: tuple[date, date] | None = None,
    ledger_claves: Iterable[str] = LOT_KEYS,
) -> Report:
    """Compare the ledger with SAT's data; see the module docstring.

    ``ledger_discharges`` None means the ledger has no discharge journal yet (the
    ``discharge`` category is then skipped and a note says so). ``limit_months(clave,
    start)`` gives the legal time limit of a temporary import (None: no limit).
    """
    speds = {p.number: p for p in sat_pedimentos}
    heads = chain_heads(speds.values())

    def head(n: str) -> str:
        return heads.get(n, n)

    lpeds = {p.number: p for p in ledger_pedimentos}
    claves = frozenset(ledger_claves)
    diffs: list[Difference] = []
    notes: list[str] = []
    compared: dict[str, int] = defaultdict(int)

    # -- presence and rectifications -------------------------------------------------------
    members: dict[str, set[str]] = defaultdict(set)
    for n in speds:
        members[head(n)].add(n)
    pairs: dict[str, str] = {}  # ledger number → SAT head it is compared with
    for h, group in members.items():
        hp = speds[h]
        if hp.tipo_operacion != 1 or hp.clave not in claves:
            continue
        in_ledger = sorted(group & lpeds.keys())
        in_period = any(_in(speds[n].paid, date_from, date_to) for n in group)
        if not in_ledger:
            if in_period:
                compared["pedimentos"] += 1
                note = (f"current version of {', '.join(sorted(group - {h}))} (rectified)"
                        if len(group) > 1 else "")  # fmt: skip
                diffs.append(Difference("only_in_sat", h, None, "pedimento",
                                        f"{hp.clave} paid {hp.paid.isoformat()}", None, None,
                                        hp.ref, None, note))  # fmt: skip
            continue
        for n in in_ledger:
            lp = lpeds[n]
            if not (in_period or _in(lp.entry_date, date_from, date_to)):
                continue
            compared["pedimentos"] += 1
            pairs[n] = h
            if n != h:
                diffs.append(Difference(
                    "rectification", n, None, "current version", h, n, None, hp.ref, lp.ref,
                    f"SAT shows {n} rectified; its current version is {h} ({hp.clave}, paid "
                    f"{hp.paid.isoformat()}): the ledger should carry {h}",
                ))  # fmt: skip
            if lp.clave != hp.clave:
                diffs.append(
                    Difference(
                        "quantity_value",
                        n,
                        None,
                        "clave",
                        hp.clave,
                        lp.clave,
                        None,
                        hp.ref,
                        lp.ref,
                        "pedimento keys differ",
                    )
                )
    known = set(speds)
    for n, lp in sorted(lpeds.items()):
        if n in known or not _in(lp.entry_date, date_from, date_to):
            continue
        if sat_coverage and not _in(lp.entry_date, sat_coverage[0], sat_coverage[1]):
            compared["ledger_outside_sat_coverage"] += 1
            continue
        compared["pedimentos"] += 1
        diffs.append(Difference("only_in_ledger", n, None, "pedimento", None,
                                f"{lp.clave} entered {lp.entry_date.isoformat()}", None, None,
                                lp.ref))  # fmt: skip

    # -- quantities and values per pedimento and fracción ---------------------------------
    wanted = set(pairs.values())
    sat_agg: dict[tuple[str, str], _Agg] = defaultdict(_Agg)
    sat_lines_by_ped: dict[str, list[SatLine]] = defaultdict(list)
    for ln in sat_lines:
        sat_lines_by_ped[ln.number].append(ln)
        if ln.number in wanted:
            a = sat_agg[(ln.number, ln.fraccion)]
            if ln.qty_umc is not None:
                a.qty[unit_code(ln.umc)] += ln.qty_umc
            if ln.qty_umt is not None:
                a.qty_umt += ln.qty_umt
                a.has_umt = True
                a.umt_units.add(unit_code(ln.umt))
            if ln.value_usd is not None:
                a.value += ln.value_usd
                a.has_value = True
            a.refs.append(ln.ref)
    led_agg: dict[tuple[str, str], _Agg] = defaultdict(_Agg)
    led_lines_by_ped: dict[str, list[LedgerLine]] = defaultdict(list)
    for ll in ledger_lines:
        frac = fraccion_digits(ll.fraccion) or ""
        led_lines_by_ped[ll.number].append(ll)
        if ll.number in pairs:
            a = led_agg[(pairs[ll.number], frac)]
            a.qty[unit_code(ll.unit)] += ll.quantity
            if ll.qty_umt is not None:
                a.qty_umt += ll.qty_umt
                a.has_umt = True
            if ll.value_usd is not None:
                a.value += ll.value_usd
                a.has_value = True
            a.refs.append(ll.ref)
    for h, frac in sorted(set(sat_agg) | set(led_agg)):
        s, g = sat_agg.get((h, frac)), led_agg.get((h, frac))
        compared["pedimento_fracciones"] += 1
        if s is None or g is None:
            present = s or g
            assert present is not None
            qty = "; ".join(f"{q} (unit {u})" for u, q in sorted(
                present.qty.items(), key=lambda kv: str(kv[0])))  # fmt: skip
            diffs.append(Difference(
                "quantity_value", h, frac, "fracción", qty if s else None, qty if g else None,
                None, _refs(s.refs) if s else None, _refs(g.refs) if g else None,
                "fracción on one side only",
            ))  # fmt: skip
            continue
        sat_ref, led_ref = _refs(s.refs), _refs(g.refs)
        if set(s.qty) == set(g.qty):
            for unit in sorted(s.qty, key=str):
                d = s.qty[unit] - g.qty[unit]
                if _beyond(d, tolerance.quantity):
                    diffs.append(
                        Difference(
                            "quantity_value",
                            h,
                            frac,
                            f"qty_umc (unit {unit})",
                            s.qty[unit],
                            g.qty[unit],
                            d,
                            sat_ref,
                            led_ref,
                        )
                    )
        else:
            diffs.append(Difference(
                "quantity_value", h, frac, "unit",
                ", ".join(f"{q} ({u})" for u, q in s.qty.items()),
                ", ".join(f"{q} ({u})" for u, q in g.qty.items()),
                None, sat_ref, led_ref, "units differ: quantities not comparable",
            ))  # fmt: skip
        if s.has_umt and g.has_umt:
            d = s.qty_umt - g.qty_umt
            if _beyond(d, tolerance.quantity):
                diffs.append(
                    Difference(
                        "quantity_value",
                        h,
                        frac,
                        "qty_umt",
                        s.qty_umt,
                        g.qty_umt,
                        d,
                        sat_ref,
                        led_ref,
                    )
                )
        if s.has_value and g.has_value:
            d = s.value - g.value
            if _beyond(d, tolerance.value_usd):
                diffs.append(Difference("quantity_value", h, frac, "value_usd", s.value, g.value,
                                        d, sat_ref, led_ref))  # fmt: skip

    # -- discharges -------------------------------------------------------------------------
    all_sat_discharges = list(sat_discharges)
    journal = None if ledger_discharges is None else list(ledger_discharges)
    journal_by_orig: dict[str, list[LedgerDischarge]] = defaultdict(list)
    for ld in journal or ():
        journal_by_orig[ld.original].append(ld)
    if journal is None:
        notes.append("the ledger has no discharge journal yet (run `immex discharge run`): "
                     "SAT's 512 discharges were not compared")  # fmt: skip
    else:
        s_dis: dict[tuple[str, str | None], _Agg] = defaultdict(_Agg)
        for sd in all_sat_discharges:
            if not _in(sd.paid, date_from, date_to):
                continue
            a = s_dis[(head(sd.original), sd.fraccion)]
            if sd.quantity is not None:
                a.qty[unit_code(sd.unit)] += sd.quantity
            a.refs.append(sd.ref)
        l_dis: dict[tuple[str, str], _Agg] = defaultdict(_Agg)
        for ld in journal:
            if not _in(ld.date, date_from, date_to):
                continue
            a = l_dis[(head(ld.original), fraccion_digits(ld.fraccion) or "")]
            a.qty[unit_code(ld.unit)] += ld.quantity
            a.refs.append(ld.ref)
        whole = {orig for (orig, frac) in s_dis if frac is None}
        s_by_orig: dict[str, list[_Agg]] = defaultdict(list)
        for (o, _f), a in s_dis.items():
            if o in whole:
                s_by_orig[o].append(a)
        l_by_orig: dict[str, list[_Agg]] = defaultdict(list)
        for (o, _f), a in l_dis.items():
            if o in whole:
                l_by_orig[o].append(a)
        keys: set[tuple[str, str | None]] = {k for k in s_dis if k[0] not in whole}
        keys |= {(o, f) for (o, f) in l_dis if o not in whole}
        keys |= {(o, None) for o in whole}
        for orig, dfrac in sorted(keys, key=lambda k: (k[0], k[1] or "")):
            compared["discharge_groups"] += 1
            if dfrac is None:  # SAT did not say the fracción: compare the pedimento's total
                s_tot = _Agg()
                for a in s_by_orig[orig]:
                    for u, q in a.qty.items():
                        s_tot.qty[u] += q
                    s_tot.refs += a.refs
                g_tot = _Agg()
                for a in l_by_orig[orig]:
                    for u, q in a.qty.items():
                        g_tot.qty[u] += q
                    g_tot.refs += a.refs
                s, g, note = s_tot, g_tot, "SAT 512 rows without fracción: compared per pedimento"
            else:
                s, g, note = s_dis.get((orig, dfrac), _Agg()), l_dis.get((orig, dfrac), _Agg()), ""
            units = set(s.qty) | set(g.qty)
            if len(units) > 1:
                diffs.append(Difference(
                    "discharge", orig, dfrac, "unit",
                    ", ".join(f"{q} ({u})" for u, q in s.qty.items()) or None,
                    ", ".join(f"{q} ({u})" for u, q in g.qty.items()) or None, None,
                    _refs(s.refs) or None, _refs(g.refs) or None,
                    (note + "; " if note else "") + "units differ or are missing",
                ))  # fmt: skip
                continue
            sq = sum(s.qty.values(), Decimal(0))
            gq = sum(g.qty.values(), Decimal(0))
            if _beyond(sq - gq, tolerance.quantity):
                diffs.append(Difference(
                    "discharge", orig, dfrac, "discharged", sq if s.refs else None,
                    gq if g.refs else None, sq - gq, _refs(s.refs) or None,
                    _refs(g.refs) or None,
                    note or ("not in SAT's 512" if not s.refs else
                             "not in the discharge journal" if not g.refs else ""),
                ))  # fmt: skip

    # -- temporary imports open past their limit (SAT's view) -------------------------------
    discharged_by_head: dict[str, dict[str | None, _Agg]] = defaultdict(lambda: defaultdict(_Agg))
    for sd in all_sat_discharges:
        if sd.paid <= as_of:
            a = discharged_by_head[head(sd.original)][sd.fraccion]
            if sd.quantity is not None:
                a.qty[unit_code(sd.unit)] += sd.quantity
            a.refs.append(sd.ref)
    for h in sorted(members):
        hp = speds[h]
        if hp.tipo_operacion != 1 or hp.clave not in TEMPORARY_KEYS or hp.paid > as_of:
            continue
        start = min(speds[n].paid for n in members[h])  # the clock runs from the original
        months = limit_months(hp.clave, start)
        if months is None:
            continue
        limit = add_months(start, months)
        if as_of <= limit:
            continue
        compared["temporary_imports_past_limit_date"] += 1
        by_frac: dict[str, _Agg] = defaultdict(_Agg)
        for ln in sat_lines_by_ped.get(h, []):
            a = by_frac[ln.fraccion]
            if ln.qty_umt is not None:
                a.qty[unit_code(ln.umt)] += ln.qty_umt
            if ln.qty_umc is not None and unit_code(ln.umc) != unit_code(ln.umt):
                a.qty[f"umc:{unit_code(ln.umc)}"] += ln.qty_umc
            a.refs.append(ln.ref)
        discharged = discharged_by_head.get(h, {})
        unassigned = sum(discharged[None].qty.values(), Decimal(0)) if None in discharged else 0
        ledger_open = _ledger_open(h, members[h], led_lines_by_ped, journal_by_orig, as_of)
        for frac, a in sorted(by_frac.items()):
            dis = discharged.get(frac) or _Agg()
            unit = next((u for u in a.qty if not str(u).startswith("umc:")), None)
            imported = a.qty.get(unit, D(0))
            out = sum(dis.qty.values(), Decimal(0))
            if dis.qty and set(dis.qty) - {unit}:
                imported = sum((q for u, q in a.qty.items() if u in dis.qty or
                                str(u) in {f"umc:{x}" for x in dis.qty}), Decimal(0))  # fmt: skip
            open_qty = imported - out
            if unassigned:
                continue  # handled per pedimento below
            if _beyond(open_qty, tolerance.quantity) and open_qty > 0:
                lo = ledger_open.get(frac)
                diffs.append(Difference(
                    "open_past_limit", h, frac, "open quantity (UMT)", open_qty, lo,
                    None if lo is None else open_qty - lo, _refs(a.refs + dis.refs), None,
                    f"{hp.clave} paid {start.isoformat()}, limit {months} months → "
                    f"{limit.isoformat()}, still open on {as_of.isoformat()}; regularise (A3) "
                    "or return it",
                ))  # fmt: skip
        if unassigned:
            total = sum((sum(a.qty.values(), Decimal(0)) for a in by_frac.values()), Decimal(0))
            total -= sum((sum(a.qty.values(), Decimal(0)) for a in discharged.values()),
                         Decimal(0))  # fmt: skip
            if _beyond(total, tolerance.quantity) and total > 0:
                lo_total = sum(ledger_open.values(), Decimal(0)) if ledger_open else None
                diffs.append(Difference(
                    "open_past_limit", h, None, "open quantity (all fracciones)", total,
                    lo_total, None if lo_total is None else total - lo_total, hp.ref, None,
                    f"limit {limit.isoformat()} passed; SAT's 512 rows without fracción "
                    f"({unassigned}) counted against the whole pedimento",
                ))  # fmt: skip

    totals = dict.fromkeys(CATEGORIES, 0)
    for diff in diffs:
        totals[diff.category] += 1
    return Report(date_from, date_to, as_of, tolerance, tuple(diffs), totals, dict(compared),
                  tuple(notes))  # fmt: skip


def _ledger_open(
    h: str,
    group: set[str],
    lines: Mapping[str, list[LedgerLine]],
    discharges: Mapping[str, list[LedgerDischarge]],
    as_of: date,
) -> dict[str, Decimal]:
    """The ledger's open quantity per fracción of the pedimento (or its rectified versions)."""
    out: dict[str, Decimal] = defaultdict(Decimal)
    found = False
    for n in group | {h}:
        for ll in lines.get(n, []):
            out[fraccion_digits(ll.fraccion) or ""] += ll.quantity
            found = True
    if not found:
        return {}
    for n in group | {h}:
        for ld in discharges.get(n, ()):
            if ld.date <= as_of:
                out[fraccion_digits(ld.fraccion) or ""] -= ld.quantity
    return dict(out)
