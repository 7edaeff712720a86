"""Reconcile the company's ledger with SAT's data (use case + xlsx/html output).

Reads SAT's side from the ``sat_*`` tables (Data Stage imports) and the ledger's side from
the Annex 24 tables (``ledger_lots`` for pedimentos and lines, the current discharge run for
the journal), turns both into the plain records of :mod:`immex.domain.reconcile` and runs
the pure comparison. The IMMEX time limits come from the effective-dated reference
parameters (RULES.md I-2, read through :func:`immex.services.discharge.runs.limit_months`).
"""

from __future__ import annotations

import html
from collections import defaultdict
from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, inspect, select
from sqlalchemy.orm import aliased

from immex.domain import reconcile as rc
from immex.domain.errors import ImmexError
from immex.services.workspace.companies import Company, audit, resolve_company
from immex.store.tables import sat

#: SAT pedimento key → kind of goods whose limit applies (containers cannot be told apart
#: in SAT's data: IN is read as inputs, 18 months — said in every report)
_KIND_OF_KEY = {"IN": "input", "AF": "fixed_asset"}


def _date(v: Any) -> date:
    if isinstance(v, datetime):
        return v.date()
    if isinstance(v, date):
        return v
    return date.fromisoformat(str(v)[:10])


def load_sat(
    conn: Connection, company_id: int
) -> tuple[
    list[rc.SatPedimento], list[rc.SatLine], list[rc.SatDischarge], tuple[date, date] | None
]:
    p, ln, d = sat.sat_pedimentos, sat.sat_partidas, sat.sat_descargos
    b = sat.sat_import_batches
    nxt = aliased(p)
    peds: list[rc.SatPedimento] = []
    rect = {
        r.pedimento_id: r.number
        for r in conn.execute(
            select(sat.sat_rectificaciones.c.pedimento_id, p.c.number).join(
                p, p.c.id == sat.sat_rectificaciones.c.anterior_id
            )
        )
    }
    q = (
        select(p.c.id, p.c.number, p.c.clave_documento, p.c.tipo_operacion, p.c.fecha_pago,
               nxt.c.number.label("next_number"), b.c.source_name)
        .join(b, b.c.id == p.c.batch_id)
        .outerjoin(nxt, nxt.c.id == p.c.superseded_by_id)
        .where(p.c.company_id == company_id, p.c.source == "datastage")
    )  # fmt: skip
    for r in conn.execute(q):
        peds.append(
            rc.SatPedimento(
                r.number,
                r.clave_documento,
                int(r.tipo_operacion),
                _date(r.fecha_pago),
                f"SAT 501 {r.number} ({r.source_name})",
                r.next_number,
                rect.get(r.id),
            )  # fmt: skip
        )
    lines = [
        rc.SatLine(
            r.number,
            r.fraccion,
            int(r.secuencia),
            r.cantidad_umc,
            None if r.umc is None else str(r.umc),
            r.cantidad_umt,
            None if r.umt is None else str(r.umt),
            r.valor_dolares,
            f"SAT 551 {r.number} partida {r.secuencia}",
        )  # fmt: skip
        for r in conn.execute(
            select(
                p.c.number,
                ln.c.fraccion,
                ln.c.secuencia,
                ln.c.cantidad_umc,
                ln.c.umc,
                ln.c.cantidad_umt,
                ln.c.umt,
                ln.c.valor_dolares,
            )
            .join(p, p.c.id == ln.c.pedimento_id)
            .where(p.c.company_id == company_id, p.c.source == "datastage")
        )  # fmt: skip
    ]
    discharges = []
    for dr in conn.execute(
        select(p.c.number, p.c.fecha_pago, d.c.id, d.c.year_orig, d.c.aduana_orig,
               d.c.patente_orig, d.c.pedimento_orig, d.c.documento_orig, d.c.fraccion_orig,
               d.c.unidad, d.c.cantidad)
        .join(p, p.c.id == d.c.pedimento_id)
        .where(p.c.company_id == company_id, p.c.source == "datastage")
    ):  # fmt: skip
        orig = f"{dr.year_orig % 100:02d}{dr.aduana_orig[:2]}{dr.patente_orig}{dr.pedimento_orig}"
        discharges.append(
            rc.SatDischarge(
                dr.number,
                _date(dr.fecha_pago),
                orig,
                dr.documento_orig,
                dr.fraccion_orig,
                None if dr.unidad is None else str(dr.unidad),
                dr.cantidad,
                f"SAT 512 on {dr.number} (discharges {orig})",
            )  # fmt: skip
        )
    coverage = None
    if peds:
        coverage = (min(x.paid for x in peds), max(x.paid for x in peds))
    for (data,) in conn.execute(
        select(sat.sat_raw_rows.c.data)
        .join(b, b.c.id == sat.sat_raw_rows.c.batch_id)
        .where(
            sat.sat_raw_rows.c.table_code == "Resumen",
            b.c.kind == "datastage",
            b.c.id.in_(select(p.c.batch_id).where(p.c.company_id == company_id)),
        )
    ):
        parts = data.split("|")
        try:
            lo, hi = date.fromisoformat(parts[2]), date.fromisoformat(parts[3])
        except (IndexError, ValueError):
            continue
        coverage = (lo, hi) if coverage is None else (min(coverage[0], lo), max(coverage[1], hi))
    return peds, lines, discharges, coverage


