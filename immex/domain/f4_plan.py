"""The F4 plan (change of regime, LA 109): lot portions priced and grouped into lines.

The domestic-sale lot portions of a period (:mod:`immex.domain.lot_portions`) are priced
with the duty engine's batch API (:func:`immex.domain.duties.compute_f4_batch`) twice — once
with the company's PROSEC sectors and certificates (the best lawful rate), once with no
programs (MFN only) — and grouped into the lines of the F4 pedimento(s) to file: one line
per (fracción, origin, program and its detail, rate). Every line keeps the portions it is
made of, each with its full trace.

Figures: a line's amounts are the sums of its portions' results (each portion rounded to
whole pesos by the engine at the legal step, CFF 20), so the plan's totals equal the sum of
the per-lot duty results exactly; savings = MFN-only total − best-rate total.
"""

from __future__ import annotations

import calendar
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from immex.domain.duties import DutyContext, F4Request, F4Result, compute_f4_batch
from immex.domain.duties import F4Policy as F4Policy  # its home is the F4 duty; named here too
from immex.domain.f4_dta import DtaBasis, DtaPortion, PedimentoDta, pedimento_dta
from immex.domain.lot_portions import LotPortion, merge_by_lot
from immex.domain.lot_portions import sum_decimals as _sum
from immex.domain.messages import Template
from immex.domain.money import ZERO
from immex.domain.rates import MFN
from immex.domain.series import Month, month_str

#: F4 amounts summed per line / plan
AMOUNTS = ("customs_value_mxn", "igi", "igi_updated", "dta", "iva", "total")


NOTE_CHANGE_DATE = Template("note.f4_change_date", "change date {day}")
NOTE_CHANGE_DATE_DEFAULT = Template(
    "note.f4_change_date_default",
    "change date {day} (last weekday of the period; pass the F4 pedimento's date)",
)
NOTE_POLICY_ENTRY = Template(
    "policy.note_entry", "policy: rates and exchange rate of the entry date (LA 56)"
)()
NOTE_POLICY_CHANGE = Template(
    "policy.note_change",
    "policy: rates and exchange rate of the date of the change of regime (LA 93)",
)()
NOTE_MERGED = Template(
    "note.f4_merged",
    "{lots}, one per temporary-import lot, merged from {allocations}; each lot portion is one "
    "engine computation rounded to whole pesos (CFF 20); line and plan figures are their sums; "
    "the LFD 49 DTA minimum is per pedimento: checked on the whole F4 pedimento",
)
#: the counts of the merge note, each in the form its number takes
N_ALLOCATIONS = Template(
    "note.n_f4_allocations", "{n} journal allocation", "{n} journal allocations"
)
N_PORTIONS = Template("note.n_f4_portions", "{n} lot portion", "{n} lot portions")
NOTE_DTA_MINIMUM = Template(
    "note.f4_dta_minimum",
    "DTA: the F4 pedimento's 8 per thousand ({exact}) is below the LFD 49-III fee ({fee}, "
    "{source}) in force on {day}: the pedimento pays the fee; {dta} more DTA and {iva} more IVA "
    "spread over its lines by customs value (LFD 49, penultimate paragraph; RULES C-10)",
)
WARN_DTA_NOT_CHECKED = Template(
    "warn.f4_dta_not_checked",
    "DTA: the LFD 49-III fee in force on {day} is not in the data, so the minimum per pedimento "
    "(LFD 49, penultimate paragraph) could not be applied: the F4 may owe more DTA and IVA than "
    "shown — load the DTA fixed fee of that year with `immex rates load parameters` (in the "
    "file, parameter dta.immex_temporary_fee)",
)
WARN_DTA_IV_PER_PORTION = Template(
    "warn.f4_dta_iv_per_portion",
    "DTA: {n} originating lot portions each carry the LFD 49-IV fixed fee, which is due once per "
    "pedimento: the plan counts it once per portion",
)


@dataclass(frozen=True, slots=True)
class PricedPortion:
    portion: LotPortion
    best: F4Result
    mfn: F4Result

    @property
    def savings(self) -> Decimal:
        return self.mfn.total - self.best.total


