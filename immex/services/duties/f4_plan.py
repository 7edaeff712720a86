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
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from immex.domain.duties import POLICIES, DutyContext, F4Request, F4Result, compute_f4_batch
from immex.domain.errors import InvalidInput
from immex.domain.money import ZERO
from immex.domain.rates import MFN

#: F4 amounts summed per line / plan
AMOUNTS = ("customs_value_mxn", "igi", "igi_updated", "dta", "iva", "total")


@dataclass(frozen=True, slots=True)
class LotPortion:
    """A portion of one temporary-import lot: one journal allocation (shipment → lot), or
    the sum of a lot's allocations (:func:`merge_by_lot`), with what the duty engine needs."""

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
    documents: tuple[str, ...] = ()  # when merged: every shipment document of the portion
    allocations: int = 1  # journal rows in the portion


def merge_by_lot(portions: Iterable[LotPortion], *, per_document: bool = False) -> list[LotPortion]:
    """One portion per lot (per lot and document with ``per_document``): what the F4
    declares is the quantity of each original pedimento line changing regime, so each
    lot's allocations of the period are priced together (one computation, one rounding).
    Order: first appearance in the journal."""
    groups: dict[tuple[Any, ...], list[LotPortion]] = {}
    for p in portions:
        key = (p.lot_id, p.document) if per_document else (p.lot_id,)
        groups.setdefault(key, []).append(p)
    if all(len(m) == 1 for m in groups.values()):  # already one portion per key
        return [m[0] for m in groups.values()]
    out = []
    for members in groups.values():
        first = members[0]
        docs = tuple(sorted({d for m in members for d in (m.documents or (m.document,))}))
        out.append(
            replace(
                first,
                shipment_date=max(m.shipment_date for m in members),
                quantity=_sum(m.quantity for m in members),
                value_usd=_sum(m.value_usd for m in members),
                documents=docs,
                allocations=sum(m.allocations for m in members),
            )
        )
    return out


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
    allocations: int = 0  # journal rows behind the portions

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
    policy: str = "entry_date",
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
    period: tuple[int, int],
    prosec_sectors: tuple[str, ...],
    change_date: date | None = None,
    policy: str = "entry_date",
) -> F4Plan:
    """The F4 plan of already-selected allocations (no store needed: tests, benchmarks).

    The allocations are merged into one portion per lot (:func:`merge_by_lot`) and each
    lot portion is priced once."""
    when = change_date or default_change_date(period)
    lots = merge_by_lot(portions)
    priced = price_portions(lots, context, when, prosec_sectors, policy=policy)
    notes = [
        f"change date {when.isoformat()}"
        + ("" if change_date else " (last weekday of the period; pass the F4 pedimento's date)"),
        f"policy {policy}: rates and exchange rate of the "
        + ("entry date (LA 56)" if policy == "entry_date" else "change date (LA 93)"),
        f"{sum(p.allocations for p in portions)} journal allocation(s) merged into "
        f"{len(lots)} lot portion(s), one per temporary-import lot; each lot portion is one "
        "engine computation rounded to whole pesos (CFF 20); line and plan figures are their "
        "sums; the LFD 49 DTA minimum is per pedimento and not applied to portions",
    ]
    plan = build_plan(
        priced,
        company_rfc=company_rfc,
        company_name=company_name,
        period=f"{period[0]:04d}-{period[1]:02d}",
        change_date=when,
        policy=policy,
        prosec_sectors=prosec_sectors,
        notes=notes,
    )
    extra = pedimento_dta_warnings(priced, context, when)
    if not extra:
        return plan
    return replace(plan, warnings=tuple(dict.fromkeys([*plan.warnings, *extra])))