def load_ledger(
    conn: Connection, company: Company
) -> tuple[
    list[rc.LedgerPedimento], list[rc.LedgerLine], list[rc.LedgerDischarge] | None, list[str]
]:
    """The ledger's pedimentos, lines (lots) and journal; notes say what is missing."""
    notes: list[str] = []
    if not inspect(conn).has_table("ledger_lots"):
        return [], [], None, ["the ledger tables do not exist in this workspace"]
    from immex.store.tables import ledger as t

    units = {
        r.part_number: r.umc
        for r in conn.execute(
            select(t.materials.c.part_number, t.materials.c.umc).where(
                t.materials.c.company_id == company.id
            )
        )
    }
    files = {
        r.id: r.file_name
        for r in conn.execute(
            select(t.import_batches.c.id, t.import_batches.c.file_name).where(
                t.import_batches.c.company_id == company.id
            )
        )
    }
    peds: dict[str, rc.LedgerPedimento] = {}
    lines: list[rc.LedgerLine] = []
    lot_info: dict[int, tuple[str, str, str | None]] = {}
    for r in conn.execute(select(t.lots).where(t.lots.c.company_id == company.id)):
        where = f"{files.get(r.batch_id, 'ledger')}:{r.source_line}"
        if r.pedimento not in peds or r.entry_date < peds[r.pedimento].entry_date:
            peds[r.pedimento] = rc.LedgerPedimento(
                r.pedimento, r.clave, r.entry_date, f"ledger pedimentos {where}"
            )
        unit = units.get(r.part_number)
        lines.append(
            rc.LedgerLine(
                r.pedimento,
                r.fraccion,
                Decimal(r.quantity_micro).scaleb(-6),
                unit,
                Decimal(r.value_e4).scaleb(-4),
                f"ledger lot {r.id} ({r.part_number}, {where})",
            )  # fmt: skip
        )
        lot_info[r.id] = (r.pedimento, r.fraccion, unit)
    journal: list[rc.LedgerDischarge] | None = None
    try:
        from immex.services.discharge import runs as dis

        run_id = dis.current_run_id(conn, company)
    except (ImportError, AttributeError) as exc:  # the engine's store module not there yet
        notes.append(f"the discharge journal cannot be read yet ({exc})")
        run_id = None
    if run_id is None:
        if not notes:
            notes.append("no discharge run yet: `immex discharge run` creates the journal")
        return list(peds.values()), lines, None, notes
    import numpy as np

    from immex.domain.discharge import kernel as fe

    cols = dis.load_allocations(conn, run_id)
    journal = []
    if len(cols["qty"]):
        key = cols["lot_id"].astype(np.int64) * 100_000 + cols["ship_date"].astype(np.int64)
        uniq, inv = np.unique(key, return_inverse=True)
        sums = np.zeros(len(uniq), dtype=object)
        np.add.at(sums, inv, cols["qty"].astype(object))
        for k, total in zip(uniq.tolist(), sums.tolist(), strict=True):
            lot_id, day = divmod(k, 100_000)
            ped, frac, unit = lot_info.get(lot_id, ("", "", None))
            journal.append(
                rc.LedgerDischarge(
                    ped,
                    frac,
                    Decimal(int(total)).scaleb(-6),
                    unit,
                    fe.from_day(day),
                    f"discharge run {run_id}, lot {lot_id}",
                )  # fmt: skip
            )
    return list(peds.values()), lines, journal, notes


def _limits(notes: list[str]) -> Callable[[str, date], int | None]:
    failed: set[str] = set()

    def limit(clave: str, start: date) -> int | None:
        kind = _KIND_OF_KEY.get(clave)
        if kind is None:
            return None
        try:
            from immex.services.discharge.runs import limit_months

            return limit_months(kind, start)
        except (ImmexError, ImportError, OSError) as exc:
            if clave not in failed:
                failed.add(clave)
                notes.append(f"time limit of {clave} unknown on {start.isoformat()}: {exc}; "
                             "open temporary imports of that key not checked")  # fmt: skip
            return None

    return limit


