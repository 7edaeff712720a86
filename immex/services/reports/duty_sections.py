"""The duty sections of the month-end report: the F4 plan, the 63-A report, the savings.

Columns picked and rows ordered from the figures the duty services computed; nothing is
computed here.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from immex.domain.codes import format_pedimento
from immex.domain.f4_plan import F4Plan
from immex.domain.messages import Msg, Template
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
        [(ln.number, pp.portion, pp.best.trace) for ln in plan.lines for pp in ln.portions],
    )
    return Section("f4", "sec.f4", (main, trace))


TRACE_COLS = (
    C("line", "col.line"),
    C("pedimento", "col.pedimento"),
    C("part", "col.part"),
    C("step", "col.step", "int"),
    C("name", "col.step_name"),
    C("formula", "col.formula"),
    C("value", "col.value", "figure"),
    C("reference", "col.reference"),
)

#: the workbook's number format of a trace step's value, by the step's key: pesos of a
#: payment whole, the exact intermediate amounts (the step says "exact" or is one a person
#: recomputes) with their decimals, rates and factors with the decimals the law gives them
_MONEY_EXACT = "#,##0.00######"
_STEP_FORMATS = {
    "step.value_usd": "#,##0.00##",
    "step.value_mxn": _MONEY_EXACT,
    "step.igi_updated": _MONEY_EXACT,
    "step.dta_minimum": _MONEY_EXACT,
    "step.iva_base": _MONEY_EXACT,
    "step.due": _MONEY_EXACT,
    "step.updated": _MONEY_EXACT,
    "step.mx_duty": _MONEY_EXACT,
    "step.us_duty_usd": "#,##0.00##",
    "step.us_duty_mxn": _MONEY_EXACT,
    "step.exemption": _MONEY_EXACT,
    "step.owed_exact": _MONEY_EXACT,
    "step.igi_updated_pay": "#,##0",
    "step.dta_pay": "#,##0",
    "step.iva_pay": "#,##0",
    "step.owed": "#,##0",
    "step.update_pay": "#,##0",
    "step.recargos_pay": "#,##0",
    "step.late_total": "#,##0",
    "step.total": "#,##0",
    "step.fx": "0.0000##",  # the FIX: 4 decimals (6 when a loaded series has them)
    "step.fx_entry": "0.0000##",
    "step.fx_export": "0.0000##",
    "step.update_factor": "0.0000",  # CFF 17-A: 4 decimals
    "step.late_factor": "0.0000",
    "step.factor": "0.0000",
    "step.quotient": "0.##########",
    "step.inpc_numerator": "#,##0.000###",
    "step.inpc_denominator": "#,##0.000###",
    "step.rate_chosen": "0.####",
    "trace.rate_option": "0.####",
    "step.dta_rate": "0.####",
    "step.iva_rate": "0.####",
    "step.recargos_rate": "0.####",
    "step.recargos_month": "0.####",
    "step.months_late": "#,##0",
}


def step_format(name: Any) -> str | None:
    """The number format of a step's value in the workbook (``None``: up to 10 decimals)."""
    return _STEP_FORMATS.get(getattr(name, "key", ""))


def trace_table(
    key: str, title: str, items: Sequence[tuple[str | int, Any, Sequence[Any]]]
) -> Table:
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
                    # a number stays a number (the workbook writes it with its format); a date
                    # or a text as it reads
                    "value": value if isinstance(value, (Decimal, int, str, date)) else str(value),
                    "value_format": step_format(step.name),
                    "reference": step.reference,
                }
            )
    return Table(key, title, TRACE_COLS, tuple(rows), None, (), ("xlsx",))


#: the 63-A note on its two columns: the originating inputs' IGI (not owed) and the reduction
#: by the US/CA duty (the report's version of the domain's note, which names one "exemption")
USMCA_COLUMNS = Template(
    "report.usmca_columns",
    '"MX duty" is the IGI of every input of the document; the IGI of the inputs originating '
    "under the USMCA (with certification) is not owed (RULES U-4) and is shown apart; a "
    "document's US/CA duty is spread over its non-originating inputs in proportion to their MX "
    "duty, and per document the reduction = min(MX duty of the non-originating inputs, US/CA "
    "duty) (USMCA art. 2.5; LA 63-A)",
)
US_DUTIES_FROM = Template(
    "report.usmca_us_duties_from",
    "US/CA duty paid: declared by the user in the file {file} (sha256 {sha}…), for {given} of "
    "{total} export documents",
)
US_DUTIES_UNREADABLE = Template(
    "report.usmca_us_duties_unhashed",
    "US/CA duty paid: declared by the user in the file {file}, for {given} of {total} export "
    "documents",
)
US_DUTIES_NONE = Template(
    "report.usmca_us_duties_none",
    "US/CA duty paid: none declared (no file of US/CA duties was given): the whole MX duty of "
    "the non-originating inputs is owed unless proof is given (RULES U-2)",
)


