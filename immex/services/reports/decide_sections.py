"""The month report's decision sections (issue 15, item 6): the PROSEC advisor
(:func:`immex.services.decide.prosec_advice.prosec_advise`) and the expiry action plan
(:func:`immex.services.decide.expiry_plan.expiry_plan`), both computed by their services
— nothing is computed here. Compact for the PDF and the HTML: the advisor's ranking (a few
rows) with its explanation in words, and the most urgent lots of the plan; the plan's
complete list goes to the XLSX only."""

from __future__ import annotations

from datetime import date
from typing import Any

from immex.domain.codes import format_pedimento
from immex.domain.expiry_plan import ExpiryPlan, LotPlan, WayOut
from immex.domain.messages import Msg, Template
from immex.domain.prosec_advice import ProsecAdvice
from immex.reports.model import Column, Section, SummaryItem, Table

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
PLAN_ALL = Template(
    "report.plan_all",
    "{total} lot past its limit or within {days} days on {day}; ★ the cheapest complete way out "
    "(destruction, for waste only, is never marked)",
    "{total} lots past their limit or within {days} days on {day}; ★ the cheapest complete way "
    "out (destruction, for waste only, is never marked)",
    count="total",
)
NOT_IN_DATA = Template("report.plan_not_in_data", "not in the data")
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
            "products": "?"
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
        empty="report.no_advice", sheet="sheet.prosec_advice",
    )  # fmt: skip
    return Section("prosec_advice", "sec.prosec_advice", (table,))


def _cost(lp: LotPlan, way: WayOut) -> Any:
    w = next((x for x in lp.ways if x.way is way), None)
    if w is None:
        return None
    if w.cost is None:
        return NOT_IN_DATA()
    return w.cost


def _cheapest(lp: LotPlan) -> Msg | str:
    best = [w for w in lp.ways if w.cheapest]
    return WAY[best[0].way]() if best else "?"


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
    top_note = (
        PLAN_TOP(shown=len(shown), **fields) if len(plan.lots) > TOP_LOTS else PLAN_ALL(**fields)
    )
    top = Table(
        "expiry_plan", "sec.expiry_plan", cols, tuple(_row(lp) for lp in shown),
        notes=(top_note, *plan.warnings[:2]), only=("html", "pdf"), empty="report.no_expiry",
        sheet="sheet.expiry_plan",
    )  # fmt: skip
    full = Table(
        "expiry_plan_all", "sec.expiry_plan", (*cols, C("deadline", "col.deadline", "date")),
        tuple(_row(lp) for lp in urgent), notes=(PLAN_ALL(**fields), *plan.warnings, *plan.notes),
        only=("xlsx",), empty="report.no_expiry", sheet="sheet.expiry_plan",
    )  # fmt: skip
    return Section("expiry_plan", "sec.expiry_plan", (top, full))


def decide_summary(advice: ProsecAdvice, plan: ExpiryPlan) -> tuple[SummaryItem, ...]:
    """One line each: the advisor's potential saving, the plan's cheapest total."""
    return (
        SummaryItem("sum.prosec_potential", advice.potential, currency="MXN"),
        SummaryItem("sum.expiry_plan_cheapest", plan.totals["cheapest_total"], currency="MXN"),
    )
