"""``immex f4 plan``: the month's F4 (change of regime, LA 109) from the discharge journal.

The use case: read the period's domestic-sale lot portions (journal key ``F4``) of the
current run, plan them with the domain (:func:`immex.domain.f4_plan.plan_portions`: best
lawful rate vs MFN only, grouped into pedimento lines) and say what the figures leave out.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from immex.domain.duties import POLICIES, DutyContext
from immex.domain.errors import InvalidInput
from immex.domain.f4_plan import F4Plan, F4Policy, period_bounds, plan_portions
from immex.domain.lot_portions import PortionSplit
from immex.domain.messages import Template
from immex.domain.series import Month, month_str
from immex.services.duties.journal_portions import (
    duty_context_of,
    has_run,
    journal_caveats,
    lot_portions,
)
from immex.services.figure_cache import cached
from immex.services.inputs import parse_month
from immex.services.rates.best_rate import coverage_notes
from immex.services.workspace.context import Workspace

NO_F4 = Template("f4.no_allocations", "no domestic-sale allocations (key F4) in {period}")
BAD_POLICY = Template("f4.bad_policy", "--policy must be one of {items}, not {policy}")
NO_RUN = Template("f4.no_run", "no discharge run yet: run `immex discharge run` first")
NO_DOMESTIC = Template("f4.no_domestic", "no domestic-sale allocations (key F4) in {period}")
ZERO_VALUE = Template(
    "f4.zero_value",
    "{n} allocation of zero value left out (nothing to pay)",
    "{n} allocations of zero value left out (nothing to pay)",
)
CHANGE_BEFORE_PERIOD = Template(
    "f4.change_before_period",
    "--change-date {change_date} is before the period {value}",
)


def parse_period(text: str) -> Month:
    """The ``--period`` of the month-end commands (``YYYY-MM``)."""
    return parse_month(str(text), "period", "period")


def as_month(period: str | Month) -> Month:
    return parse_period(period) if isinstance(period, str) else period


def as_policy(policy: str | F4Policy) -> F4Policy:
    """The valuation policy named on the command line; a clear error for any other."""
    try:
        return F4Policy(policy)
    except ValueError:
        raise InvalidInput(
            BAD_POLICY(items=", ".join(POLICIES), policy=repr(policy)), field="policy"
        ) from None


def plan_f4(
    ws: Workspace,
    period: str | Month,
    *,
    change_date: date | None = None,
    policy: str | F4Policy = F4Policy.ENTRY_DATE,
    context: DutyContext | None = None,
) -> F4Plan:
    """The F4 pedimento lines for the period's domestic sales of ``ws.company``
    (computed once per state of the database on a server, unless a ``context`` is given)."""
    chosen = as_policy(policy)
    month = as_month(period)
    if context is None:
        return cached(ws, "duties.plan_f4", (month, change_date, chosen),
                      lambda: _plan_f4(ws, month, change_date, chosen, None))  # fmt: skip
    return _plan_f4(ws, month, change_date, chosen, context)


def _plan_f4(
    ws: Workspace, month: Month, change_date: date | None, chosen: F4Policy,
    context: DutyContext | None,
) -> F4Plan:  # fmt: skip
    start, end = period_bounds(month)
    if change_date is not None and change_date < start:
        raise InvalidInput(
            CHANGE_BEFORE_PERIOD(change_date=change_date, value=month_str(month)),
            field="change_date",
        )
    company = ws.the_company
    with ws.read():
        portions = lot_portions(ws, ("F4",), start, end, split=PortionSplit.LOT)
        skipped = [p for p in portions if p.value_usd <= 0]
        portions = [p for p in portions if p.value_usd > 0]
        context = context or duty_context_of(ws)
        plan = plan_portions(
            portions,
            context,
            company_rfc=company.rfc,
            company_name=company.name,
            period=month,
            prosec_sectors=tuple(company.prosec_sectors),
            change_date=change_date,
            policy=chosen,
        )
        extra: list[str] = []
        if not has_run(ws):
            extra.append(NO_RUN())
        else:
            if not portions:
                extra.append(NO_DOMESTIC(period=plan.period))
            extra += journal_caveats(ws, start, end, ("domestic",))
    if skipped:
        extra.append(ZERO_VALUE(n=len(skipped)))
    notes = coverage_notes(plan.change_date, fx=context.fx, inpc=context.inpc)
    extra += [w for w in notes if w not in plan.warnings]
    if not extra:
        return plan
    return replace(plan, warnings=tuple(dict.fromkeys([*extra, *plan.warnings])))
