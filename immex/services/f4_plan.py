"""Plan the month's F4 (change of regime, LA 109) from the discharge journal.

The domestic-sale allocations of the period (journal key ``F4``) are lot portions: a
quantity and USD value of one temporary-import lot. Each portion is priced with the duty
engine's batch API (:func:`immex.domain.duties.compute_f4_batch`) twice — once with the
company's PROSEC sectors and certificates (the best lawful rate), once with no programs
(MFN only) — and the portions are grouped into the lines of the F4 pedimento(s) to file:
one line per (fracción, origin, program and its detail, rate). Every line keeps the
portions it is made of, each with its full trace.

Figures: a line's amounts are the sums of its portions' results (each portion rounded to
whole pesos by the engine at the legal step, CFF 20), so the plan's totals equal the sum of
the per-lot duty results exactly; savings = MFN-only total − best-rate total.
"""

from __future__ import annotations

import calendar
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from immex.domain.duties import DutyContext, F4Request, F4Result, compute_f4_batch
from immex.domain.errors import InvalidInput
from immex.domain.money import ZERO
from immex.domain.rates import MFN

#: F4 amounts summed per line / plan
AMOUNTS = ("customs_value_mxn", "igi", "igi_updated", "dta", "iva", "total")


@dataclass(frozen=True, slots=True)
class LotPortion:
    """One journal allocation: shipment → lot, with what the duty engine needs of the lot."""

    allocation_id: int
    shipment_id: int
    document: str
    shipment_date: date
    destination: str
    product: str
    key: str  # RT | F4 | F5 | V1
    lot_id: int
    pedimento: str
    part: str
    fraccion: str
    origin: str
    entry_date: date
    certificate: str | None
    quantity: Decimal
    value_usd: Decimal


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
    policy: str
    prosec_sectors: tuple[str, ...]
    lines: tuple[F4Line, ...]
    totals: dict[str, Decimal]
    totals_mfn: dict[str, Decimal]
    savings: Decimal
    savings_by_program: dict[str, Decimal]
    portions: int
    warnings: tuple[str, ...] = ()
    notes: tuple[str, ...] = field(default=())

    def to_dict(self, traces: bool = True) -> dict[str, Any]:
        return {
            "company": {"rfc": self.company_rfc, "name": self.company_name},
            "period": self.period,
            "change_date": self.change_date,
            "policy": self.policy,
            "prosec_sectors": list(self.prosec_sectors),
            "portions": self.portions,
            "totals": self.totals,
            "totals_mfn": self.totals_mfn,
            "savings": self.savings,
            "savings_by_program": self.savings_by_program,
            "lines": [_line_dict(ln, traces) for ln in self.lines],
            "warnings": list(self.warnings),
            "notes": list(self.notes),
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
            "document": p.portion.document,
            "shipment_date": p.portion.shipment_date,
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


def parse_period(text: str) -> tuple[int, int]:
    try:
        y, m = (int(x) for x in str(text).strip().split("-"))
        if not 1 <= m <= 12 or y < 1990:
            raise ValueError
    except ValueError:
        raise InvalidInput(
            f"period: not a month: {text!r} (expected YYYY-MM)", field="period"
        ) from None
    return y, m


def period_bounds(period: tuple[int, int]) -> tuple[date, date]:
    y, m = period
    return date(y, m, 1), date(y, m, calendar.monthrange(y, m)[1])


def default_change_date(period: tuple[int, int]) -> date:
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
    policy: str = "entry_date",
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
                reference=f"{p.document}/lot {p.lot_id}",
            )
        )
    return out


def price_portions(
    portions: Sequence[LotPortion],
    context: DutyContext,
    change_date: date,
    prosec_sectors: tuple[str, ...],
    *,
    policy: str = "entry_date",
    source: str = "F4 plan",
) -> list[PricedPortion]:
    """Each portion priced at the best lawful rate and at MFN only (two batch calls)."""
    ctx = context.with_memo()
    best = compute_f4_batch(
        requests_for(portions, change_date, prosec_sectors, policy=policy), ctx, source=source
    )
    mfn = compute_f4_batch(
        requests_for(portions, change_date, prosec_sectors, policy=policy, programs=False),
        ctx,
        source=f"{source} (MFN only)",
    )
    return [PricedPortion(p, b, m) for p, b, m in zip(portions, best, mfn, strict=True)]


