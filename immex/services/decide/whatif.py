"""``immex whatif sell``: ship Q units of a product on a date — sell in Mexico or export?

The use case: read the slice of the plant the line can touch (:mod:`.plant_slice`),
simulate the line's FIFO through the BOM in force (:mod:`.simulate`; nothing written),
price the lots it would use for every destination (:mod:`immex.domain.whatif`): MEX with
the F4 plan's pricing (best lawful rate vs MFN only, the LFD 49 DTA minimum of the
pedimento, IVA credited for a certified company), USA/CAN with the 63-A pricing, any other
country with none.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal

from immex.domain.company import IVA_IEPS_CERTIFICATION, Company
from immex.domain.discharge import kernel as fe
from immex.domain.duties import DutyContext
from immex.domain.errors import ImmexError, InvalidInput
from immex.domain.f4_plan import plan_portions
from immex.domain.lot_portions import LotPortion, PortionLot
from immex.domain.messages import Template
from immex.domain.money import ZERO
from immex.domain.rates import normalize_iso3
from immex.domain.usmca_63a import build_report, price_exports
from immex.domain.whatif import (
    LotUse,
    OptionCost,
    PastLimitLot,
    Route,
    ShortLine,
    WhatIfSale,
    cheapest,
    default_destinations,
    route_of,
)
from immex.services.decide.plant_slice import load_slice
from immex.services.decide.simulate import SimulatedLine, Simulation, simulate
from immex.services.duties.journal_portions import duty_context_of
from immex.services.ledger.field_checks import parse_pedimento
from immex.services.workspace.context import Workspace

#: the document name of the simulated line (never stored)
DOCUMENT = "WHATIF"

#: an amount option given below zero (--us-duty, --sales-total)
OPTION_NEGATIVE = Template("decide.option_negative", "{option} must not be negative")
NOT_ISO3 = Template(
    "whatif.not_iso3", "--destination {value}: not an ISO 3166 alpha-3 country code"
)
IVA_CREDITED = Template(
    "whatif.iva_credited",
    "IVA credited in full: the company recorded an IVA/IEPS certification covering the date "
    "(LIVA 28-A; RULES C-9)",
)
NO_US_DUTY = Template(
    "whatif.no_us_duty",
    "no --us-duty given: the full Mexican duty on the non-originating inputs is owed unless "
    "proof of the US/CA duty paid is given within 60 days (RULES U-2)",
)
RETURN_ABROAD = Template(
    "whatif.return_abroad",
    "the inputs return abroad (RT): no Mexican duty on them (RULES I-1); the duties of "
    "{destination} on the finished good are not computed",
)
BAD_DESTINATION = Template(
    "whatif.bad_destination", "--destination {value}: not an ISO 3166 alpha-3 country code"
)
US_DUTY_NEGATIVE = Template("whatif.us_duty_negative", "--us-duty must not be negative")
NOT_PRICED = Template("whatif.not_priced", "could not be priced: {why}")
USED_SLICE = Template(
    "whatif.used_slice",
    "ledger: {lots} of {components} of the BOM in force, {lines} using them up to the date",
)
#: the counts of the data used, each in the form its number takes
N_LOTS = Template("whatif.n_lots", "{n} temporary-import lot", "{n} temporary-import lots")
N_COMPONENTS = Template("whatif.n_components", "{n} component", "{n} components")
N_LINES = Template("whatif.n_lines", "{n} recorded shipment line", "{n} recorded shipment lines")
USED_LIMITS = Template(
    "whatif.used_limits",
    "IMMEX time limits: the temporary-import time limits in the bundled data (LA 108; RULES "
    "I-2; parameters immex.limit.*)",
)
SIMULATED = Template(
    "whatif.simulated",
    "a simulation: nothing was written; the line is discharged FIFO (entry date, pedimento, "
    "lot) after every recorded shipment up to its date, as the last of its day",
)
FIGURES_ARE = Template(
    "whatif.figures_are",
    "figures are Mexican duties in MXN (whole pesos per lot portion, CFF 20); prices, freight "
    "and the importing country's duties are not part of them",
)
LATER = Template(
    "whatif.later",
    "{n} recorded shipment line dated after {day} uses the same components: a real shipment on "
    "that date would be discharged before it",
    "{n} recorded shipment lines dated after {day} use the same components: a real shipment on "
    "that date would be discharged before them",
)
SHORT = Template(
    "whatif.short",
    "{n} component short: the open lots cannot cover the line (the figures cover only what they "
    "can)",
    "{n} components short: the open lots cannot cover the line (the figures cover only what they "
    "can)",
)
PAST = Template(
    "whatif.past",
    "{n} lot of these components is past its limit with an open balance: skipped; regularize it "
    "(A3; RULES I-4) — see `immex expiry plan`",
    "{n} lots of these components are past their limit with an open balance: skipped; regularize "
    "them (A3; RULES I-4) — see `immex expiry plan`",
)
SOON = Template("whatif.soon", "{n} of the lots used reach their limit within 30 days")


def _q(micro: int) -> Decimal:
    return Decimal(int(micro)).scaleb(-6)


def _v(e4: int) -> Decimal:
    return Decimal(int(e4)).scaleb(-4)


def _lot_uses(sim: Simulation, lots: dict[int, PortionLot], when: date) -> list[LotUse]:
    p = sim.plant
    out = []
    for i, qty, value, directed in zip(
        sim.lot_index.tolist(),
        sim.qty.tolist(),
        sim.value.tolist(),
        sim.directed.tolist(),
        strict=True,
    ):
        lot = lots[int(p.lot_id[i])]
        limit = None if p.lot_limit[i] == fe.NO_LIMIT else fe.from_day(int(p.lot_limit[i]))
        out.append(
            LotUse(
                lot.id,
                lot.pedimento,
                lot.part_number,
                lot.fraccion,
                lot.origin,
                lot.entry_date,
                limit,
                None if limit is None else (limit - when).days,
                _q(qty),
                _v(value),
                bool(directed),
                _q(int(sim.open_after[i])),
            )
        )
    return out


def _portions(
    uses: Sequence[LotUse], lots: dict[int, PortionLot], product: str, when: date, destination: str
) -> list[LotPortion]:
    route = route_of(destination)
    return [
        LotPortion(
            allocation_id=n,
            shipment_id=0,
            document=DOCUMENT,
            shipment_date=when,
            destination=destination,
            product=product,
            key=route.key,
            lot_id=u.lot_id,
            pedimento=u.pedimento,
            part=u.part,
            fraccion=u.fraccion,
            origin=u.origin,
            entry_date=u.entry_date,
            certificate=lots[u.lot_id].certificate,
            quantity=u.quantity,
            value_usd=u.value_usd,
        )
        for n, u in enumerate(uses, start=1)
        if u.value_usd > 0
    ]


def _domestic(
    portions: list[LotPortion], ctx: DutyContext, company: Company, when: date, certified: bool
) -> OptionCost:
    plan = plan_portions(
        portions,
        ctx,
        company_rfc=company.rfc,
        company_name=company.name,
        period=(when.year, when.month),
        prosec_sectors=tuple(company.prosec_sectors),
        change_date=when,
    )
    t, m = plan.totals, plan.totals_mfn
    credit = t["iva"] if certified else ZERO
    notes = list(plan.notes)
    if certified:
        notes.append(IVA_CREDITED())
    return OptionCost(
        "MEX",
        Route.DOMESTIC,
        "F4",
        igi=t["igi_updated"],
        dta=t["dta"],
        iva=t["iva"],
        iva_credit=credit,
        total=t["total"],
        cash_cost=t["total"] - credit,
        total_mfn=m["total"],
        savings=plan.savings,
        programs=tuple(plan.savings_by_program) or ("MFN",),
        due_by=when,
        detail={
            "igi_mfn": m["igi_updated"],
            "iva_mfn": m["iva"],
            "dta_mfn": m["dta"],
            "savings_by_program": plan.savings_by_program,
            "lines": [
                {
                    "fraccion": ln.fraccion,
                    "origin": ln.origin,
                    "program": ln.program,
                    "detail": ln.program_detail,
                    "rate": ln.rate,
                    "mfn_rate": ln.mfn_rate,
                    "total": ln.total,
                    "total_mfn": ln.total_mfn,
                    "portions": [
                        {
                            "lot_id": p.portion.lot_id,
                            "pedimento": p.portion.pedimento,
                            "part": p.portion.part,
                            "value_usd": p.portion.value_usd,
                            "total": p.best.total,
                            "total_mfn": p.mfn.total,
                            "trace": p.best.trace,
                        }
                        for p in ln.portions
                    ],
                }
                for ln in plan.lines
            ],
        },
        notes=tuple(dict.fromkeys([*notes, *plan.warnings])),
    )


def _usmca(
    portions: list[LotPortion],
    ctx: DutyContext,
    company: Company,
    destination: str,
    us_duty_usd: Decimal | None,
) -> OptionCost:
    us = {DOCUMENT: us_duty_usd} if us_duty_usd is not None else {}
    priced = price_exports(portions, ctx, us, tuple(company.prosec_sectors))
    report = build_report(
        priced,
        us,
        company_rfc=company.rfc,
        company_name=company.name,
        period="what-if",
        us_duties_file=None,
    )
    t = report.totals
    due = report.documents[0].due_by if report.documents else None
    notes = list(report.notes)
    if us_duty_usd is None:
        notes.append(NO_US_DUTY())
    return OptionCost(
        destination,
        Route.USMCA_EXPORT,
        "RT",
        igi=t["owed"],
        total=t["owed"],
        cash_cost=t["owed"],
        total_mfn=t["owed"],
        due_by=due,
        programs=tuple(
            sorted(
                {
                    f"{ln.program} {ln.program_detail}".strip()
                    for ln in report.lines
                    if not ln.originating
                }
            )
        )
        or ("—",),
        detail={
            "mx_duty": t["mx_duty"],
            "us_duty_usd": us_duty_usd or ZERO,
            "us_duty_mxn": t["us_duty_mxn"],
            "exemption": t["exemption"],
        },
        notes=tuple(dict.fromkeys([*notes, *report.warnings])),
    )


def _other(destination: str) -> OptionCost:
    return OptionCost(
        destination,
        Route.EXPORT,
        "RT",
        notes=(RETURN_ABROAD(destination=destination),),
    )


def _price(
    destination: str,
    uses: list[LotUse],
    lots: dict[int, PortionLot],
    product: str,
    when: date,
    ctx: DutyContext,
    company: Company,
    certified: bool,
    us_duty_usd: Decimal | None,
) -> OptionCost:
    route = route_of(destination)
    if route is Route.EXPORT:
        return _other(destination)
    portions = _portions(uses, lots, product, when, destination)
    try:
        if route is Route.DOMESTIC:
            return _domestic(portions, ctx, company, when, certified)
        return _usmca(portions, ctx, company, destination, us_duty_usd)
    except ImmexError as exc:
        return OptionCost(
            destination,
            route,
            route.key,
            priced=False,
            notes=(NOT_PRICED(why=exc.message),),
        )


def price_simulation(
    sim: Simulation,
    lots: dict[int, PortionLot],
    product: str,
    when: date,
    destinations: Sequence[str],
    ctx: DutyContext,
    company: Company,
    *,
    certified: bool = False,
    us_duty_usd: Decimal | None = None,
) -> tuple[list[LotUse], list[OptionCost]]:
    """The lots a simulation used (with their days left) and each destination's cost."""
    uses = _lot_uses(sim, lots, when)
    options = [
        _price(d, uses, lots, product, when, ctx, company, certified, us_duty_usd)
        for d in destinations
    ]
    return uses, options


