"""``immex expiry plan``: every lot at or near its IMMEX limit, and what each way out costs.

The use case: the lots with an open balance past their limit or within ``--within`` days of
it (:func:`immex.services.discharge.balances.expiry`, from the current run's journal), each
priced for every lawful way out (:mod:`immex.domain.expiry_plan`): the change of regime with
the F4 plan's pricing (the lot's open balance alone on one pedimento), the returns and
transfers at the DTA fixed fee of the date, the regularization's taxes — and the fines of
LA 182/183, which the bundled parameters do not carry, reported as not in the data.
Nothing is written.
"""

from __future__ import annotations

from datetime import date

from immex.domain.duties import DutyContext
from immex.domain.errors import ImmexError
from immex.domain.expiry_plan import (
    ExpiryPlan,
    LotPlan,
    WayCost,
    WayOut,
    mark_cheapest,
    ways_open,
)
from immex.domain.f4_plan import plan_portions
from immex.domain.lot_portions import LotPortion, PortionLot
from immex.domain.messages import Template
from immex.domain.money import ZERO, round_pesos
from immex.services.discharge.balances import LotBalance, expiry
from immex.services.duties.journal_portions import duty_context_of
from immex.services.workspace.context import Workspace

#: what the data lacks for the regularization (RULES I-4 names the amounts; they are not
#: among the bundled parameters, so no figure is shown)
FINES_MISSING = Template(
    "plan.fines_missing",
    "the fines of LA 182-II / 183-II (amounts per period, DOF 27-12-2025) and LA 178-I (a "
    "percentage of the omitted taxes) are not in the bundled parameters: not included — a "
    "person must compute them (RULES I-4)",
)()
FEE_MISSING = Template(
    "plan.fee_missing",
    "the DTA fixed fee (LFD 49-III) in force on {day} is not in the data — load it with "
    "`immex rates load parameters` (in the file, parameter dta.immex_temporary_fee)",
)
FEE_SHARED = Template(
    "plan.fee_shared", "one pedimento's fee: several lots leaving on one pedimento share it"
)
FEE_EXCLUDES = Template(
    "plan.fee_excludes", "freight and the receiving side's costs are not included"
)
DESTRUCTION_ONLY = Template(
    "plan.destruction_only",
    "only for waste and scrap destroyed under the rules (LA 109 ¶3): a person must confirm the "
    "goods are waste; the destruction's own costs are not included",
)
A3_TAXES = Template(
    "plan.a3_taxes",
    "the taxes are estimated as the change of regime of the open balance on the plan's date "
    "(IGI updated, DTA, IVA); the goods are illegally in the country since the limit (LA 108): "
    "regularize as soon as possible",
)
PAST = Template(
    "plan.past",
    "{n} lot already past its limit: the goods are illegally in the country (LA 108); only the "
    "regularization (A3) is open — {fines}",
    "{n} lots already past their limit: the goods are illegally in the country (LA 108); only "
    "the regularization (A3) is open — {fines}",
)
USED_LEDGER = Template(
    "plan.used_ledger",
    "ledger: the open balances of the current discharge run's journal up to the date",
)
USED_LIMITS = Template(
    "plan.used_limits",
    "IMMEX time limits: the temporary-import time limits in the bundled data (LA 108; RULES "
    "I-2; parameters immex.limit.*)",
)
SIMULATION = Template("plan.simulation", "a simulation: nothing was written")
F4_ALONE = Template(
    "plan.f4_alone",
    "the change of regime prices each lot's open balance alone on one F4 pedimento dated {day} "
    "(its DTA minimum per pedimento included, RULES C-10); several lots on one pedimento may pay "
    "less DTA",
)
CHEAPEST_IS = Template(
    "plan.cheapest_is",
    "cheapest: the lowest complete cost among the ways that need no further condition "
    "(destruction applies to waste only)",
)


def _portion(b: LotBalance, lot: PortionLot, when: date) -> LotPortion:
    return LotPortion(
        allocation_id=b.lot_id,
        shipment_id=0,
        document="EXPIRY-PLAN",
        shipment_date=when,
        destination="MEX",
        product="",
        key="F4",
        lot_id=b.lot_id,
        pedimento=b.pedimento,
        part=b.part,
        fraccion=lot.fraccion,
        origin=lot.origin,
        entry_date=b.entry_date,
        certificate=lot.certificate,
        quantity=b.open_quantity,
        value_usd=b.open_value_usd,
    )


