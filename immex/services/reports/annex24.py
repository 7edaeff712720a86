"""The Annex 24 sections of the month-end report and the expiry radar.

The ledger's figures of the period — lots entered, shipments made, materials used and the
discharge by pedimento (from the current run's journal), open balances with their limits —
read through the reports repository and the discharge service, then arranged as tables.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from immex.domain.codes import format_pedimento
from immex.domain.ledger import DESTRUCTION_KEY
from immex.domain.money import ZERO
from immex.refdata.bundled import unit_symbol
from immex.reports.model import Chart, Column, Section, Table
from immex.services.discharge import balances as lot_balances
from immex.services.discharge import journal as discharge_journal
from immex.services.discharge.plant import bom_lines
from immex.services.rates.workspace_data import series_of
from immex.services.reports.product_materials import (
    product_material_rows,
    product_materials_table,
    scrap_note,
)
from immex.services.workspace.context import Workspace

C = Column
#: the unit of the quantity before it (UMC of the part, product or material: RGCE Annex 24
#: keeps quantities in the pedimento's UMC), shown as the LIGIE abbreviation (KG, PZA)
UMC = C("umc", "col.umc")


def _units(codes: dict[str, str]) -> dict[str, str]:
    """part number → the unit a reader sees (``PZA``), each distinct code looked up once."""
    shown = {code: unit_symbol(code) for code in set(codes.values())}
    return {part: shown[code] for part, code in codes.items()}


def _fx_rate(cache: dict[Any, Decimal | None], when: Any, series: Any) -> Decimal | None:
    if when not in cache:
        try:
            cache[when] = series.for_pedimento(when).rate
        except Exception:  # noqa: BLE001 - outside the series: shown without MXN
            cache[when] = None
    return cache[when]


def ledger_tables(ws: Workspace, start: date, end: date) -> dict[str, Any]:
    """Annex 24 figures of ``ws.company`` for the period (read only)."""
    company = ws.the_company
    with ws.read() as repos:  # one connection for every read below
        mats = repos.reports.materials(company.id)
        units = _units(repos.reports.part_units(company.id))
        entries = repos.reports.lots_entered(company.id, start, end)
        exits = repos.reports.shipments_made(company.id, start, end)
        lot_info = repos.reports.lot_fracciones_and_origins(company.id)
        fx_series = series_of(ws)[0]  # bundled FIX, extended by the workspace's
        journal = discharge_journal.journal_rows(ws, date_from=start, date_to=end)
        balances, notes = lot_balances.balance(ws, end)
        bom = bom_lines(repos, company.id)
    used_rows, ped_rows = _journal_tables(journal, mats, units)
    by_product = product_material_rows(exits, bom, journal, mats, units)
    scrap = scrap_note(bom) if used_rows else None
    return {
        "entries": _entry_rows(entries, mats, units),
        "exits": _exit_rows(exits, units),
        "materials_used": used_rows,
        "materials_used_notes": (scrap,) if scrap is not None else (),
        "materials_by_product": by_product[0],
        "materials_by_product_notes": by_product[1],
        "discharge": ped_rows,
        "balances": _balance_rows(balances, lot_info, fx_series),
        "notes": tuple(notes),
        "journal_rows": len(journal),
    }


def balance_table(ws: Workspace, on: date) -> tuple[tuple[Any, ...], tuple[str, ...]]:
    """The rows of the report's balance table on ``on`` (open quantity and value per lot,
    MXN at the entry's exchange rate) and the balance's notes — without the period's
    journal tables, for the dashboard's expiry radar."""
    company = ws.the_company
    with ws.read() as repos:
        lot_info = repos.reports.lot_fracciones_and_origins(company.id)
        fx_series = series_of(ws)[0]
        balances, notes = lot_balances.balance(ws, on)
    return _balance_rows(balances, lot_info, fx_series), tuple(notes)


def _entry_rows(
    entries: Sequence[Any], mats: dict[str, tuple[str, str]], units: dict[str, str]
) -> tuple[Any, ...]:
    return tuple(
        {
            "pedimento": format_pedimento(r.pedimento),
            "clave": r.clave,
            "entry_date": r.entry_date,
            "part": r.part_number,
            "description": mats.get(r.part_number, ("", ""))[0],
            "fraccion": r.fraccion,
            "origin": r.origin,
            "quantity": r.quantity,
            "umc": units.get(r.part_number, ""),
            "value_usd": r.value_usd,
        }
        for r in entries
    )


def _exit_rows(exits: Sequence[Any], units: dict[str, str]) -> tuple[Any, ...]:
    return tuple(
        {
            "document": format_pedimento(r.document),
            "kind": f"kind.{r.kind}",
            "date": r.ship_date,
            "product": r.product,
            "quantity": r.quantity,
            "umc": units.get(r.product, ""),
            "destination": r.destination,
            "value_usd": r.value_usd,
        }
        for r in exits
    )