@dataclass(frozen=True, slots=True)
class F4Line:
    """One line of an F4 pedimento: same fracción, origin, program and rate."""

    number: int
    fraccion: str
    origin: str
    program: str  # MFN | PROSEC | REGLA8 | FTA:<agreement>
    program_detail: str  # "sector II" …
    rate: Decimal
    mfn_rate: Decimal
    portions: tuple[PricedPortion, ...]
    quantity: Decimal
    value_usd: Decimal
    customs_value_mxn: Decimal
    igi: Decimal
    igi_updated: Decimal
    dta: Decimal
    iva: Decimal
    total: Decimal
    total_mfn: Decimal
    savings: Decimal
    pedimentos: tuple[str, ...]
    warnings: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class F4Plan:
    company_rfc: str
    company_name: str
    period: str  # YYYY-MM
    change_date: date
    policy: F4Policy
    prosec_sectors: tuple[str, ...]
    lines: tuple[F4Line, ...]
    totals: dict[str, Decimal]
    totals_mfn: dict[str, Decimal]
    savings: Decimal
    savings_by_program: dict[str, Decimal]
    portions: int
    warnings: tuple[str, ...] = ()
    notes: tuple[str, ...] = field(default=())
    allocations: int = 0  # journal rows behind the portions
    #: the pedimento's DTA and its LFD 49 minimum (best rate, and MFN only)
    dta: PedimentoDta | None = None
    dta_mfn: PedimentoDta | None = None

    def to_dict(self, traces: bool = True) -> dict[str, Any]:
        return {
            "company": {"rfc": self.company_rfc, "name": self.company_name},
            "period": self.period,
            "change_date": self.change_date,
            "policy": self.policy,
            "prosec_sectors": list(self.prosec_sectors),
            "portions": self.portions,
            "allocations": self.allocations,
            "totals": self.totals,
            "totals_mfn": self.totals_mfn,
            "savings": self.savings,
            "savings_by_program": self.savings_by_program,
            "lines": [_line_dict(ln, traces) for ln in self.lines],
            "warnings": list(self.warnings),
            "notes": list(self.notes),
            "dta_pedimento": self.dta.to_dict() if self.dta else None,
            "dta_pedimento_mfn": self.dta_mfn.to_dict() if self.dta_mfn else None,
        }


def _line_dict(ln: F4Line, traces: bool) -> dict[str, Any]:
    out: dict[str, Any] = {
        "line": ln.number,
        "fraccion": ln.fraccion,
        "origin": ln.origin,
        "program": ln.program,
        "program_detail": ln.program_detail,
        "rate": ln.rate,
        "mfn_rate": ln.mfn_rate,
        "quantity": ln.quantity,
        "value_usd": ln.value_usd,
        "customs_value_mxn": ln.customs_value_mxn,
        "igi": ln.igi,
        "igi_updated": ln.igi_updated,
        "dta": ln.dta,
        "iva": ln.iva,
        "total": ln.total,
        "total_mfn": ln.total_mfn,
        "savings": ln.savings,
        "pedimentos": list(ln.pedimentos),
        "warnings": list(ln.warnings),
    }
    out["portions"] = [
        {
            "documents": list(p.portion.documents or (p.portion.document,)),
            "allocations": p.portion.allocations,
            "last_shipment_date": p.portion.shipment_date,
            "pedimento": p.portion.pedimento,
            "lot_id": p.portion.lot_id,
            "part": p.portion.part,
            "entry_date": p.portion.entry_date,
            "quantity": p.portion.quantity,
            "value_usd": p.portion.value_usd,
            "total": p.best.total,
            "total_mfn": p.mfn.total,
            **({"trace": p.best.trace} if traces else {}),
        }
        for p in ln.portions
    ]
    return out


# --------------------------------------------------------------------------- dates


def period_bounds(period: Month) -> tuple[date, date]:
    y, m = period
    return date(y, m, 1), date(y, m, calendar.monthrange(y, m)[1])


def default_change_date(period: Month) -> date:
    """The F4 pedimento's date when none is given: the last weekday of the period.

    (An explicit ``change_date`` is better: the broker's real date; holidays are not known.)
    """
    d = period_bounds(period)[1]
    while d.weekday() >= 5:
        d -= timedelta(days=1)
    return d


# --------------------------------------------------------------------------- planning


def requests_for(
    portions: Sequence[LotPortion],
    change_date: date,
    prosec_sectors: tuple[str, ...],
    *,
    policy: F4Policy = F4Policy.ENTRY_DATE,
    programs: bool = True,
) -> list[F4Request]:
    """The engine's requests for the portions; ``programs=False`` → MFN only."""
    out = []
    for p in portions:
        certified = (p.certificate,) if (programs and p.certificate) else ()
        out.append(
            F4Request(
                fraccion=p.fraccion,
                value_usd=p.value_usd,
                entry_date=p.entry_date,
                change_date=change_date,
                origin=p.origin,
                prosec_sectors=prosec_sectors if programs else (),
                certified=certified,
                policy=policy,
                # a portion is part of a pedimento line: the LFD 49 minimum is per pedimento
                dta_minimum=False,
                reference=f"lot {p.lot_id} ({p.pedimento})",
            )
        )
    return out


