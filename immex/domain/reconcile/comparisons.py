"""The steps of the reconciliation, each adding the differences of one kind of check.

A :class:`Comparison` carries what every step reads (both sides' pedimentos, SAT's
rectification chains, the period, the tolerance) and collects what they find; the steps
run in the order of :func:`immex.domain.reconcile.reconcile`: presence and rectifications,
quantities and values, discharges, temporary imports open past their limit.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from immex.domain.codes import format_pedimento
from immex.domain.discharge.rules import add_months
from immex.domain.ledger import TEMPORARY_KEYS
from immex.domain.messages import Msg, joined
from immex.domain.money import D
from immex.domain.reconcile import wording as m
from immex.domain.reconcile.records import (
    Agg,
    Difference,
    LedgerDischarge,
    LedgerLine,
    LedgerPedimento,
    SatDischarge,
    SatLine,
    SatPedimento,
    Tolerance,
    beyond,
    fraccion_digits,
    in_period,
    refs_text,
    unit_code,
)


@dataclass
class Comparison:
    """Both sides, the period and tolerance; the differences, notes and counts found."""

    speds: dict[str, SatPedimento]
    heads: dict[str, str]
    lpeds: dict[str, LedgerPedimento]
    date_from: date | None
    date_to: date | None
    as_of: date
    tolerance: Tolerance
    diffs: list[Difference] = field(default_factory=list)
    notes: list[Msg] = field(default_factory=list)
    compared: dict[str, int] = field(default_factory=lambda: defaultdict(int))

    def head(self, n: str) -> str:
        """The current version of SAT's pedimento ``n`` (itself when not rectified)."""
        return self.heads.get(n, n)

    def in_period(self, d: date) -> bool:
        return in_period(d, self.date_from, self.date_to)


@dataclass
class LineGroups:
    """Both sides' lines summed per (SAT head, fracción), and listed per pedimento."""

    sat: dict[tuple[str, str], Agg]
    ledger: dict[tuple[str, str], Agg]
    sat_by_ped: dict[str, list[SatLine]]
    ledger_by_ped: dict[str, list[LedgerLine]]


# --------------------------------------------------------------------------- presence


def compare_presence(
    c: Comparison, claves: frozenset[str], sat_coverage: tuple[date, date] | None
) -> tuple[dict[str, set[str]], dict[str, str]]:
    """Pedimentos on one side only, rectified ones the ledger still uses, keys that differ.

    Returns SAT's chains (head → its versions) and the pairs compared (ledger number → the
    SAT head it is compared with)."""
    speds, lpeds = c.speds, c.lpeds
    members: dict[str, set[str]] = defaultdict(set)
    for n in speds:
        members[c.head(n)].add(n)
    pairs: dict[str, str] = {}
    for h, group in members.items():
        hp = speds[h]
        if hp.tipo_operacion != 1 or hp.clave not in claves:
            continue
        in_ledger = sorted(group & lpeds.keys())
        paid_in_period = any(c.in_period(speds[n].paid) for n in group)
        if not in_ledger:
            if paid_in_period:
                c.compared["pedimentos"] += 1
                older = ", ".join(format_pedimento(x) for x in sorted(group - {h}))
                note = m.NOTE_CURRENT_VERSION_OF(numbers=older) if len(group) > 1 else ""
                c.diffs.append(Difference("only_in_sat", h, None, m.FIELD_PEDIMENTO(),
                                          m.VALUE_SAT_PAID(clave=hp.clave,
                                                           day=hp.paid.isoformat()),
                                          None, None, hp.ref, None, note))  # fmt: skip
            continue
        for n in in_ledger:
            lp = lpeds[n]
            if not (paid_in_period or c.in_period(lp.entry_date)):
                continue
            c.compared["pedimentos"] += 1
            pairs[n] = h
            if n != h:
                c.diffs.append(Difference(
                    "rectification", n, None, m.FIELD_CURRENT_VERSION(), h, n, None, hp.ref,
                    lp.ref,
                    m.NOTE_RECTIFIED(number=format_pedimento(n), current=format_pedimento(h),
                                     clave=hp.clave, day=hp.paid.isoformat()),
                ))  # fmt: skip
            if lp.clave != hp.clave:
                c.diffs.append(Difference("quantity_value", n, None, m.FIELD_CLAVE(), hp.clave,
                                          lp.clave, None, hp.ref, lp.ref,
                                          m.NOTE_KEYS_DIFFER()))  # fmt: skip
    for n, lp in sorted(lpeds.items()):
        if n in speds or not c.in_period(lp.entry_date):
            continue
        if sat_coverage and not in_period(lp.entry_date, sat_coverage[0], sat_coverage[1]):
            c.compared["ledger_outside_sat_coverage"] += 1
            continue
        c.compared["pedimentos"] += 1
        c.diffs.append(Difference("only_in_ledger", n, None, m.FIELD_PEDIMENTO(), None,
                                  m.VALUE_LEDGER_ENTERED(clave=lp.clave,
                                                         day=lp.entry_date.isoformat()),
                                  None, None, lp.ref))  # fmt: skip
    return members, pairs