def _sum(values: Iterable[Decimal]) -> Decimal:
    return sum(values, ZERO)


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
    policy: str,
    prosec_sectors: tuple[str, ...],
    notes: Sequence[str] = (),
) -> F4Plan:
    """Group priced portions into F4 lines (fracción, origin, program, rate) with totals."""
    groups: dict[tuple[str, str, str, str, Decimal], list[PricedPortion]] = defaultdict(list)
    for pp in priced:
        b = pp.best
        groups[(b.fraccion, b.origin, b.program, b.program_detail, b.rate)].append(pp)
    lines: list[F4Line] = []
    for n, (key, members) in enumerate(
        sorted(groups.items(), key=lambda kv: _line_order(kv[0])), 1
    ):
        fraccion, origin, program, detail, rate = key
        sums = {a: _sum(amounts_of(m.best)[a] for m in members) for a in AMOUNTS}
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
    totals = {a: _sum(amounts_of(pp.best)[a] for pp in priced) for a in AMOUNTS}
    totals_mfn = {a: _sum(amounts_of(pp.mfn)[a] for pp in priced) for a in AMOUNTS}
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
    )


def _line_order(key: tuple[str, str, str, str, Decimal]) -> tuple[str, str, str, str, Decimal]:
    return key


def plan_portions(
    portions: Sequence[LotPortion],
    context: DutyContext,
    *,
    company_rfc: str,
    company_name: str,
    period: tuple[int, int],
    prosec_sectors: tuple[str, ...],
    change_date: date | None = None,
    policy: str = "entry_date",
) -> F4Plan:
    """The F4 plan of already-selected portions (no store needed: tests, benchmarks)."""
    when = change_date or default_change_date(period)
    priced = price_portions(portions, context, when, prosec_sectors, policy=policy)
    notes = [
        f"change date {when.isoformat()}"
        + ("" if change_date else " (last weekday of the period; pass the F4 pedimento's date)"),
        f"policy {policy}: rates and exchange rate of the "
        + ("entry date (LA 56)" if policy == "entry_date" else "change date (LA 93)"),
        "each lot portion is one engine computation rounded to whole pesos (CFF 20); "
        "line and plan figures are their sums; the LFD 49 DTA minimum is per pedimento "
        "and not applied to portions",
    ]
    return build_plan(
        priced,
        company_rfc=company_rfc,
        company_name=company_name,
        period=f"{period[0]:04d}-{period[1]:02d}",
        change_date=when,
        policy=policy,
        prosec_sectors=prosec_sectors,
        notes=notes,
    )


# --------------------------------------------------------------------------- journal → portions


def portions_from_allocations(
    allocations: Iterable[Any],
    lots: dict[int, Any],
    shipments: dict[int, Any],
    *,
    keys: tuple[str, ...] = ("F4",),
    date_from: date | None = None,
    date_to: date | None = None,
    allocation_ids: Sequence[int] | None = None,
) -> list[LotPortion]:
    """Journal rows (domain :class:`~immex.domain.ledger.Allocation`) as lot portions.

    ``lots`` / ``shipments`` map ids to :class:`~immex.domain.ledger.ImportLot` /
    :class:`~immex.domain.ledger.Shipment`; only rows with a key in ``keys`` whose shipment
    date is within ``date_from … date_to`` are kept, in journal order.
    """
    out: list[LotPortion] = []
    for n, a in enumerate(allocations):
        if a.key not in keys:
            continue
        s = shipments[a.shipment_id]
        if (date_from and s.date < date_from) or (date_to and s.date > date_to):
            continue
        lot = lots[a.lot_id]
        out.append(
            LotPortion(
                allocation_id=allocation_ids[n] if allocation_ids is not None else n + 1,
                shipment_id=s.shipment_id,
                document=s.document,
                shipment_date=s.date,
                destination=s.destination or "",
                product=s.product,
                key=a.key,
                lot_id=lot.lot_id,
                pedimento=lot.pedimento,
                part=a.component,
                fraccion=lot.fraccion,
                origin=lot.origin,
                entry_date=lot.entry_date,
                certificate=lot.certificate or None,
                quantity=a.quantity,
                value_usd=a.value_usd,
            )
        )
    return out