def price_portions(
    portions: Sequence[LotPortion],
    context: DutyContext,
    change_date: date,
    prosec_sectors: tuple[str, ...],
    *,
    policy: F4Policy = F4Policy.ENTRY_DATE,
    source: str = "F4 plan",
) -> list[PricedPortion]:
    """Each portion priced at the best lawful rate and at MFN only (batch calls).

    Where the best lawful rate already is the general rate (program ``MFN``) the MFN-only
    computation would choose the same option with the same inputs, so its result is the
    same figures: it is reused instead of recomputed (the tests compare both ways).
    """
    ctx = context.with_memo()
    best = compute_f4_batch(
        requests_for(portions, change_date, prosec_sectors, policy=policy), ctx, source=source
    )
    redo = [i for i, b in enumerate(best) if b.program != MFN]
    mfn: list[F4Result] = list(best)
    if redo:
        again = compute_f4_batch(
            requests_for(
                [portions[i] for i in redo],
                change_date,
                prosec_sectors,
                policy=policy,
                programs=False,
            ),
            ctx,
            source=f"{source} (MFN only)",
        )
        for i, r in zip(redo, again, strict=True):
            mfn[i] = r
    return [PricedPortion(p, b, m) for p, b, m in zip(portions, best, mfn, strict=True)]


def amounts_of(result: F4Result) -> dict[str, Decimal]:
    return {
        "customs_value_mxn": result.customs_value_mxn,
        "igi": result.igi,
        "igi_updated": result.igi_updated,
        "dta": result.dta.payable,
        "iva": result.iva.payable,
        "total": result.total,
    }


def program_label(program: str, detail: str) -> str:
    return f"{program} {detail}".strip() if program != MFN else MFN


def build_plan(
    priced: Sequence[PricedPortion],
    *,
    company_rfc: str,
    company_name: str,
    period: str,
    change_date: date,
    policy: F4Policy,
    prosec_sectors: tuple[str, ...],
    notes: Sequence[str] = (),
) -> F4Plan:
    """Group priced portions into F4 lines (fracción, origin, program, rate) with totals."""
    groups: dict[tuple[str, str, str, str, Decimal], list[PricedPortion]] = defaultdict(list)
    for pp in priced:
        b = pp.best
        groups[(b.fraccion, b.origin, b.program, b.program_detail, b.rate)].append(pp)
    lines: list[F4Line] = []
    for n, (key, members) in enumerate(sorted(groups.items(), key=lambda kv: kv[0]), 1):
        fraccion, origin, program, detail, rate = key
        member_amounts = [amounts_of(m.best) for m in members]
        sums = {a: _sum(x[a] for x in member_amounts) for a in AMOUNTS}
        total_mfn = _sum(m.mfn.total for m in members)
        warnings = tuple(dict.fromkeys(w for m in members for w in m.best.warnings))
        lines.append(
            F4Line(
                number=n,
                fraccion=fraccion,
                origin=origin,
                program=program,
                program_detail=detail,
                rate=rate,
                mfn_rate=members[0].mfn.rate,
                portions=tuple(members),
                quantity=_sum(m.portion.quantity for m in members),
                value_usd=_sum(m.portion.value_usd for m in members),
                customs_value_mxn=sums["customs_value_mxn"],
                igi=sums["igi"],
                igi_updated=sums["igi_updated"],
                dta=sums["dta"],
                iva=sums["iva"],
                total=sums["total"],
                total_mfn=total_mfn,
                savings=total_mfn - sums["total"],
                pedimentos=tuple(sorted({m.portion.pedimento for m in members})),
                warnings=warnings,
            )
        )
    best_amounts = [amounts_of(pp.best) for pp in priced]
    mfn_amounts = [amounts_of(pp.mfn) for pp in priced]
    totals = {a: _sum(x[a] for x in best_amounts) for a in AMOUNTS}
    totals_mfn = {a: _sum(x[a] for x in mfn_amounts) for a in AMOUNTS}
    by_program: dict[str, Decimal] = defaultdict(lambda: ZERO)
    for pp in priced:
        if pp.best.program != MFN:
            by_program[program_label(pp.best.program, pp.best.program_detail)] += pp.savings
    warnings = tuple(dict.fromkeys(w for ln in lines for w in ln.warnings))
    return F4Plan(
        company_rfc=company_rfc,
        company_name=company_name,
        period=period,
        change_date=change_date,
        policy=policy,
        prosec_sectors=prosec_sectors,
        lines=tuple(lines),
        totals=totals,
        totals_mfn=totals_mfn,
        savings=totals_mfn["total"] - totals["total"],
        savings_by_program=dict(sorted(by_program.items())),
        portions=len(priced),
        warnings=warnings,
        notes=tuple(notes),
        allocations=sum(pp.portion.allocations for pp in priced),
    )


