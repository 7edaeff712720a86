"""Arrange the figures computed by the services into a :class:`~immex.reports.model.Report`.

Nothing is computed here that a service does not already compute: this module picks
columns, orders rows and adds the frame (company, period, data version, computation date,
illustrative notice). The Annex 24 tables come from :mod:`immex.services.annex24`-style
ledger reads done by :func:`immex.services.duties.f4_plan.ledger_snapshot`.
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
from immex.services.duties.f4_plan import F4Plan
from immex.services.duties.savings import SavingsReport
from immex.services.duties.usmca import UsmcaReport

C = Column


def data_version() -> str:
    """A short, stable name for the bundled reference data: manifest version + content hash."""
    try:
        from immex.refdata.bundled import load_manifest

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
        from immex.refdata.bundled import load_fx, load_inpc

        fx_to = load_fx().last.isoformat()
        last = load_inpc().last_month
        inpc_to = f"{last[0]:04d}-{last[1]:02d}"
    except Exception:  # noqa: BLE001
        pass
    extra = f" (FIX to {fx_to}, INPC to {inpc_to})" if fx_to else ""
    return f"v{manifest.get('version', '?')}-{digest.hexdigest()[:10]}{extra}"


def f4_section(plan: F4Plan) -> Section:
    cols = (
        C("line", "col.line", "int"),
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
                    "pedimento": spaced(portion.pedimento),
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
        C("mx_duty", "col.mx_duty", "money"),
        C("us_duty_mxn", "col.us_duty_mxn", "money"),
        C("exemption", "col.exemption", "money"),
        C("owed", "col.owed", "money"),
        C("due_by", "col.due_by", "date"),
    )
    rows = tuple(
        {
            "document": spaced(d.document),
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
        [(spaced(p.portion.document), p.portion, p.result.trace) for p in rep.priced],
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
            sav.by_fraction,
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
            Table("expiry", "sec.expiry", cols, tuple(radar), totals, empty="report.no_expiry"),
            Table(
                "expiry_lots", "sec.expiry_lots", lot_cols, tuple(lots), empty="report.no_expiry"
            ),
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


# --------------------------------------------------------------------------- the ledger side


def spaced(pedimento: str) -> str:
    """``262430126000276`` → ``26 24 3012 6000276`` (how a pedimento number is written)."""
    p = str(pedimento)
    if len(p) == 15 and p.isdigit():
        return f"{p[:2]} {p[2:4]} {p[4:8]} {p[8:]}"
    return p


def _fx_rate(cache: dict[Any, Decimal], when: Any, series: Any) -> Decimal | None:
    if when not in cache:
        try:
            cache[when] = series.for_pedimento(when).rate
        except Exception:  # noqa: BLE001 - outside the series: shown without MXN
            cache[when] = None  # type: ignore[assignment]
    return cache[when]


def ledger_tables(engine: Any, company: Any, start: Any, end: Any) -> dict[str, Any]:
    """Annex 24 figures of the period from the store (read only) and the discharge service."""
    from sqlalchemy import select

    from immex.services.discharge import runs as discharge
    from immex.store.tables import ledger as lt

    with engine.connect() as conn:
        mats = {
            r.part_number: (r.description, r.fraccion)
            for r in conn.execute(
                select(
                    lt.materials.c.part_number, lt.materials.c.description, lt.materials.c.fraccion
                ).where(lt.materials.c.company_id == company.id)
            )
        }
        entries = conn.execute(
            select(lt.lots)
            .where(
                lt.lots.c.company_id == company.id,
                lt.lots.c.entry_date >= start,
                lt.lots.c.entry_date <= end,
            )
            .order_by(lt.lots.c.entry_date, lt.lots.c.pedimento, lt.lots.c.id)
        ).all()
        exits = conn.execute(
            select(lt.shipments)
            .where(
                lt.shipments.c.company_id == company.id,
                lt.shipments.c.ship_date >= start,
                lt.shipments.c.ship_date <= end,
            )
            .order_by(lt.shipments.c.ship_date, lt.shipments.c.document, lt.shipments.c.line)
        ).all()
        lot_info = {
            r.id: (r.fraccion, r.origin)
            for r in conn.execute(
                select(lt.lots.c.id, lt.lots.c.fraccion, lt.lots.c.origin).where(
                    lt.lots.c.company_id == company.id
                )
            )
        }
    fx: dict[Any, Decimal] = {}
    from immex.services.rates.series import series_from_engine

    fx_series = series_from_engine(engine)[0]  # bundled FIX, extended by the workspace's
    entry_rows = tuple(
        {
            "pedimento": spaced(r.pedimento),
            "clave": r.clave,
            "entry_date": r.entry_date,
            "part": r.part_number,
            "description": mats.get(r.part_number, ("", ""))[0],
            "fraccion": r.fraccion,
            "origin": r.origin,
            "quantity": Decimal(r.quantity_micro).scaleb(-6),
            "value_usd": Decimal(r.value_e4).scaleb(-4),
        }
        for r in entries
    )
    exit_rows = tuple(
        {
            "document": spaced(r.document),
            "kind": f"kind.{r.kind}",
            "date": r.ship_date,
            "product": r.product,
            "quantity": Decimal(r.quantity_micro).scaleb(-6),
            "destination": r.destination or "",
            "value_usd": Decimal(r.value_e4).scaleb(-4) if r.value_e4 is not None else None,
        }
        for r in exits
    )
    journal = discharge.journal_rows(engine, company, date_from=start, date_to=end)
    used: dict[str, dict[str, Any]] = {}
    by_ped: dict[tuple[str, str, str], dict[str, Any]] = {}
    for j in journal:
        u = used.setdefault(
            j.component,
            {
                "part": j.component,
                "description": mats.get(j.component, ("", ""))[0],
                "fraccion": j.fraccion,
                "quantity": ZERO,
                "value_usd": ZERO,
                "lots": set(),
            },
        )
        u["quantity"] += j.quantity
        u["value_usd"] += j.value_usd
        u["lots"].add(j.lot_id)
        k = (j.pedimento, j.component, j.key)
        d = by_ped.setdefault(
            k,
            {
                "pedimento": spaced(j.pedimento),
                "entry_date": j.entry_date,
                "part": j.component,
                "fraccion": j.fraccion,
                "clave": j.key,
                "documents": set(),
                "quantity": ZERO,
                "value_usd": ZERO,
            },
        )
        d["documents"].add(j.document)
        d["quantity"] += j.quantity
        d["value_usd"] += j.value_usd
    used_rows = tuple(
        {**{k: v for k, v in u.items() if k != "lots"}, "lots": len(u["lots"])}
        for u in sorted(used.values(), key=lambda x: x["part"])
    )
    ped_rows = tuple(
        {**{k: v for k, v in d.items() if k != "documents"}, "documents": len(d["documents"])}
        for d in sorted(by_ped.values(), key=lambda x: (x["entry_date"], x["pedimento"], x["part"]))
    )
    balances, notes = discharge.balance(engine, company, end)
    bal_rows = []
    for b in balances:
        frac, origin = lot_info.get(b.lot_id, ("", ""))
        rate = _fx_rate(fx, b.entry_date, fx_series)
        bal_rows.append(
            {
                "pedimento": spaced(b.pedimento),
                "part": b.part,
                "fraccion": frac,
                "origin": origin,
                "entry_date": b.entry_date,
                "limit_date": b.limit_date,
                "days_left": b.days_left,
                "open_qty": b.open_quantity,
                "value_usd": b.open_value_usd,
                "value_mxn": (b.open_value_usd * rate) if rate is not None else ZERO,
                "status": f"status.{b.status}",
            }
        )
    return {
        "entries": entry_rows,
        "exits": exit_rows,
        "materials_used": used_rows,
        "discharge": ped_rows,
        "balances": tuple(bal_rows),
        "notes": tuple(notes),
        "journal_rows": len(journal),
    }


def expiry_radar(
    balances: Sequence[dict[str, Any]], as_of: Any, soon_days: int = 90
) -> dict[str, Any]:
    """Open lots by month of their limit (value at risk), and those due within ``soon_days``."""
    by_month: dict[str, dict[str, Any]] = {}
    for b in balances:
        if b["limit_date"] is None:
            continue
        m = b["limit_date"].strftime("%Y-%m")
        r = by_month.setdefault(m, {"month": m, "lots": 0, "value_usd": ZERO, "value_mxn": ZERO})
        r["lots"] += 1
        r["value_usd"] += b["value_usd"]
        r["value_mxn"] += b["value_mxn"]
    soon = [b for b in balances if b["days_left"] is not None and 0 <= b["days_left"] <= soon_days]
    expired = [b for b in balances if b["days_left"] is not None and b["days_left"] < 0]
    soon.sort(key=lambda b: (b["limit_date"], b["pedimento"], b["part"]))
    return {
        "months": [by_month[k] for k in sorted(by_month)],
        "soon": soon,
        "expired": expired,
        "soon_value_mxn": sum((b["value_mxn"] for b in soon), ZERO),
        "soon_value_usd": sum((b["value_usd"] for b in soon), ZERO),
    }


def annex24_sections(led: dict[str, Any]) -> list[Section]:
    entries = Table(
        "entries",
        "sec.entries",
        (
            C("pedimento", "col.pedimento"),
            C("clave", "col.clave"),
            C("entry_date", "col.date", "date"),
            C("part", "col.part"),
            C("description", "col.description"),
            C("fraccion", "col.fraccion"),
            C("origin", "col.origin"),
            C("quantity", "col.quantity", "qty"),
            C("value_usd", "col.value_usd", "money"),
        ),
        led["entries"],
        {"value_usd": sum((r["value_usd"] for r in led["entries"]), ZERO)},
    )
    exits = Table(
        "exits",
        "sec.exits",
        (
            C("document", "col.document"),
            C("kind", "col.kind", "label"),
            C("date", "col.date", "date"),
            C("product", "col.product"),
            C("quantity", "col.quantity", "qty"),
            C("destination", "col.destination"),
            C("value_usd", "col.value_usd", "money"),
        ),
        led["exits"],
        {"value_usd": sum((r["value_usd"] or ZERO for r in led["exits"]), ZERO)},
    )
    bal = led["balances"]
    balances = Table(
        "balances",
        "sec.balances",
        (
            C("pedimento", "col.pedimento"),
            C("part", "col.part"),
            C("fraccion", "col.fraccion"),
            C("origin", "col.origin"),
            C("entry_date", "col.entry_date", "date"),
            C("limit_date", "col.limit_date", "date"),
            C("days_left", "col.days_left", "int"),
            C("open_qty", "col.open_qty", "qty"),
            C("value_usd", "col.open_value", "money"),
            C("value_mxn", "col.value_mxn", "money"),
            C("status", "col.status", "label"),
        ),
        bal,
        {
            "value_usd": sum((r["value_usd"] for r in bal), ZERO),
            "value_mxn": sum((r["value_mxn"] for r in bal), ZERO),
        },
        led["notes"],
        empty="report.no_lots",
    )
    used = Table(
        "materials_used",
        "sec.materials_used",
        (
            C("part", "col.part"),
            C("description", "col.description"),
            C("fraccion", "col.fraccion"),
            C("lots", "col.lots", "int"),
            C("quantity", "col.consumed_qty", "qty"),
            C("value_usd", "col.allocated_value", "money"),
        ),
        led["materials_used"],
        {"value_usd": sum((r["value_usd"] for r in led["materials_used"]), ZERO)},
    )
    disc = Table(
        "discharge",
        "sec.discharge",
        (
            C("pedimento", "col.pedimento"),
            C("entry_date", "col.entry_date", "date"),
            C("part", "col.part"),
            C("fraccion", "col.fraccion"),
            C("clave", "col.clave"),
            C("documents", "col.document", "int"),
            C("quantity", "col.allocated_qty", "qty"),
            C("value_usd", "col.allocated_value", "money"),
        ),
        led["discharge"],
        {"value_usd": sum((r["value_usd"] for r in led["discharge"]), ZERO)},
    )
    return [
        Section("entries", "sec.entries", (entries,)),
        Section("exits", "sec.exits", (exits,)),
        Section("balances", "sec.balances", (balances,), (balance_chart(bal),)),
        Section("materials_used", "sec.materials_used", (used,)),
        Section("discharge", "sec.discharge", (disc,)),
    ]


def build_report(
    engine: Any,
    company: Any,
    period: tuple[int, int],
    *,
    plan: F4Plan,
    usmca: UsmcaReport,
    sav: SavingsReport,
    computed_at: datetime,
    lang: str = "es",
    illustrative: bool = False,
    soon_days: int = 90,
) -> tuple[Report, dict[str, Any]]:
    """The whole month-end report, and the ledger figures it used (for summaries/tests)."""
    from immex.services.duties.f4_plan import period_bounds

    start, end = period_bounds(period)
    led = ledger_tables(engine, company, start, end)
    radar = expiry_radar(led["balances"], end, soon_days)
    label = f"{period[0]:04d}-{period[1]:02d}"
    warnings = list(dict.fromkeys([*plan.warnings[:6], *usmca.warnings[:3], *sav.notes[2:]]))
    meta = make_meta(company.name, company.rfc, label, computed_at, illustrative, lang, warnings)
    summary = summary_items(
        plan, usmca, sav, radar["soon_value_mxn"], len(radar["soon"]), len(radar["expired"])
    )
    sections = [
        *annex24_sections(led),
        f4_section(plan),
        usmca_section(usmca),
        savings_section(sav, lang),
        expiry_section(radar["months"], [*radar["expired"], *radar["soon"]], label),
    ]
    return assemble(meta, summary, sections), {"ledger": led, "radar": radar}