def us_duties_source(rep: UsmcaReport) -> Msg:
    """Where the US/CA duty figures of the 63-A section come from: the user's file (its name
    and content hash, never where it sits) and how many documents it covers."""
    given, total = sum(1 for d in rep.documents if d.proof_given), len(rep.documents)
    if not rep.us_duties_file:
        return US_DUTIES_NONE()
    path = Path(rep.us_duties_file)
    try:
        sha = hashlib.sha256(path.read_bytes()).hexdigest()[:12]
    except OSError:  # the file moved since the computation: its name alone
        return US_DUTIES_UNREADABLE(file=path.name, given=given, total=total)
    return US_DUTIES_FROM(file=path.name, sha=sha, given=given, total=total)


def usmca_split(rep: UsmcaReport) -> dict[str, tuple[Decimal, Decimal]]:
    """Per document, the IGI of its originating inputs (not owed, RULES U-4) and the reduction
    by the US/CA duty of its other inputs (T-MEC 2.5): the two parts of the engine's
    "exemption", summed over the document's portions as computed."""
    out: dict[str, tuple[Decimal, Decimal]] = {}
    for p in rep.priced:
        orig, red = out.get(p.portion.document, (ZERO, ZERO))
        if p.result.originating:
            orig += p.result.exemption
        else:
            red += p.result.exemption
        out[p.portion.document] = (orig, red)
    return out


def usmca_section(rep: UsmcaReport) -> Section:
    cols = (
        C("document", "col.document"),
        C("export_date", "col.date", "date"),
        C("destination", "col.destination"),
        C("products", "col.product"),
        C("portions", "col.portions", "int"),
        C("mx_duty", "col.mx_duty", "money", "MXN"),
        C("originating", "col.usmca_originating", "money", "MXN"),
        C("us_duty_mxn", "col.us_duty_mxn", "money", "MXN"),
        C("reduction", "col.usmca_reduction", "money", "MXN"),
        C("owed", "col.owed", "money", "MXN"),
        C("due_by", "col.due_by", "date"),
    )
    split = usmca_split(rep)
    none = (ZERO, ZERO)
    rows = tuple(
        {
            "document": format_pedimento(d.document),
            "export_date": d.export_date,
            "destination": d.destination,
            "products": ", ".join(d.products),
            "portions": d.portions,
            "mx_duty": d.mx_duty,
            "originating": split.get(d.document, none)[0],
            "us_duty_mxn": d.us_duty_mxn,
            "reduction": split.get(d.document, none)[1],
            "owed": d.owed,
            "due_by": d.due_by,
        }
        for d in rep.documents
    )
    totals: dict[str, Decimal | int] = {
        k: rep.totals[k] for k in ("mx_duty", "us_duty_mxn", "owed")
    }
    totals["originating"] = sum((split.get(d.document, none)[0] for d in rep.documents), ZERO)
    totals["reduction"] = sum((split.get(d.document, none)[1] for d in rep.documents), ZERO)
    totals["portions"] = sum(d.portions for d in rep.documents)
    notes = (
        us_duties_source(rep),
        *(USMCA_COLUMNS() if getattr(n, "key", "") == "note.usmca_spread" else n
          for n in rep.notes),
    )  # fmt: skip
    trace = trace_table(
        "usmca_trace",
        "sec.usmca_trace",
        [(format_pedimento(p.portion.document), p.portion, p.result.trace) for p in rep.priced],
    )
    return Section(
        "usmca", "sec.usmca", (Table("usmca", "sec.usmca", cols, rows, totals, notes), trace)
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
        labels.append(f"PROSEC {w.sector}, {status}")
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
            sheet="sheet.what_if",
        ),
    )
    return Section("savings", "sec.savings", tables, (chart,))