# --------------------------------------------------------------------------- the store


def journal_portions(
    engine: Any, company: Any, keys: tuple[str, ...], date_from: date, date_to: date
) -> list[LotPortion]:
    """The current discharge run's allocations with those keys and shipment dates."""
    from sqlalchemy import select

    from immex.services import discharge
    from immex.store.tables import ledger as lt

    rows = discharge.journal_rows(
        engine, company, keys=keys, date_from=date_from, date_to=date_to
    )
    ids = sorted({r.shipment_id for r in rows})
    dest: dict[int, str] = {}
    with engine.connect() as conn:
        for i in range(0, len(ids), 5000):
            q = select(lt.shipments.c.id, lt.shipments.c.destination).where(
                lt.shipments.c.id.in_(ids[i : i + 5000])
            )
            dest.update({r.id: r.destination or "" for r in conn.execute(q)})
    return [
        LotPortion(
            allocation_id=n,
            shipment_id=r.shipment_id,
            document=r.document,
            shipment_date=r.shipment_date,
            destination=dest.get(r.shipment_id, ""),
            product=r.product,
            key=r.key,
            lot_id=r.lot_id,
            pedimento=r.pedimento,
            part=r.component,
            fraccion=r.fraccion,
            origin=r.origin,
            entry_date=r.entry_date,
            certificate=r.certificate or None,
            quantity=r.quantity,
            value_usd=r.value_usd,
        )
        for n, r in enumerate(rows, start=1)
    ]


def workspace_context(engine: Any) -> DutyContext:
    """The duty engine's context with the workspace's PROSEC/FTA/amendment rows."""
    from immex.services import duties
    from immex.services import rates as rates_service

    return duties.duty_context(data=rates_service.book_from_engine(engine))


def has_run(engine: Any, company: Any) -> bool:
    from immex.services import discharge

    with engine.connect() as conn:
        return discharge.current_run_id(conn, company) is not None


def plan_f4(
    engine: Any,
    company: Any,
    period: str | tuple[int, int],
    *,
    change_date: date | None = None,
    policy: str = "entry_date",
    context: DutyContext | None = None,
) -> F4Plan:
    """``immex f4 plan``: the F4 pedimento lines for the period's domestic sales."""
    from immex.services.rates import coverage_notes

    month = parse_period(period) if isinstance(period, str) else period
    start, end = period_bounds(month)
    if change_date is not None and change_date < start:
        raise InvalidInput(
            f"--change-date {change_date} is before the period {month[0]:04d}-{month[1]:02d}",
            field="change_date",
        )
    portions = journal_portions(engine, company, ("F4",), start, end)
    skipped = [p for p in portions if p.value_usd <= 0]
    portions = [p for p in portions if p.value_usd > 0]
    plan = plan_portions(
        portions,
        context or workspace_context(engine),
        company_rfc=company.rfc,
        company_name=company.name,
        period=month,
        prosec_sectors=tuple(company.prosec_sectors),
        change_date=change_date,
        policy=policy,
    )
    extra: list[str] = []
    if not has_run(engine, company):
        extra.append("no discharge run yet: run `immex discharge run` first")
    elif not portions:
        extra.append(f"no domestic-sale allocations (key F4) in {plan.period}")
    if skipped:
        extra.append(f"{len(skipped)} allocation(s) of zero value left out (nothing to pay)")
    extra += [w for w in coverage_notes(plan.change_date) if w not in plan.warnings]
    if not extra:
        return plan
    from dataclasses import replace

    return replace(plan, warnings=tuple(dict.fromkeys([*extra, *plan.warnings])))