# --------------------------------------------------------------------------- lines


def group_lines(
    sat_lines: Iterable[SatLine], ledger_lines: Iterable[LedgerLine], pairs: dict[str, str]
) -> LineGroups:
    """Both sides' lines summed per (SAT head, fracción) for the pairs compared."""
    wanted = set(pairs.values())
    sat_agg: dict[tuple[str, str], Agg] = defaultdict(Agg)
    sat_by_ped: dict[str, list[SatLine]] = defaultdict(list)
    for ln in sat_lines:
        sat_by_ped[ln.number].append(ln)
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
    led_agg: dict[tuple[str, str], Agg] = defaultdict(Agg)
    led_by_ped: dict[str, list[LedgerLine]] = defaultdict(list)
    for ll in ledger_lines:
        frac = fraccion_digits(ll.fraccion) or ""
        led_by_ped[ll.number].append(ll)
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
    return LineGroups(sat_agg, led_agg, sat_by_ped, led_by_ped)


def compare_lines(c: Comparison, groups: LineGroups) -> None:
    """Per pedimento and fracción: quantities (UMC, UMT) and USD value, units, presence."""
    tolerance = c.tolerance
    sat_agg, led_agg = groups.sat, groups.ledger
    for h, frac in sorted(set(sat_agg) | set(led_agg)):
        s, g = sat_agg.get((h, frac)), led_agg.get((h, frac))
        c.compared["pedimento_fracciones"] += 1
        if s is None or g is None:
            present = s or g
            assert present is not None
            qty = joined([m.VALUE_QTY_UNIT(qty=q, unit=u) for u, q in sorted(
                present.qty.items(), key=lambda kv: str(kv[0]))])  # fmt: skip
            c.diffs.append(Difference(
                "quantity_value", h, frac, m.FIELD_FRACCION(), qty if s else None,
                qty if g else None, None, refs_text(s.refs) if s else None,
                refs_text(g.refs) if g else None, m.NOTE_FRACCION_ONE_SIDE(),
            ))  # fmt: skip
            continue
        sat_ref, led_ref = refs_text(s.refs), refs_text(g.refs)
        if set(s.qty) == set(g.qty):
            for unit in sorted(s.qty, key=str):
                d = s.qty[unit] - g.qty[unit]
                if beyond(d, tolerance.quantity):
                    c.diffs.append(Difference("quantity_value", h, frac,
                                              m.FIELD_QTY_UMC(unit=unit), s.qty[unit],
                                              g.qty[unit], d, sat_ref, led_ref))  # fmt: skip
        else:
            c.diffs.append(Difference(
                "quantity_value", h, frac, m.FIELD_UNIT(),
                ", ".join(f"{q} ({u})" for u, q in s.qty.items()),
                ", ".join(f"{q} ({u})" for u, q in g.qty.items()),
                None, sat_ref, led_ref, m.NOTE_UNITS_NOT_COMPARABLE(),
            ))  # fmt: skip
        if s.has_umt and g.has_umt:
            d = s.qty_umt - g.qty_umt
            if beyond(d, tolerance.quantity):
                c.diffs.append(Difference("quantity_value", h, frac, m.FIELD_QTY_UMT(),
                                          s.qty_umt, g.qty_umt, d, sat_ref,
                                          led_ref))  # fmt: skip
        if s.has_value and g.has_value:
            d = s.value - g.value
            if beyond(d, tolerance.value_usd):
                c.diffs.append(Difference("quantity_value", h, frac, m.FIELD_VALUE_USD(),
                                          s.value, g.value, d, sat_ref, led_ref))  # fmt: skip