def _journal_tables(
    journal: Sequence[Any], mats: dict[str, tuple[str, str]], units: dict[str, str]
) -> tuple[tuple[Any, ...], tuple[Any, ...]]:
    """Materials used (per part) and the discharge by pedimento, part and key."""
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
                "umc": units.get(j.component, ""),
                "value_usd": ZERO,
                "lots": set(),
            },
        )
        u["quantity"] += j.quantity
        u["value_usd"] += j.value_usd
        u["lots"].add(j.lot_id)
        d = by_ped.setdefault(
            (j.pedimento, j.component, j.key),
            {
                "pedimento": format_pedimento(j.pedimento),
                "entry_date": j.entry_date,
                "part": j.component,
                "fraccion": j.fraccion,
                # a destruction has no pedimento key: Annex 24 shows the exit as such
                "clave": "destrucción" if j.key == DESTRUCTION_KEY else j.key,
                "documents": set(),
                "quantity": ZERO,
                "umc": units.get(j.component, ""),
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
        {
            **{k: v for k, v in d.items() if k != "documents"},
            "documents": ", ".join(format_pedimento(doc) for doc in sorted(d["documents"])),
        }
        for d in sorted(by_ped.values(), key=lambda x: (x["entry_date"], x["pedimento"], x["part"]))
    )
    return used_rows, ped_rows


def _balance_rows(
    balances: Sequence[Any], lot_info: dict[int, tuple[str, str]], fx_series: Any
) -> tuple[Any, ...]:
    fx: dict[Any, Decimal | None] = {}
    rows = []
    for b in balances:
        frac, origin = lot_info.get(b.lot_id, ("", ""))
        rate = _fx_rate(fx, b.entry_date, fx_series)
        rows.append(
            {
                "pedimento": format_pedimento(b.pedimento),
                "part": b.part,
                "fraccion": frac,
                "origin": origin,
                "entry_date": b.entry_date,
                "limit_date": b.limit_date,
                "days_left": b.days_left,
                "open_qty": b.open_quantity,
                "umc": unit_symbol(b.umc),
                "value_usd": b.open_value_usd,
                "value_mxn": (b.open_value_usd * rate) if rate is not None else ZERO,
                "status": f"status.{b.status}",
                # Annex I/II of the IMMEX Decree on the entry date (flagged, RULES I-10)
                "annex": b.annex.label if b.annex else "",
                "annex_reason": b.annex.message if b.annex else "",
            }
        )
    return tuple(rows)


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
        C("value_usd", "col.open_value", "money", "USD"),
        C("value_mxn", "col.value_at_risk", "money", "MXN"),
    )
    lot_cols = (
        C("pedimento", "col.pedimento"),
        C("part", "col.part"),
        C("fraccion", "col.fraccion"),
        C("entry_date", "col.entry_date", "date"),
        C("limit_date", "col.limit_date", "date"),
        C("days_left", "col.days_left", "int"),
        C("open_qty", "col.open_qty", "qty"),
        UMC,
        C("value_usd", "col.open_value", "money", "USD"),
        C("value_mxn", "col.value_at_risk", "money", "MXN"),
        C("annex", "col.annex"),
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
            UMC,
            C("value_usd", "col.value_usd", "money", "USD"),
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
            UMC,
            C("destination", "col.destination"),
            C("value_usd", "col.value_usd", "money", "USD"),
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
            UMC,
            C("value_usd", "col.open_value", "money", "USD"),
            C("value_mxn", "col.value_mxn", "money", "MXN"),
            C("status", "col.status", "label"),
            C("annex", "col.annex"),
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
            UMC,
            C("value_usd", "col.allocated_value", "money", "USD"),
        ),
        led["materials_used"],
        {"value_usd": sum((r["value_usd"] for r in led["materials_used"]), ZERO)},
        led.get("materials_used_notes", ()),
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
            C("documents", "col.documents"),
            C("quantity", "col.allocated_qty", "qty"),
            UMC,
            C("value_usd", "col.allocated_value", "money", "USD"),
        ),
        led["discharge"],
        {"value_usd": sum((r["value_usd"] for r in led["discharge"]), ZERO)},
    )
    return [
        Section("entries", "sec.entries", (entries,)),
        Section("exits", "sec.exits", (exits,)),
        Section("balances", "sec.balances", (balances,), (balance_chart(bal),)),
        Section("materials_used", "sec.materials_used", (used,)),
        Section(
            "materials_by_product",
            "sec.materials_by_product",
            (
                product_materials_table(
                    led["materials_by_product"], led["materials_by_product_notes"]
                ),
            ),
        ),
        Section("discharge", "sec.discharge", (disc,)),
    ]