def _f4(portion: LotPortion, ws: Workspace, ctx: DutyContext, when: date) -> WayCost:
    company = ws.the_company
    try:
        plan = plan_portions(
            [portion],
            ctx,
            company_rfc=company.rfc,
            company_name=company.name,
            period=(when.year, when.month),
            prosec_sectors=tuple(company.prosec_sectors),
            change_date=when,
        )
    except ImmexError as exc:
        return WayCost(WayOut.CHANGE_OF_REGIME, None, None, {}, (exc.message,))
    t = plan.totals
    detail = {
        "igi_updated": t["igi_updated"],
        "dta": t["dta"],
        "iva": t["iva"],
        "total_mfn": plan.totals_mfn["total"],
        "savings": plan.savings,
        "programs": list(plan.savings_by_program) or ["MFN"],
        "change_date": when,
    }
    return WayCost(
        WayOut.CHANGE_OF_REGIME,
        t["total"],
        None,
        detail,
        notes=tuple(w for w in plan.warnings if "DTA" in w),
    )


def _fee(way: WayOut, ctx: DutyContext, when: date) -> WayCost:
    fee = ctx.fixed_fee(when)
    if fee is None:
        return WayCost(
            way,
            None,
            None,
            {},
            (FEE_MISSING(day=when.isoformat()),),
        )
    amount, source = fee
    rounded = round_pesos(amount)  # CFF 20
    return WayCost(
        way,
        rounded,
        None,
        {"dta_fee": amount, "source": source},
        notes=(FEE_SHARED(), FEE_EXCLUDES()),
    )


def _ways(
    b: LotBalance, lot: PortionLot, ws: Workspace, ctx: DutyContext, when: date
) -> list[WayCost]:
    deadline = b.limit_date
    out: list[WayCost] = []
    for way in ways_open(b.days_left):
        if way is WayOut.CHANGE_OF_REGIME:
            cost = _f4(_portion(b, lot, when), ws, ctx, when)
        elif way in (WayOut.RETURN, WayOut.VIRTUAL_TRANSFER):
            cost = _fee(way, ctx, when)
        elif way is WayOut.DESTRUCTION:
            cost = WayCost(
                way,
                ZERO,
                None,
                {},
                notes=(DESTRUCTION_ONLY(),),
            )
        else:
            taxes = _f4(_portion(b, lot, when), ws, ctx, when)
            out.append(
                WayCost(
                    way,
                    taxes.cost,
                    None,
                    {**taxes.detail, "taxes": taxes.cost},
                    (*taxes.missing, FINES_MISSING),
                    notes=(A3_TAXES(),),
                )
            )
            continue
        out.append(WayCost(cost.way, cost.cost, deadline, cost.detail, cost.missing, cost.notes))
    return mark_cheapest(out)


def expiry_plan(
    ws: Workspace, within_days: int, as_of: date, *, context: DutyContext | None = None
) -> ExpiryPlan:
    """The lots past or within ``within_days`` of their limit on ``as_of``, each with the
    cost and deadline of every lawful way out, the cheapest marked; nothing is written."""
    company = ws.the_company
    with ws.read() as repos:
        rows, notes = expiry(ws, within_days, as_of)
        lots = repos.reports.portion_lots([b.lot_id for b in rows])
        ctx = context or duty_context_of(ws)
    plans = []
    for b in rows:
        lot = lots[b.lot_id]
        plans.append(
            LotPlan(
                b.lot_id,
                b.pedimento,
                b.part,
                lot.fraccion,
                lot.origin,
                b.entry_date,
                b.limit_date,
                b.days_left,
                str(b.status),
                b.open_quantity,
                b.open_value_usd,
                tuple(_ways(b, lot, ws, ctx, as_of)),
            )
        )
    past = [p for p in plans if p.days_left is not None and p.days_left < 0]
    totals = {
        "lots": len(plans),
        "past_limit": len(past),
        "open_value_usd": sum((p.open_value_usd for p in plans), ZERO),
        "cheapest_total": sum(
            (w.cost for p in plans for w in p.ways if w.cheapest and w.cost is not None), ZERO
        ),
    }
    warnings = list(notes)
    if past:
        warnings.append(PAST(n=len(past), fines=FINES_MISSING))
    return ExpiryPlan(
        company.rfc,
        company.name,
        as_of,
        within_days,
        tuple(plans),
        totals,
        data_used=(USED_LEDGER(), USED_LIMITS(), *ctx.notes),
        notes=(SIMULATION(), F4_ALONE(day=as_of.isoformat()), CHEAPEST_IS()),
        warnings=tuple(warnings),
    )