# --------------------------------------------------------------------------- discharges


def _total(aggs: list[Agg]) -> Agg:
    out = Agg()
    for a in aggs:
        for u, q in a.qty.items():
            out.qty[u] += q
        out.refs += a.refs
    return out


def compare_discharges(
    c: Comparison, sat_discharges: list[SatDischarge], journal: list[LedgerDischarge] | None
) -> None:
    """What SAT's 512 rows say was discharged from each original vs the discharge journal."""
    if journal is None:
        c.notes.append(m.NOTE_NO_JOURNAL())
        return
    s_dis: dict[tuple[str, str | None], Agg] = defaultdict(Agg)
    for sd in sat_discharges:
        if not c.in_period(sd.paid):
            continue
        a = s_dis[(c.head(sd.original), sd.fraccion)]
        if sd.quantity is not None:
            a.qty[unit_code(sd.unit)] += sd.quantity
        a.refs.append(sd.ref)
    l_dis: dict[tuple[str, str], Agg] = defaultdict(Agg)
    for ld in journal:
        if not c.in_period(ld.date):
            continue
        a = l_dis[(c.head(ld.original), fraccion_digits(ld.fraccion) or "")]
        a.qty[unit_code(ld.unit)] += ld.quantity
        a.refs.append(ld.ref)
    whole = {orig for (orig, frac) in s_dis if frac is None}
    s_by_orig: dict[str, list[Agg]] = defaultdict(list)
    for (o, _f), a in s_dis.items():
        if o in whole:
            s_by_orig[o].append(a)
    l_by_orig: dict[str, list[Agg]] = defaultdict(list)
    for (o, _f), a in l_dis.items():
        if o in whole:
            l_by_orig[o].append(a)
    keys: set[tuple[str, str | None]] = {k for k in s_dis if k[0] not in whole}
    keys |= {(o, f) for (o, f) in l_dis if o not in whole}
    keys |= {(o, None) for o in whole}
    for orig, dfrac in sorted(keys, key=lambda k: (k[0], k[1] or "")):
        c.compared["discharge_groups"] += 1
        if dfrac is None:  # SAT did not say the fracción: compare the pedimento's total
            s, g = _total(s_by_orig[orig]), _total(l_by_orig[orig])
            note: Msg | str = m.NOTE_PER_PEDIMENTO()
        else:
            s, g, note = s_dis.get((orig, dfrac), Agg()), l_dis.get((orig, dfrac), Agg()), ""
        _compare_discharged(c, orig, dfrac, s, g, note)


def _compare_discharged(
    c: Comparison, orig: str, dfrac: str | None, s: Agg, g: Agg, note: Msg | str
) -> None:
    units = set(s.qty) | set(g.qty)
    if len(units) > 1:
        c.diffs.append(Difference(
            "discharge", orig, dfrac, m.FIELD_UNIT(),
            ", ".join(f"{q} ({u})" for u, q in s.qty.items()) or None,
            ", ".join(f"{q} ({u})" for u, q in g.qty.items()) or None, None,
            refs_text(s.refs) or None, refs_text(g.refs) or None,
            joined([note, m.NOTE_UNITS_MISSING()] if note else [m.NOTE_UNITS_MISSING()]),
        ))  # fmt: skip
        return
    sq = sum(s.qty.values(), Decimal(0))
    gq = sum(g.qty.values(), Decimal(0))
    if beyond(sq - gq, c.tolerance.quantity):
        c.diffs.append(Difference(
            "discharge", orig, dfrac, m.FIELD_DISCHARGED(), sq if s.refs else None,
            gq if g.refs else None, sq - gq, refs_text(s.refs) or None,
            refs_text(g.refs) or None,
            note or (m.NOTE_NOT_IN_512() if not s.refs else
                     m.NOTE_NOT_IN_JOURNAL() if not g.refs else ""),
        ))  # fmt: skip


# --------------------------------------------------------------------------- time limits