def pedimento_dta_warnings(
    priced: Sequence[PricedPortion], context: DutyContext, when: date
) -> list[str]:
    """The LFD 49 fixed fee is per pedimento, while the plan's DTA is the sum of its
    portions (priced without the minimum): say where that sum falls short of the fee
    (fr. III, the minimum) or counts the treaty fee (fr. IV) more than once."""
    fee = context.fixed_fee(when)
    on_value = [pp.best.dta.payable for pp in priced if pp.best.dta.rate is not None]
    fixed = [pp for pp in priced if pp.best.dta.rate is None and pp.best.dta.payable > 0]
    out: list[str] = []
    if fee is not None and on_value and _sum(on_value) < fee[0]:
        out.append(
            f"DTA: the plan's per-thousand DTA ({_sum(on_value)}) is below the LFD 49-III fee "
            f"({fee[0]}, {fee[1]}) in force on {when}: a single F4 pedimento pays at least the "
            "fee (LFD 49, penultimate paragraphs), more than the plan shows"
        )
    if len(fixed) > 1:
        out.append(
            f"DTA: {len(fixed)} originating lot portions each carry the LFD 49-IV fixed fee, "
            "which is due once per pedimento: the plan counts it once per portion"
        )
    return out


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
    """The current run's allocations with those keys and shipment dates, one portion each."""
    return lot_portions(engine, company, keys, date_from, date_to, split="allocation")


#: how :func:`lot_portions` groups the journal rows
SPLITS = ("allocation", "lot", "lot_document", "lot_month")


def lot_portions(
    engine: Any,
    company: Any,
    keys: tuple[str, ...],
    date_from: date,
    date_to: date,
    *,
    split: str = "lot",
    destinations: tuple[str, ...] | None = None,
    fractions: set[str] | None = None,
) -> list[LotPortion]:
    """Lot portions read straight from the current run's journal columns.

    ``split``: ``lot`` (one portion per lot, what the F4 declares), ``lot_document`` (per lot
    and shipment document, for 63-A), ``lot_month`` (per lot and month of shipment) or
    ``allocation`` (one per journal row). ``destinations`` keeps only shipments to those
    countries; ``fractions`` only lots of those fracciones. Order: first journal row.
    """
    import numpy as np
    from sqlalchemy import select

    from immex.domain.discharge import kernel as fe
    from immex.services.discharge import runs as discharge
    from immex.store.tables import ledger as lt

    if split not in SPLITS:
        raise InvalidInput(f"split must be one of {SPLITS}, not {split!r}", field="split")
    with engine.connect() as conn:
        run_id = discharge.current_run_id(conn, company)
        if run_id is None:
            return []
        cols = discharge.load_allocations(conn, run_id)
        codes = [fe.KEY_NAMES.index(k) for k in keys if k in fe.KEY_NAMES]
        mask = np.isin(cols["key"], codes)
        mask &= (cols["ship_date"] >= fe.day(date_from)) & (cols["ship_date"] <= fe.day(date_to))
        idx = np.flatnonzero(mask)
        ship_ids = sorted(set(cols["ship_id"][idx].tolist()))
        ships: dict[int, Any] = {}
        s_t = lt.shipments
        for i in range(0, len(ship_ids), 5000):
            q = select(
                s_t.c.id, s_t.c.document, s_t.c.ship_date, s_t.c.product, s_t.c.destination
            ).where(s_t.c.id.in_(ship_ids[i : i + 5000]))
            ships.update({r.id: r for r in conn.execute(q)})
        if destinations is not None:
            wanted = {sid for sid, r in ships.items() if (r.destination or "") in destinations}
            idx = idx[np.isin(cols["ship_id"][idx], np.fromiter(wanted, dtype=np.int64))]
        lot_ids = sorted(set(cols["lot_id"][idx].tolist()))
        lots: dict[int, Any] = {}
        l_t = lt.lots
        for i in range(0, len(lot_ids), 5000):
            q = select(
                l_t.c.id,
                l_t.c.pedimento,
                l_t.c.entry_date,
                l_t.c.part_number,
                l_t.c.origin,
                l_t.c.fraccion,
                l_t.c.certificate,
            ).where(l_t.c.id.in_(lot_ids[i : i + 5000]))
            lots.update({r.id: r for r in conn.execute(q)})
    if fractions is not None:
        keep = np.fromiter((k for k, r in lots.items() if r.fraccion in fractions), dtype=np.int64)
        idx = idx[np.isin(cols["lot_id"][idx], keep)]
    groups: dict[Any, list[int]] = {}
    sids = cols["ship_id"][idx].tolist()
    lids = cols["lot_id"][idx].tolist()
    qtys = cols["qty"][idx].tolist()
    vals = cols["value"][idx].tolist()
    kcodes = cols["key"][idx].tolist()
    for n, (sid, lid) in enumerate(zip(sids, lids, strict=True)):
        if split == "lot":
            g: Any = (lid, kcodes[n])
        elif split == "lot_document":
            g = (lid, kcodes[n], ships[sid].document)
        elif split == "lot_month":
            d = ships[sid].ship_date
            g = (lid, kcodes[n], d.year, d.month)
        else:
            g = n
        groups.setdefault(g, []).append(n)
    out = []
    for number, members in enumerate(groups.values(), start=1):
        first = members[0]
        lot = lots[lids[first]]
        ship = ships[sids[first]]
        docs = tuple(sorted({ships[sids[m]].document for m in members}))
        last = max(ships[sids[m]].ship_date for m in members)
        out.append(
            LotPortion(
                allocation_id=number,
                shipment_id=ship.id,
                document=ship.document,
                shipment_date=last,
                destination=ship.destination or "",
                product=ship.product,
                key=fe.KEY_NAMES[kcodes[first]],
                lot_id=lot.id,
                pedimento=lot.pedimento,
                part=lot.part_number,
                fraccion=lot.fraccion,
                origin=lot.origin,
                entry_date=lot.entry_date,
                certificate=lot.certificate or None,
                quantity=Decimal(sum(qtys[m] for m in members)).scaleb(-6),
                value_usd=Decimal(sum(vals[m] for m in members)).scaleb(-4),
                documents=docs if split != "allocation" else (),
                allocations=len(members),
            )
        )
    return out