def plan_portions(
    portions: Sequence[LotPortion],
    context: DutyContext,
    *,
    company_rfc: str,
    company_name: str,
    period: Month,
    prosec_sectors: tuple[str, ...],
    change_date: date | None = None,
    policy: F4Policy = F4Policy.ENTRY_DATE,
) -> F4Plan:
    """The F4 plan of already-selected allocations (no store needed: tests, benchmarks).

    The allocations are merged into one portion per lot (:func:`merge_by_lot`) and each
    lot portion is priced once."""
    when = change_date or default_change_date(period)
    lots = merge_by_lot(portions)
    priced = price_portions(lots, context, when, prosec_sectors, policy=policy)
    notes: list[str] = [
        (NOTE_CHANGE_DATE if change_date else NOTE_CHANGE_DATE_DEFAULT)(day=when.isoformat()),
        NOTE_POLICY_ENTRY if policy is F4Policy.ENTRY_DATE else NOTE_POLICY_CHANGE,
        NOTE_MERGED(
            allocations=N_ALLOCATIONS(n=sum(p.allocations for p in portions)),
            lots=N_PORTIONS(n=len(lots)),
        ),
    ]
    plan = build_plan(
        priced,
        company_rfc=company_rfc,
        company_name=company_name,
        period=month_str(period),
        change_date=when,
        policy=policy,
        prosec_sectors=prosec_sectors,
        notes=notes,
    )
    plan = apply_pedimento_dta(plan, context.fixed_fee(when), when)
    extra = pedimento_dta_warnings(priced, plan)
    if not extra:
        return plan
    return replace(plan, warnings=tuple(dict.fromkeys([*plan.warnings, *extra])))


def _dta_lines(plan: F4Plan, mfn: bool) -> list[DtaPortion]:
    out = []
    for ln in plan.lines:
        results = [pp.mfn if mfn else pp.best for pp in ln.portions]
        on_value = [r for r in results if r.dta.rate is not None]
        if not on_value:
            continue
        out.append(
            DtaPortion(
                ln.number,
                _sum(r.customs_value_mxn for r in on_value),
                _sum(r.dta.amount for r in on_value),
                _sum(r.dta.payable for r in on_value),
                on_value[0].iva.rate,
                all(r.iva.credited for r in on_value),
            )
        )
    return out


def apply_pedimento_dta(plan: F4Plan, fee: tuple[Decimal, str] | None, when: date) -> F4Plan:
    """The plan with the pedimento's DTA (LFD 49 minimum, :mod:`immex.domain.f4_dta`) added
    to its lines and totals — for the best-rate figures and for the MFN-only comparison."""
    best = pedimento_dta(_dta_lines(plan, mfn=False), fee, when)
    mfn = pedimento_dta(_dta_lines(plan, mfn=True), fee, when)
    add = {n: (d, i) for n, d, i in best.shares}
    add_mfn = {n: d + i for n, d, i in mfn.shares}
    lines = []
    for ln in plan.lines:
        dta, iva = add.get(ln.number, (ZERO, ZERO))
        total = ln.total + dta + iva
        total_mfn = ln.total_mfn + add_mfn.get(ln.number, ZERO)
        lines.append(replace(ln, dta=ln.dta + dta, iva=ln.iva + iva, total=total,
                             total_mfn=total_mfn, savings=total_mfn - total))  # fmt: skip
    totals = dict(plan.totals)
    totals["dta"] += best.extra_dta
    totals["iva"] += best.extra_iva
    totals["total"] += best.extra_dta + best.extra_iva
    totals_mfn = dict(plan.totals_mfn)
    totals_mfn["dta"] += mfn.extra_dta
    totals_mfn["iva"] += mfn.extra_iva
    totals_mfn["total"] += mfn.extra_dta + mfn.extra_iva
    notes = list(plan.notes)
    if best.basis is DtaBasis.MINIMUM_FEE:
        notes.append(
            NOTE_DTA_MINIMUM(
                exact=best.per_thousand_exact, fee=best.fee, source=best.fee_source, day=when,
                dta=best.extra_dta, iva=best.extra_iva,
            )
        )  # fmt: skip
    return replace(
        plan, lines=tuple(lines), totals=totals, totals_mfn=totals_mfn,
        savings=totals_mfn["total"] - totals["total"], dta=best, dta_mfn=mfn, notes=tuple(notes),
    )  # fmt: skip


def pedimento_dta_warnings(priced: Sequence[PricedPortion], plan: F4Plan) -> list[str]:
    """What the plan's DTA cannot settle: the LFD 49-III fee of the pedimento's date missing
    from the data (so the minimum was not applied), and the treaty fee (fr. IV), due once
    per pedimento, counted once per portion."""
    out: list[str] = []
    if plan.dta is not None and plan.dta.basis is DtaBasis.NOT_CHECKED:
        out.append(WARN_DTA_NOT_CHECKED(day=plan.change_date))
    fixed = [pp for pp in priced if pp.best.dta.rate is None and pp.best.dta.payable > 0]
    if len(fixed) > 1:
        out.append(WARN_DTA_IV_PER_PORTION(n=len(fixed)))
    return out
