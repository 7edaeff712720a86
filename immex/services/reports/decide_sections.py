"""The month report's decision sections (issue 15, item 6): the PROSEC advisor
(:func:`immex.services.decide.prosec_advice.prosec_advise`) and the expiry action plan
(:func:`immex.services.decide.expiry_plan.expiry_plan`), both computed by their services
— nothing is computed here. Compact for the PDF and the HTML: the advisor's ranking (a few
rows) with its explanation in words, and the most urgent lots of the plan; the plan's
complete list goes to the XLSX only."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from immex.domain.codes import format_pedimento
from immex.domain.expiry_plan import ExpiryPlan, LotPlan, WayOut
from immex.domain.messages import Msg, Template, joined
from immex.domain.prosec_advice import ProsecAdvice
from immex.reports.model import Column, Section, SummaryItem, Table
from immex.services.reports.wording import for_report

C = Column
#: lots of the plan shown in the PDF and HTML (the XLSX has them all)
TOP_LOTS = 10
#: sector explanations written under the advisor's table
TOP_SECTORS = 3

ADVICE_SPAN = Template(
    "report.advice_span",
    "advisor over {start} … {end} (the savings section's period); a simulation: the potential "
    "savings assume the registration in force the whole period",
)
PLAN_TOP = Template(
    "report.plan_top",
    "the {shown} most urgent of {total} lot past its limit or within {days} days on "
    "{day}; the complete list, with every way out, is in the XLSX",
    "the {shown} most urgent of {total} lots past their limit or within {days} days on "
    "{day}; the complete list, with every way out, is in the XLSX",
    count="total",
)
#: the plan's note in the report: what the column "cheapest" holds, or why it is empty
PLAN_PRICED = Template(
    "report.plan_priced",
    "{total} lot past its limit or within {days} days on {day}; the column 'Cheapest "
    "way out' names the complete way out that costs least (destruction, for waste only, is "
    "never chosen)",
    "{total} lots past their limit or within {days} days on {day}; the column 'Cheapest "
    "way out' names the complete way out that costs least (destruction, for waste only, is "
    "never chosen)",
    count="total",
)
PLAN_UNPRICED = Template(
    "report.plan_unpriced",
    "{total} lot past its limit or within {days} days on {day}; for {unpriced} of them no "
    "cheapest way out could be determined: {why}",
    "{total} lots past their limit or within {days} days on {day}; for {unpriced} of them no "
    "cheapest way out could be determined: {why}",
    count="total",
)
NOT_IN_DATA = Template("report.plan_not_in_data", "not in the data")
NOT_OPEN = Template("report.plan_not_open", "not applicable")
#: a cost or a choice the data does not allow: "no figure", and why (never "?" nor 0)
NO_FIGURE = Template("report.plan_no_figure", "no figure ({why})")
UNDETERMINED = Template("report.plan_undetermined", "Not determined: {why}")
FEE_MISSING_SHORT = Template("report.plan_fee_missing_short", "DTA fee {year}")
GOODS_NOT_GIVEN = Template("report.advice_goods_not_given", "no figure (sector goods not given)")
WAY = {
    WayOut.RETURN: Template("report.way.return", "return (RT/H1)"),
    WayOut.CHANGE_OF_REGIME: Template("report.way.f4", "change of regime (F4)"),
    WayOut.VIRTUAL_TRANSFER: Template("report.way.v1", "virtual transfer (V1)"),
    WayOut.DESTRUCTION: Template("report.way.destruction", "destruction (waste only)"),
    WayOut.REGULARIZATION: Template("report.way.a3", "regularization (A3)"),
}


def advice_section(advice: ProsecAdvice) -> Section:
    rows = tuple(
        {
            "sector": s.sector,
            "name": s.sector_name,
            "kind": s.kind,
            "saving": s.saving,
            "f4_saving": s.f4_saving,
            "usmca_saving": s.usmca_saving,
            "parts": f"{s.parts_covered}/{s.parts_total}",
            "products": GOODS_NOT_GIVEN()
            if s.products_in_goods is None
            else f"{s.products_in_goods}/{s.products_total}",
            "acotaciones": len(s.acotaciones),
        }
        for s in advice.sectors
    )
    cols = (
        C("sector", "col.sector"),
        C("name", "col.sector_name"),
        C("kind", "col.advice_kind"),
        C("saving", "col.advice_saving", "money", "MXN"),
        C("f4_saving", "col.advice_f4", "money", "MXN"),
        C("usmca_saving", "col.advice_63a", "money", "MXN"),
        C("parts", "col.advice_parts"),
        C("products", "col.advice_products"),
        C("acotaciones", "col.acotaciones", "int"),
    )
    notes: list[Any] = [
        advice.summary(),
        *[s.explanation(advice.date_from, advice.date_to) for s in advice.sectors[:TOP_SECTORS]],
        ADVICE_SPAN(start=advice.date_from.isoformat(), end=advice.date_to.isoformat()),
        *advice.warnings[:2],
    ]
    table = Table(
        "prosec_advice", "sec.prosec_advice", cols, rows, notes=tuple(notes),
        empty="report.no_advice_period", sheet="sheet.prosec_advice",
    )  # fmt: skip
    return Section("prosec_advice", "sec.prosec_advice", (table,))


def missing_text(missing: Msg | str) -> Msg | str:
    """What a way's cost lacks, in the report's words (the CLI's message names a command)."""
    out: Msg | str = for_report(missing)
    return out


def _short(missing: Msg | str) -> Msg | str:
    if isinstance(missing, Msg) and missing.key == "plan.fee_missing":
        return FEE_MISSING_SHORT(year=str(missing.params.get("day", ""))[:4])
    return missing_text(missing)


def _cost(lp: LotPlan, way: WayOut) -> Any:
    w = next((x for x in lp.ways if x.way is way), None)
    if w is None:  # not open on the plan's date (before or past the limit)
        return NOT_OPEN()
    if w.cost is None:
        return NO_FIGURE(why=_short(w.missing[0])) if w.missing else NO_FIGURE(why=NOT_IN_DATA())
    return w.cost


def priced(lp: LotPlan) -> bool:
    """Whether the plan could name the lot's cheapest way out (every eligible cost known)."""
    return any(w.cheapest for w in lp.ways)


def why_unpriced(lots: Sequence[LotPlan]) -> str:
    """The data the unpriced lots' costs lack, each reason once (in the report's words)."""
    reasons: dict[str, Msg | str] = {}
    for lp in lots:
        if priced(lp):
            continue
        for w in lp.ways:
            if w.cost is None:
                for m in w.missing:
                    reasons.setdefault(str(m), missing_text(m))
    return joined(list(reasons.values())) if reasons else NOT_IN_DATA()


def _cheapest(lp: LotPlan) -> Msg | str:
    best = [w for w in lp.ways if w.cheapest]
    if best:
        return WAY[best[0].way]()
    unknown = [m for w in lp.ways if w.cost is None for m in w.missing[:1]]
    return NO_FIGURE(why=_short(unknown[0]) if unknown else NOT_IN_DATA())


def _row(lp: LotPlan) -> dict[str, Any]:
    deadline: date | None = next((w.deadline for w in lp.ways if w.deadline), lp.limit_date)
    return {
        "lot_id": lp.lot_id,
        "pedimento": format_pedimento(lp.pedimento),
        "part": lp.part,
        "limit_date": lp.limit_date,
        "days_left": lp.days_left,
        "open_value_usd": lp.open_value_usd,
        "return": _cost(lp, WayOut.RETURN),
        "f4": _cost(lp, WayOut.CHANGE_OF_REGIME),
        "v1": _cost(lp, WayOut.VIRTUAL_TRANSFER),
        "a3": _cost(lp, WayOut.REGULARIZATION),
        "cheapest": _cheapest(lp),
        "deadline": deadline,
    }


def expiry_plan_section(plan: ExpiryPlan) -> Section:
    urgent = sorted(plan.lots, key=lambda lp: (lp.days_left if lp.days_left is not None
                                               else 10**6, lp.lot_id))  # fmt: skip
    cols = (
        C("lot_id", "col.lot", "int"),
        C("pedimento", "col.pedimento"),
        C("part", "col.part"),
        C("limit_date", "col.limit_date", "date"),
        C("days_left", "col.days_left", "int"),
        C("open_value_usd", "col.open_value", "money", "USD"),
        C("return", "col.way_return", "money", "MXN"),
        C("f4", "col.way_f4", "money", "MXN"),
        C("v1", "col.way_v1", "money", "MXN"),
        C("a3", "col.way_a3", "money", "MXN"),
        C("cheapest", "col.way_cheapest"),
    )
    fields = {"total": len(plan.lots), "days": plan.within_days, "day": plan.as_of.isoformat()}
    shown = urgent[:TOP_LOTS]
    unpriced = [lp for lp in plan.lots if not priced(lp)]
    if unpriced:
        legend = PLAN_UNPRICED(unpriced=len(unpriced), why=why_unpriced(unpriced), **fields)
    else:
        legend = PLAN_PRICED(**fields)
    top_notes: tuple[Msg, ...] = (legend,)
    if len(plan.lots) > TOP_LOTS:
        top_notes = (PLAN_TOP(shown=len(shown), **fields), legend)
    top = Table(
        "expiry_plan", "sec.expiry_plan", cols, tuple(_row(lp) for lp in shown),
        notes=(*top_notes, *plan.warnings[:2]), only=("html", "pdf"), empty="report.no_expiry",
        sheet="sheet.expiry_plan",
    )  # fmt: skip
    rows = tuple(_row(lp) for lp in urgent)
    # a way's own deadline, only when one differs from the lot's limit (else the same column
    # twice)
    extra = (
        (C("deadline", "col.way_deadline", "date"),)
        if any(r["deadline"] != r["limit_date"] for r in rows)
        else ()
    )
    full = Table(
        "expiry_plan_all", "sec.expiry_plan", (*cols, *extra), rows,
        notes=(legend, *plan.warnings, *plan.notes),
        only=("xlsx",), empty="report.no_expiry", sheet="sheet.expiry_plan",
    )  # fmt: skip
    return Section("expiry_plan", "sec.expiry_plan", (top, full))


def decide_summary(advice: ProsecAdvice, plan: ExpiryPlan) -> tuple[SummaryItem, ...]:
    """One line each: the advisor's potential saving, the plan's cheapest total — summed only
    when every lot's cheapest way out is known (an unknown cost is never shown as 0.00)."""
    unpriced = [lp for lp in plan.lots if not priced(lp)]
    cheapest = SummaryItem("sum.expiry_plan_cheapest", plan.totals["cheapest_total"],
                           currency="MXN")  # fmt: skip
    if unpriced:
        why = UNDETERMINED(why=why_unpriced(unpriced))
        cheapest = SummaryItem("sum.expiry_plan_cheapest", why, "text", currency="MXN")
    return (SummaryItem("sum.prosec_potential", advice.potential, currency="MXN"), cheapest)