def whatif_products(ws: Workspace) -> list[str]:
    """The company's products (the what-if form's choices)."""
    with ws.read() as repos:
        return sorted(repos.decisions.product_fractions(ws.the_company.id))


def _destinations(given: Sequence[str], history: list[str]) -> list[str]:
    if not given:
        return default_destinations(history)
    out = []
    for d in given:
        try:
            out.append(normalize_iso3(d))
        except ImmexError:
            raise InvalidInput(BAD_DESTINATION(value=repr(d)), field="destination") from None
    return list(dict.fromkeys(out))


def whatif_sell(
    ws: Workspace,
    product: str,
    quantity: Decimal,
    when: date,
    destinations: Sequence[str] = (),
    *,
    pedimento: str | None = None,
    us_duty_usd: Decimal | None = None,
    context: DutyContext | None = None,
    from_run: bool = True,
) -> WhatIfSale:
    """Simulate shipping ``quantity`` of ``product`` on ``when`` and price each destination;
    nothing is written. ``from_run=False`` replays the recorded shipments even when the
    current discharge run's balances could be the start (:mod:`.plant_slice`; the same
    answer)."""
    company = ws.the_company
    ped = parse_pedimento(pedimento) if pedimento else None
    if us_duty_usd is not None and us_duty_usd < 0:
        raise InvalidInput(US_DUTY_NEGATIVE(), field="us_duty")
    with ws.read() as repos:
        plant, policy, start = load_slice(repos, company, product, when, from_run=from_run)
        line = SimulatedLine(
            product, int(quantity.scaleb(6)), fe.day(when), None if ped is None else int(ped)
        )
        sim = simulate(
            plant,
            line,
            earlier_lines=0 if start is None else start.lines,
            from_run=None if start is None else start.run_id,
        )
        ids = [
            int(sim.plant.lot_id[i]) for i in [*sim.lot_index.tolist(), *sim.expired_index.tolist()]
        ]
        lots = repos.reports.portion_lots(ids)
        certs = repos.companies.authorizations(company.id, IVA_IEPS_CERTIFICATION)
        history = [] if destinations else repos.decisions.export_destinations(company.id)
        chosen = _destinations(destinations, history)
        ctx = context or duty_context_of(ws)
    certified = any(c.covers(when) for c in certs)
    uses, options = price_simulation(
        sim, lots, product, when, chosen, ctx, company, certified=certified, us_duty_usd=us_duty_usd
    )
    past = [
        PastLimitLot(
            lots[int(sim.plant.lot_id[i])].id,
            lots[int(sim.plant.lot_id[i])].pedimento,
            sim.plant.parts[int(sim.plant.lot_part[i])],
            fe.from_day(int(sim.plant.lot_limit[i])),
            line.day - int(sim.plant.lot_limit[i]),
            _q(int(o)),
        )
        for i, o in zip(sim.expired_index.tolist(), sim.expired_open.tolist(), strict=True)
    ]
    shorts = [ShortLine(part, _q(r), _q(m)) for part, r, m in sim.shortfalls]
    return WhatIfSale(
        company.rfc,
        company.name,
        product,
        quantity,
        when,
        ped,
        tuple(uses),
        tuple(shorts),
        tuple(past),
        tuple(options),
        cheapest(options),
        data_used=_data_used(ctx, sim, policy.notes),
        notes=_notes(sim, when),
        warnings=_warnings(shorts, past, uses),
    )


