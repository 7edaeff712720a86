"""The duty sections of the month-end report: the F4 plan, the 63-A report, the savings.

Columns picked and rows ordered from the figures the duty services computed; nothing is
computed here.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from immex.domain.codes import format_pedimento
from immex.domain.f4_plan import F4Plan
from immex.domain.money import ZERO
from immex.domain.rate_rows import program_key_name, program_name
from immex.domain.savings import SavingsReport
from immex.domain.usmca_63a import UsmcaReport
from immex.reports.i18n import t
from immex.reports.model import Chart, Column, Section, Table

C = Column


def f4_section(plan: F4Plan) -> Section:
    cols = (
        C("line", "col.line", "int"),
        C("fraccion", "col.fraccion"),
        C("origin", "col.origin"),
        C("program", "col.program"),
        C("rate", "col.rate", "pct"),
        C("mfn_rate", "col.mfn_rate", "pct"),
        C("portions", "col.portions", "int"),
        C("value_usd", "col.value_usd", "money", "USD"),
        C("customs_value_mxn", "col.customs_value_mxn", "money", "MXN"),
        C("igi_updated", "col.igi_updated", "money", "MXN"),
        C("dta", "col.dta", "money", "MXN"),
        C("iva", "col.iva", "money", "MXN"),
        C("total", "col.total", "money", "MXN"),
        C("total_mfn", "col.total_mfn", "money", "MXN"),
        C("savings", "col.savings", "money", "MXN"),
    )
    rows = tuple(
        {
            "line": ln.number,
            "fraccion": ln.fraccion,
            "origin": ln.origin,
            "program": program_name(ln.program, ln.program_detail),
            "rate": ln.rate,
            "mfn_rate": ln.mfn_rate,
            "portions": len(ln.portions),
            "value_usd": ln.value_usd,
            "customs_value_mxn": ln.customs_value_mxn,
            "igi_updated": ln.igi_updated,
            "dta": ln.dta,
            "iva": ln.iva,
            "total": ln.total,
            "total_mfn": ln.total_mfn,
            "savings": ln.savings,
        }
        for ln in plan.lines
    )
    totals = {
        "portions": plan.portions,
        "value_usd": sum((ln.value_usd for ln in plan.lines), ZERO),
        **{k: plan.totals[k] for k in ("customs_value_mxn", "igi_updated", "dta", "iva", "total")},
        "total_mfn": plan.totals_mfn["total"],
        "savings": plan.savings,
    }
    main = Table("f4", "sec.f4", cols, rows, totals, plan.notes)
    trace = trace_table(
        "f4_trace",
        "sec.f4_trace",
        [(f"{ln.number}", pp.portion, pp.best.trace) for ln in plan.lines for pp in ln.portions],
    )
    return Section("f4", "sec.f4", (main, trace))


TRACE_COLS = (
    C("line", "col.line"),
    C("pedimento", "col.pedimento"),
    C("part", "col.part"),
    C("step", "col.step", "int"),
    C("name", "col.step_name"),
    C("formula", "col.formula"),
    C("value", "col.value"),
    C("reference", "col.reference"),
)


def trace_table(key: str, title: str, items: Sequence[tuple[str, Any, Sequence[Any]]]) -> Table:
    """Every step of every computation (Excel only): what a person needs to redo it by hand."""
    rows = []
    for line, portion, steps in items:
        for n, step in enumerate(steps, start=1):
            value = step.value
            rows.append(
                {
                    "line": line,
                    "pedimento": format_pedimento(portion.pedimento),
                    "part": portion.part,
                    "step": n,
                    "name": step.name,
                    "formula": step.formula,
                    "value": value if isinstance(value, str) else str(value),
                    "reference": step.reference,
                }
            )
    return Table(key, title, TRACE_COLS, tuple(rows), None, (), ("xlsx",))


def usmca_section(rep: UsmcaReport) -> Section:
    cols = (
        C("document", "col.document"),
        C("export_date", "col.date", "date"),
        C("destination", "col.destination"),
        C("products", "col.product"),
        C("portions", "col.portions", "int"),
        C("mx_duty", "col.mx_duty", "money", "MXN"),
        C("us_duty_mxn", "col.us_duty_mxn", "money", "MXN"),
        C("exemption", "col.exemption", "money", "MXN"),
        C("owed", "col.owed", "money", "MXN"),
        C("due_by", "col.due_by", "date"),
    )
    rows = tuple(
        {
            "document": format_pedimento(d.document),
            "export_date": d.export_date,
            "destination": d.destination,
            "products": ", ".join(d.products),
            "portions": d.portions,
            "mx_duty": d.mx_duty,
            "us_duty_mxn": d.us_duty_mxn,
            "exemption": d.exemption,
            "owed": d.owed,
            "due_by": d.due_by,
        }
        for d in rep.documents
    )
    totals: dict[str, Decimal | int] = {
        k: rep.totals[k] for k in ("mx_duty", "us_duty_mxn", "exemption", "owed")
    }
    totals["portions"] = sum(d.portions for d in rep.documents)
    trace = trace_table(
        "usmca_trace",
        "sec.usmca_trace",
        [(format_pedimento(p.portion.document), p.portion, p.result.trace) for p in rep.priced],
    )
    return Section(
        "usmca", "sec.usmca", (Table("usmca", "sec.usmca", cols, rows, totals, rep.notes), trace)
    )


def savings_section(sav: SavingsReport, lang: str) -> Section:
    labels, values = [], []
    for label, amount in sav.by_program.items():
        labels.append(label)
        values.append(amount)
    registered = set(sav.prosec_sectors)
    highlight = []
    for w in sav.what_if:
        status = t("chart.registered" if w.sector in registered else "chart.if_added", lang)
        labels.append(f"PROSEC {w.sector} ({status})")
        values.append(w.igi_saving)
        if not w.registered:
            highlight.append(len(values) - 1)
    chart = Chart(
        "savings_by_sector",
        "chart.savings_by_sector",
        tuple(labels),
        tuple(values),
        horizontal=True,
        highlight=tuple(highlight),
    )
    month_cols = (
        C("month", "col.month"),
        C("portions", "col.portions", "int"),
        C("total", "col.total", "money", "MXN"),
        C("total_mfn", "col.total_mfn", "money", "MXN"),
        C("savings", "col.savings", "money", "MXN"),
    )
    frac_cols = (
        C("fraccion", "col.fraccion"),
        C("program", "col.program"),
        C("portions", "col.portions", "int"),
        C("total", "col.total", "money", "MXN"),
        C("total_mfn", "col.total_mfn", "money", "MXN"),
        C("savings", "col.savings", "money", "MXN"),
    )
    wi_cols = (
        C("sector", "col.sector"),
        C("sector_name", "col.description"),
        C("status", "col.status"),
        C("fractions", "col.fractions"),
        C("portions", "col.portions", "int"),
        C("customs_value_mxn", "col.customs_value_mxn", "money", "MXN"),
        C("igi_saving", "col.would_save", "money", "MXN"),
        C("reason", "col.reason"),
        C("review", "col.warnings"),
    )
    reg = {"es": ("registrado", "no registrado"), "en": ("registered", "not registered")}[lang]
    wi_rows = tuple(
        {
            "sector": w.sector,
            "sector_name": w.sector_name,
            "status": reg[0] if w.registered else reg[1],
            "fractions": ", ".join(w.fractions),
            "portions": w.portions,
            "customs_value_mxn": w.customs_value_mxn,
            "igi_saving": w.igi_saving,
            "reason": w.reason,
            "review": "; ".join(w.needs_review),
        }
        for w in sav.what_if
    )
    totals_month = {
        "portions": sum(m["portions"] for m in sav.by_month),
        "total": sav.total_best,
        "total_mfn": sav.total_mfn,
        "savings": sav.total,
    }
    tables = (
        Table(
            "savings_month",
            "sec.savings_month",
            month_cols,
            sav.by_month,
            totals_month,
            sav.notes[:1],
            empty="report.no_rows_range",
        ),
        Table(
            "savings_fraction",
            "sec.savings_fraction",
            frac_cols,
            tuple({**f, "program": program_key_name(f["program"])} for f in sav.by_fraction),
            empty="report.no_rows_range",
        ),
        Table(
            "what_if",
            "sec.what_if",
            wi_cols,
            wi_rows,
            None,
            sav.notes[1:],
            empty="report.no_rows_range",
        ),
    )
    return Section("savings", "sec.savings", tables, (chart,))