def workspace_context(engine: Any) -> DutyContext:
    """The duty engine's context with the workspace's PROSEC/FTA/amendment rows."""
    from immex.services.duties import single as duties
    from immex.services.rates import loading as rates_service

    return duties.duty_context(data=rates_service.book_from_engine(engine))


def has_run(engine: Any, company: Any) -> bool:
    from immex.services.discharge import runs as discharge

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
    from immex.services.discharge import runs as discharge
    from immex.services.rates.loading import coverage_notes

    if policy not in POLICIES:
        raise InvalidInput(
            f"--policy must be one of {', '.join(POLICIES)}, not {policy!r}", field="policy"
        )
    month = parse_period(period) if isinstance(period, str) else period
    start, end = period_bounds(month)
    if change_date is not None and change_date < start:
        raise InvalidInput(
            f"--change-date {change_date} is before the period {month[0]:04d}-{month[1]:02d}",
            field="change_date",
        )
    portions = lot_portions(engine, company, ("F4",), start, end, split="lot")
    skipped = [p for p in portions if p.value_usd <= 0]
    portions = [p for p in portions if p.value_usd > 0]
    context = context or workspace_context(engine)
    plan = plan_portions(
        portions,
        context,
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
    else:
        if not portions:
            extra.append(f"no domestic-sale allocations (key F4) in {plan.period}")
        extra += discharge.journal_caveats(engine, company, start, end, ("domestic",))
    if skipped:
        extra.append(f"{len(skipped)} allocation(s) of zero value left out (nothing to pay)")
    notes = coverage_notes(plan.change_date, fx=context.fx, inpc=context.inpc)
    extra += [w for w in notes if w not in plan.warnings]
    if not extra:
        return plan
    return replace(plan, warnings=tuple(dict.fromkeys([*extra, *plan.warnings])))