def _data_used(ctx: DutyContext, sim: Simulation, limit_notes: list[str]) -> tuple[str, ...]:
    return tuple(
        dict.fromkeys(
            [
                USED_SLICE(
                    lots=N_LOTS(n=len(sim.plant.lot_id)),
                    components=N_COMPONENTS(n=len(sim.components)),
                    lines=N_LINES(n=sim.recorded_shipments),
                ),
                USED_LIMITS(),
                *limit_notes,
                *ctx.notes,
            ]
        )
    )


def _notes(sim: Simulation, when: date) -> tuple[str, ...]:
    out = [SIMULATED(), FIGURES_ARE()]
    if sim.later_shipments:
        out.append(LATER(n=sim.later_shipments, day=when.isoformat()))
    return tuple(out)


def _warnings(
    shorts: list[ShortLine], past: list[PastLimitLot], uses: list[LotUse]
) -> tuple[str, ...]:
    out = []
    if shorts:
        out.append(SHORT(n=len(shorts)))
    if past:
        out.append(PAST(n=len(past)))
    soon = [u for u in uses if u.days_left is not None and u.days_left <= 30]
    if soon:
        out.append(SOON(n=len(soon)))
    return tuple(out)


__all__ = ["DOCUMENT", "whatif_products", "whatif_sell"]