def reconcile(
    engine: Engine,
    company: str | None,
    date_from: date | None,
    date_to: date | None,
    *,
    as_of: date,
    tolerance: rc.Tolerance | None = None,
) -> dict[str, Any]:
    """Compare ledger and SAT for the company; ``as_of`` is the date of the time-limit check."""
    comp = resolve_company(engine, company)
    with engine.connect() as conn:
        speds, slines, sdis, coverage = load_sat(conn, comp.id)
        lpeds, llines, ldis, notes = load_ledger(conn, comp)
    if not speds:
        notes.append("no SAT data for this company: import a Data Stage extraction first "
                     "(`immex import datastage`)")  # fmt: skip
    limit_notes: list[str] = []
    report = rc.reconcile(
        speds, slines, sdis, lpeds, llines, ldis,
        as_of=as_of, limit_months=_limits(limit_notes), date_from=date_from, date_to=date_to,
        tolerance=tolerance or rc.Tolerance(), sat_coverage=coverage,
    )  # fmt: skip
    out = {
        "company": comp.rfc,
        "date_from": date_from,
        "date_to": date_to,
        "as_of": as_of,
        "sat_coverage": coverage,
        "tolerance": report.tolerance,
        "totals": report.totals,
        "compared": report.compared,
        "notes": [*notes, *report.notes, *limit_notes,
                  "IN pedimentos are checked against the inputs limit (containers, 2 years, "
                  "cannot be told apart in SAT's data)"],
        "differences": list(report.differences),
    }  # fmt: skip
    with engine.begin() as conn:
        audit(
            conn,
            "sat.reconcile",
            {
                "totals": report.totals,
                "from": str(date_from),
                "to": str(date_to),
                "as_of": as_of.isoformat(),
            },
            comp.id,
        )
    return out


# --------------------------------------------------------------------------- output

_COLUMNS = ("category", "pedimento", "fraccion", "field", "sat_value", "ledger_value",
            "difference", "sat_ref", "ledger_ref", "note")  # fmt: skip


def _cell(v: Any) -> Any:
    if v is None:
        return ""
    if isinstance(v, Decimal):
        return float(v) if abs(v) < Decimal(10) ** 15 else str(v)
    return v


def write_xlsx(report: dict[str, Any], out_dir: str | Path) -> Path:
    """``reconcile_<RFC>.xlsx``: a summary sheet and one sheet of differences."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    path = Path(out_dir) / f"reconcile_{report['company']}.xlsx"
    path.parent.mkdir(parents=True, exist_ok=True)
    wb = Workbook()
    ws = wb.active
    ws.title = "Resumen"
    ws.append(["Conciliación ledger vs SAT", report["company"]])
    ws["A1"].font = Font(bold=True)
    for label, key in (("Desde", "date_from"), ("Hasta", "date_to"), ("Al", "as_of")):
        ws.append([label, str(report[key] or "")])
    ws.append([])
    ws.append(["Categoría", "Diferencias"])
    for cat, n in report["totals"].items():
        ws.append([cat, n])
    ws.append([])
    for note in report["notes"]:
        ws.append(["Nota", note])
    ds = wb.create_sheet("Diferencias")
    ds.append(list(_COLUMNS))
    for c in ds[1]:
        c.font = Font(bold=True)
    for d in report["differences"]:
        ds.append([_cell(getattr(d, c)) for c in _COLUMNS])
    ds.freeze_panes = "A2"
    wb.save(path)
    return path


def write_html(report: dict[str, Any], out_dir: str | Path) -> Path:
    """``reconcile_<RFC>.html``: one self-contained page (inline CSS, no scripts)."""
    path = Path(out_dir) / f"reconcile_{report['company']}.html"
    path.parent.mkdir(parents=True, exist_ok=True)
    e = html.escape
    by_cat: dict[str, list[Any]] = defaultdict(list)
    for d in report["differences"]:
        by_cat[d.category].append(d)
    parts = [
        "<!doctype html><html lang='es'><meta charset='utf-8'>",
        f"<title>Conciliación {e(report['company'])}</title>",
        "<style>body{font:14px system-ui,sans-serif;margin:2em}table{border-collapse:collapse}"
        "td,th{border:1px solid #ccc;padding:3px 6px;text-align:left;vertical-align:top}"
        "th{background:#eee}td.n{text-align:right}</style>",
        f"<h1>Conciliación ledger vs SAT — {e(report['company'])}</h1>",
        f"<p>Periodo {e(str(report['date_from'] or '…'))} a {e(str(report['date_to'] or '…'))};"
        f" plazos al {e(str(report['as_of']))}.</p><table><tr><th>Categoría</th>"
        "<th>Diferencias</th></tr>",
    ]
    parts += [f"<tr><td>{e(c)}</td><td class=n>{n}</td></tr>" for c, n in report["totals"].items()]
    parts.append("</table>")
    parts += [f"<p><em>{e(n)}</em></p>" for n in report["notes"]]
    for cat, items in by_cat.items():
        parts.append(f"<h2>{e(cat)} ({len(items)})</h2><table><tr>")
        parts += [f"<th>{e(c)}</th>" for c in _COLUMNS[1:]]
        parts.append("</tr>")
        for d in items:
            cells = "".join(
                f"<td>{e('' if getattr(d, c) is None else str(getattr(d, c)))}</td>"
                for c in _COLUMNS[1:]
            )
            parts.append(f"<tr>{cells}</tr>")
        parts.append("</table>")
    parts.append("</html>")
    path.write_text("".join(parts), encoding="utf-8")
    return path
