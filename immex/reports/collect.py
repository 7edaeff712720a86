"""Arrange the figures computed by the services into a :class:`~immex.reports.model.Report`.

Nothing is computed here that a service does not already compute: this module picks
columns, orders rows and adds the frame (company, period, data version, computation date,
illustrative notice). The Annex 24 tables come from :mod:`immex.services.annex24`-style
ledger reads done by :func:`immex.services.f4_plan.ledger_snapshot`.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any

from immex.domain.money import ZERO
from immex.reports.i18n import t
from immex.reports.model import Chart, Column, Report, ReportMeta, Section, SummaryItem, Table
from immex.services.f4_plan import F4Plan
from immex.services.savings import SavingsReport
from immex.services.usmca import UsmcaReport

C = Column


def data_version() -> str:
    """A short, stable name for the bundled reference data: manifest version + content hash."""
    try:
        from immex.refdata.reference import load_manifest

        manifest = load_manifest()
    except Exception:  # noqa: BLE001 - the report still renders, saying the data is unknown
        return "unknown (reference data not built)"
    explicit = manifest.get("data_version")
    if explicit:
        return str(explicit)
    digest = hashlib.sha256()
    for table in sorted(manifest.get("tables", []), key=lambda x: x.get("file", "")):
        digest.update(f"{table.get('file')}:{table.get('sha256')}\n".encode())
    fx_to = inpc_to = ""
    try:
        from immex.refdata.reference import load_fx, load_inpc

        fx_to = load_fx().last.isoformat()
        last = load_inpc().last_month
        inpc_to = f"{last[0]:04d}-{last[1]:02d}"
    except Exception:  # noqa: BLE001
        pass
    extra = f" (FIX to {fx_to}, INPC to {inpc_to})" if fx_to else ""
    return f"v{manifest.get('version', '?')}-{digest.hexdigest()[:10]}{extra}"


def f4_section(plan: F4Plan) -> Section:
    cols = (
        C("line", "col.run", "int"),
        C("fraccion", "col.fraccion"),
        C("origin", "col.origin"),
        C("program", "col.program"),
        C("rate", "col.rate", "pct"),
        C("mfn_rate", "col.mfn_rate", "pct"),
        C("portions", "col.portions", "int"),
        C("value_usd", "col.value_usd", "money"),
        C("customs_value_mxn", "col.customs_value_mxn", "money"),
        C("igi_updated", "col.igi_updated", "money"),
        C("dta", "col.dta", "money"),
        C("iva", "col.iva", "money"),
        C("total", "col.total", "money"),
        C("total_mfn", "col.total_mfn", "money"),
        C("savings", "col.savings", "money"),
    )
    rows = tuple(
        {
            "line": ln.number,
            "fraccion": ln.fraccion,
            "origin": ln.origin,
            "program": f"{ln.program} {ln.program_detail}".strip(),
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
    return Section("f4", "sec.f4", (Table("f4", "sec.f4", cols, rows, totals, plan.notes),))


def usmca_section(rep: UsmcaReport) -> Section:
    cols = (
        C("document", "col.document"),
        C("export_date", "col.date", "date"),
        C("destination", "col.destination"),
        C("products", "col.product"),
        C("portions", "col.portions", "int"),
        C("mx_duty", "col.mx_duty", "money"),
        C("us_duty_mxn", "col.us_duty_mxn", "money"),
        C("exemption", "col.exemption", "money"),
        C("owed", "col.owed", "money"),
        C("due_by", "col.due_by", "date"),
    )
    rows = tuple(
        {
            "document": d.document,
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
    totals = {k: rep.totals[k] for k in ("mx_duty", "us_duty_mxn", "exemption", "owed")}
    totals["portions"] = sum(d.portions for d in rep.documents)
    return Section(
        "usmca", "sec.usmca", (Table("usmca", "sec.usmca", cols, rows, totals, rep.notes),)
    )


def savings_section(sav: SavingsReport, lang: str) -> Section:
    labels, values = [], []
    for label, amount in sav.by_program.items():
        labels.append(label)
        values.append(amount)
    registered = set(sav.prosec_sectors)
    highlight = []
    for w in sav.what_if:
        labels.append(f"{'PROSEC ' + w.sector}{' *' if w.sector in registered else ' (+)'}")
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
        C("total", "col.total", "money"),
        C("total_mfn", "col.total_mfn", "money"),
        C("savings", "col.savings", "money"),
    )
    frac_cols = (
        C("fraccion", "col.fraccion"),
        C("program", "col.program"),
        C("portions", "col.portions", "int"),
        C("total", "col.total", "money"),
        C("total_mfn", "col.total_mfn", "money"),
        C("savings", "col.savings", "money"),
    )
    wi_cols = (
        C("sector", "col.sector"),
        C("sector_name", "col.description"),
        C("status", "col.status"),
        C("fractions", "col.fractions"),
        C("portions", "col.portions", "int"),
        C("customs_value_mxn", "col.customs_value_mxn", "money"),
        C("igi_saving", "col.would_save", "money"),
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
        ),
        Table("savings_fraction", "sec.savings_fraction", frac_cols, sav.by_fraction),
        Table("what_if", "sec.what_if", wi_cols, wi_rows, None, sav.notes[1:]),
    )
    return Section("savings", "sec.savings", tables, (chart,))


def expiry_section(
    radar: Sequence[dict[str, Any]], lots: Sequence[dict[str, Any]], close: str
) -> Section:
    months = sorted({r["month"] for r in radar})
    values = tuple(sum((r["value_mxn"] for r in radar if r["month"] == m), ZERO) for m in months)
    highlight = tuple(i for i, m in enumerate(months) if m <= close)
    chart = Chart("expiry_radar", "chart.expiry_radar", tuple(months), values, highlight=highlight)
    cols = (
        C("month", "col.month"),
        C("lots", "col.lots", "int"),
        C("value_usd", "col.open_value", "money"),
        C("value_mxn", "col.value_at_risk", "money"),
    )
    lot_cols = (
        C("pedimento", "col.pedimento"),
        C("part", "col.part"),
        C("fraccion", "col.fraccion"),
        C("entry_date", "col.entry_date", "date"),
        C("limit_date", "col.limit_date", "date"),
        C("days_left", "col.days_left", "int"),
        C("open_qty", "col.open_qty", "qty"),
        C("value_usd", "col.open_value", "money"),
        C("value_mxn", "col.value_at_risk", "money"),
    )
    totals = {
        "lots": sum(r["lots"] for r in radar),
        "value_usd": sum((r["value_usd"] for r in radar), ZERO),
        "value_mxn": sum((r["value_mxn"] for r in radar), ZERO),
    }
    return Section(
        "expiry",
        "sec.expiry",
        (
            Table("expiry", "sec.expiry", cols, tuple(radar), totals),
            Table("expiry_lots", "sec.expiry", lot_cols, tuple(lots)),
        ),
        (chart,),
    )


def balance_chart(balances: Sequence[dict[str, Any]], top: int = 15) -> Chart:
    by_frac: dict[str, Decimal] = defaultdict(lambda: ZERO)
    for b in balances:
        by_frac[b["fraccion"]] += b.get("value_mxn", b["value_usd"])
    items = sorted(by_frac.items(), key=lambda kv: (-kv[1], kv[0]))[:top]
    return Chart(
        "balance_by_fraction",
        "chart.balance_by_fraction",
        tuple(k for k, _ in items),
        tuple(v for _, v in items),
        horizontal=True,
    )


def make_meta(
    company_name: str,
    company_rfc: str,
    period: str,
    computed_at: datetime,
    illustrative: bool,
    lang: str,
    warnings: Sequence[str] = (),
) -> ReportMeta:
    return ReportMeta(
        company_name,
        company_rfc,
        period,
        data_version(),
        computed_at,
        illustrative,
        lang,
        tuple(warnings),
    )


def summary_items(
    plan: F4Plan | None,
    usmca: UsmcaReport | None,
    sav: SavingsReport | None,
    expiring_value: Decimal,
    expiring_lots: int,
    expired_lots: int,
) -> tuple[SummaryItem, ...]:
    items = []
    if plan is not None:
        items += [
            SummaryItem("sum.f4_total", plan.totals["total"]),
            SummaryItem("sum.f4_mfn", plan.totals_mfn["total"]),
            SummaryItem("sum.f4_savings", plan.savings),
        ]
    if usmca is not None:
        items.append(SummaryItem("sum.usmca_owed", usmca.totals["owed"]))
    if sav is not None:
        items.append(SummaryItem("sum.prosec_saved", sum(sav.by_sector.values(), ZERO)))
        best = sav.best_unregistered()
        if best is not None:
            items.append(
                SummaryItem(
                    "sum.best_sector", f"{best.sector} ({best.igi_saving:,.2f} MXN)", "text"
                )
            )
    items += [
        SummaryItem("sum.expiring_value", expiring_value),
        SummaryItem("sum.expiring_lots", expiring_lots, "int"),
        SummaryItem("sum.expired_lots", expired_lots, "int"),
    ]
    return tuple(items)


def assemble(
    meta: ReportMeta, summary: tuple[SummaryItem, ...], sections: Sequence[Section]
) -> Report:
    return Report(meta, summary, tuple(sections))


def title(key: str, lang: str) -> str:
    return t(key, lang)
