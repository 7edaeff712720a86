"""Reconcile the company's ledger with SAT's data (use case + xlsx/html output).

Reads SAT's side from the ``sat_*`` tables (Data Stage imports) and the ledger's side from
the Annex 24 tables (``ledger_lots`` for pedimentos and lines, the current discharge run for
the journal) through the SAT repository, as the plain records of
:mod:`immex.domain.reconcile`, and runs the pure comparison. The IMMEX time limits come from
the effective-dated reference parameters (RULES.md I-2, read through
:func:`immex.services.discharge.limits.limit_months`).
"""

from __future__ import annotations

import html
from collections import defaultdict
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import numpy as np

from immex.domain import reconcile as rc
from immex.domain.company import Company
from immex.domain.discharge.kernel_pack import from_day
from immex.domain.errors import ImmexError
from immex.services.discharge.limits import limit_months
from immex.services.workspace.context import Workspace
from immex.store.unit import Repositories

#: SAT pedimento key → kind of goods whose limit applies (containers cannot be told apart
#: in SAT's data: IN is read as inputs, 18 months — said in every report)
_KIND_OF_KEY = {"IN": "input", "AF": "fixed_asset"}


def load_sat(
    repos: Repositories, company_id: int
) -> tuple[
    list[rc.SatPedimento], list[rc.SatLine], list[rc.SatDischarge], tuple[date, date] | None
]:
    """SAT's pedimentos, lines and discharges of the company, and the period its Data Stage
    extractions cover (their payment dates and their ``Resumen`` periods)."""
    peds = repos.sat.reconcile_pedimentos(company_id)
    lines = repos.sat.reconcile_lines(company_id)
    discharges = repos.sat.reconcile_discharges(company_id)
    coverage = None
    if peds:
        coverage = (min(x.paid for x in peds), max(x.paid for x in peds))
    for data in repos.sat.coverage_summaries(company_id):
        parts = data.split("|")
        try:
            lo, hi = date.fromisoformat(parts[2]), date.fromisoformat(parts[3])
        except (IndexError, ValueError):
            continue
        coverage = (lo, hi) if coverage is None else (min(coverage[0], lo), max(coverage[1], hi))
    return peds, lines, discharges, coverage


def load_ledger(
    repos: Repositories, company: Company
) -> tuple[
    list[rc.LedgerPedimento], list[rc.LedgerLine], list[rc.LedgerDischarge] | None, list[str]
]:
    """The ledger's pedimentos, lines (lots) and journal; notes say what is missing."""
    if not repos.sat.has_ledger():
        return [], [], None, ["the ledger tables do not exist in this workspace"]
    peds, lines, lot_info = repos.sat.reconcile_ledger(company.id)
    run = repos.journal.current_run(company.id)
    if run is None:
        notes = ["no discharge run yet: `immex discharge run` creates the journal"]
        return peds, lines, None, notes
    return peds, lines, _journal(repos, run.id, lot_info), []


def _journal(
    repos: Repositories, run_id: int, lot_info: dict[int, tuple[str, str, str | None]]
) -> list[rc.LedgerDischarge]:
    """The run's allocations summed per lot and shipment date."""
    cols = repos.journal.allocations(run_id)
    journal: list[rc.LedgerDischarge] = []
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
                    ped, frac, Decimal(int(total)).scaleb(-6), unit, from_day(day),
                    f"discharge run {run_id}, lot {lot_id}",
                )  # fmt: skip
            )
    return journal


def _limits(notes: list[str]) -> Callable[[str, date], int | None]:
    failed: set[str] = set()

    def limit(clave: str, start: date) -> int | None:
        kind = _KIND_OF_KEY.get(clave)
        if kind is None:
            return None
        try:
            return limit_months(kind, start)
        except (ImmexError, OSError) as exc:
            if clave not in failed:
                failed.add(clave)
                notes.append(f"time limit of {clave} unknown on {start.isoformat()}: {exc}; "
                             "open temporary imports of that key not checked")  # fmt: skip
            return None

    return limit


def reconcile(
    ws: Workspace,
    date_from: date | None,
    date_to: date | None,
    *,
    as_of: date,
    tolerance: rc.Tolerance | None = None,
) -> dict[str, Any]:
    """Compare ledger and SAT for the workspace's company; ``as_of`` is the date of the
    time-limit check."""
    comp = ws.the_company
    with ws.read() as repos:
        speds, slines, sdis, coverage = load_sat(repos, comp.id)
        lpeds, llines, ldis, notes = load_ledger(repos, comp)
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
    with ws.write() as uow:
        uow.audit(
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
