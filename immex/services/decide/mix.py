"""``immex whatif mix``: the month's F4 if a share of a product's production went to Mexico.

The use case: read the current discharge run's allocations of the period's shipment lines
of the product (every kind: the month's production as shipped), take the share of each lot
portion (:func:`immex.domain.whatif.share_of`) and price it as the F4 plan does (best
lawful rate vs MFN only, the pedimento's DTA minimum). Nothing is written.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from immex.domain.company import IVA_IEPS_CERTIFICATION
from immex.domain.duties import DutyContext
from immex.domain.errors import InvalidInput
from immex.domain.f4_plan import default_change_date, period_bounds, plan_portions
from immex.domain.lot_portions import PortionSplit, sum_decimals
from immex.domain.messages import Template
from immex.domain.money import ZERO
from immex.domain.series import month_str
from immex.domain.whatif import MixResult, OptionCost, Route, share_of
from immex.services.discharge.caveats import NO_RUN_YET
from immex.services.duties.f4_plan import as_month
from immex.services.duties.journal_portions import (
    duty_context_of,
    has_run,
    journal_caveats,
    lot_portions,
)
from immex.services.workspace.context import Workspace

BAD_SHARE = Template("mix.bad_share", "--domestic-share is a percentage from 0 to 100")
MIX_NONE = Template("mix.none", "no discharged shipment lines of {product} in {month}")
MIX_USED = Template(
    "mix.used",
    "ledger: the current discharge run's {allocations} of {lines} of {product} in {month}",
)
#: the counts of the data used, each in the form its number takes
N_ALLOCATIONS = Template("mix.n_allocations", "{n} allocation", "{n} allocations")
N_LINES = Template("mix.n_lines", "{n} shipment line", "{n} shipment lines")
MIX_PRO_RATA = Template(
    "mix.pro_rata",
    "a simulation: nothing was written; each shipment line's lot portions are taken pro rata "
    "(quantity to 6, value to 4 decimals, half-up): the FIFO lots stay those the run used",
)
MIX_CHANGE_DATE = Template("mix.change_date", "change date {day}")
MIX_CHANGE_DATE_DEFAULT = Template(
    "mix.change_date_default", "change date {day} (last weekday of the period; pass --change-date)"
)


def whatif_mix(
    ws: Workspace,
    period: str,
    domestic_share: Decimal,
    product: str,
    *,
    change_date: date | None = None,
    context: DutyContext | None = None,
) -> MixResult:
    """The F4 of ``domestic_share`` percent of the period's production of ``product``."""
    if not ZERO <= domestic_share <= 100:
        raise InvalidInput(BAD_SHARE(), field="domestic_share")
    company = ws.the_company
    month = as_month(period)
    start, end = period_bounds(month)
    when = change_date or default_change_date(month)
    with ws.read() as repos:
        if not has_run(ws):
            raise InvalidInput(NO_RUN_YET(), field="period")
        keys = ("RT", "F4", "F5", "V1")
        portions = [
            p
            for p in lot_portions(ws, keys, start, end, split=PortionSplit.ALLOCATION)
            if p.product == product
        ]
        caveats = journal_caveats(ws, start, end, ("export", "domestic", "transfer"))
        certs = repos.companies.authorizations(company.id, IVA_IEPS_CERTIFICATION)
        ctx = context or duty_context_of(ws)
    shifted = share_of(portions, domestic_share / 100)
    plan = plan_portions(
        shifted,
        ctx,
        company_rfc=company.rfc,
        company_name=company.name,
        period=month,
        prosec_sectors=tuple(company.prosec_sectors),
        change_date=when,
    )
    actual_f4 = [p for p in portions if p.key == "F4" and p.value_usd > 0]
    actual = ZERO
    if actual_f4:
        actual = plan_portions(
            actual_f4,
            ctx,
            company_rfc=company.rfc,
            company_name=company.name,
            period=month,
            prosec_sectors=tuple(company.prosec_sectors),
            change_date=when,
        ).totals["total"]
    certified = any(c.covers(when) for c in certs)
    t, m = plan.totals, plan.totals_mfn
    credit = t["iva"] if certified else ZERO
    option = OptionCost(
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
        detail={"savings_by_program": plan.savings_by_program, "lot_portions": plan.portions},
        notes=tuple(dict.fromkeys([*plan.notes, *plan.warnings])),
    )
    shipments = {p.shipment_id: p for p in portions}
    warnings = list(caveats)
    if not portions:
        warnings.append(MIX_NONE(product=product, month=month_str(month)))
    return MixResult(
        company.rfc,
        product,
        month_str(month),
        domestic_share,
        shipment_lines=len(shipments),
        inputs_value_usd=sum_decimals(p.value_usd for p in portions),
        shifted_value_usd=sum_decimals(p.value_usd for p in shifted),
        actual_f4_total=actual,
        option=option,
        data_used=(
            MIX_USED(
                allocations=N_ALLOCATIONS(n=len(portions)),
                lines=N_LINES(n=len(shipments)),
                product=product,
                month=month_str(month),
            ),
            *ctx.notes,
        ),
        notes=(
            MIX_PRO_RATA(),
            (MIX_CHANGE_DATE if change_date else MIX_CHANGE_DATE_DEFAULT)(day=when.isoformat()),
        ),
        warnings=tuple(warnings),
    )