def compare_open_past_limit(
    c: Comparison,
    members: dict[str, set[str]],
    sat_discharges: list[SatDischarge],
    groups: LineGroups,
    journal_by_orig: Mapping[str, list[LedgerDischarge]],
    limit_months: Callable[[str, date], int | None],
) -> None:
    """Temporary imports SAT shows still open (551 minus 512) after their legal limit."""
    as_of = c.as_of
    discharged_by_head: dict[str, dict[str | None, Agg]] = defaultdict(lambda: defaultdict(Agg))
    for sd in sat_discharges:
        if sd.paid <= as_of:
            a = discharged_by_head[c.head(sd.original)][sd.fraccion]
            if sd.quantity is not None:
                a.qty[unit_code(sd.unit)] += sd.quantity
            a.refs.append(sd.ref)
    for h in sorted(members):
        hp = c.speds[h]
        if hp.tipo_operacion != 1 or hp.clave not in TEMPORARY_KEYS or hp.paid > as_of:
            continue
        start = min(c.speds[n].paid for n in members[h])  # the clock runs from the original
        months = limit_months(hp.clave, start)
        if months is None:
            continue
        limit = add_months(start, months)
        if as_of <= limit:
            continue
        c.compared["temporary_imports_past_limit_date"] += 1
        ledger_open = _ledger_open(h, members[h], groups.ledger_by_ped, journal_by_orig, as_of)
        _compare_open(c, hp, (start, months, limit), groups.sat_by_ped.get(h, []),
                      discharged_by_head.get(h, {}), ledger_open)  # fmt: skip


def _compare_open(
    c: Comparison,
    hp: SatPedimento,
    clock: tuple[date, int, date],
    lines: list[SatLine],
    discharged: dict[str | None, Agg],
    ledger_open: dict[str, Decimal],
) -> None:
    """The open quantities of one temporary import past its limit (``clock``: start,
    months, limit date), per fracción — or per pedimento when SAT's 512 rows name none."""
    h, as_of = hp.number, c.as_of
    start, months, limit = clock
    by_frac: dict[str, Agg] = defaultdict(Agg)
    for ln in lines:
        a = by_frac[ln.fraccion]
        if ln.qty_umt is not None:
            a.qty[unit_code(ln.umt)] += ln.qty_umt
        if ln.qty_umc is not None and unit_code(ln.umc) != unit_code(ln.umt):
            a.qty[f"umc:{unit_code(ln.umc)}"] += ln.qty_umc
        a.refs.append(ln.ref)
    unassigned = sum(discharged[None].qty.values(), Decimal(0)) if None in discharged else 0
    for frac, a in sorted(by_frac.items()):
        dis = discharged.get(frac) or Agg()
        unit = next((u for u in a.qty if not str(u).startswith("umc:")), None)
        imported = a.qty.get(unit, D(0))
        out = sum(dis.qty.values(), Decimal(0))
        if dis.qty and set(dis.qty) - {unit}:
            imported = sum((q for u, q in a.qty.items() if u in dis.qty or
                            str(u) in {f"umc:{x}" for x in dis.qty}), Decimal(0))  # fmt: skip
        open_qty = imported - out
        if unassigned:
            continue  # handled per pedimento below
        if beyond(open_qty, c.tolerance.quantity) and open_qty > 0:
            lo = ledger_open.get(frac)
            c.diffs.append(Difference(
                "open_past_limit", h, frac, m.FIELD_OPEN_UMT(), open_qty, lo,
                None if lo is None else open_qty - lo, refs_text(a.refs + dis.refs), None,
                m.NOTE_OPEN_PAST_LIMIT(clave=hp.clave, start=start.isoformat(), months=months,
                                       limit=limit.isoformat(), as_of=as_of.isoformat()),
            ))  # fmt: skip
    if unassigned:
        total = sum((sum(a.qty.values(), Decimal(0)) for a in by_frac.values()), Decimal(0))
        total -= sum((sum(a.qty.values(), Decimal(0)) for a in discharged.values()),
                     Decimal(0))  # fmt: skip
        if beyond(total, c.tolerance.quantity) and total > 0:
            lo_total = sum(ledger_open.values(), Decimal(0)) if ledger_open else None
            c.diffs.append(Difference(
                "open_past_limit", h, None, m.FIELD_OPEN_ALL(), total,
                lo_total, None if lo_total is None else total - lo_total, hp.ref, None,
                m.NOTE_OPEN_PAST_LIMIT_WHOLE(limit=limit.isoformat(), quantity=unassigned),
            ))  # fmt: skip


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
