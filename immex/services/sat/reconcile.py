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
from immex.domain.codes import format_pedimento
from immex.domain.company import Company
from immex.domain.discharge.kernel_pack import from_day
from immex.domain.errors import ImmexError
from immex.domain.messages import Msg, Template
from immex.domain.reconcile.wording import CATEGORY_NAMES, REF_RUN_LOT
from immex.reports.i18n import default_lang, tr
from immex.services.discharge.limits import limit_months
from immex.services.workspace.context import Workspace
from immex.store.unit import Repositories

#: SAT pedimento key → kind of goods whose limit applies (containers cannot be told apart
#: in SAT's data: IN is read as inputs, 18 months — said in every report)
_KIND_OF_KEY = {"IN": "input", "AF": "fixed_asset"}

NO_LEDGER_TABLES = Template(
    "reconcile.note.no_ledger_tables", "the ledger tables do not exist in this workspace"
)
NO_RUN = Template(
    "reconcile.note.no_run", "no discharge run yet: `immex discharge run` creates the journal"
)
LIMIT_UNKNOWN = Template(
    "reconcile.note.limit_unknown",
    "time limit of {clave} unknown on {day}: {error}; open temporary imports of that key not "
    "checked",
)
NO_SAT_DATA = Template(
    "reconcile.note.no_sat_data",
    "no SAT data for this company: import a Data Stage extraction first (`immex import "
    "datastage`)",
)
IN_LIMIT = Template(
    "reconcile.note.in_limit",
    "IN pedimentos are checked against the inputs limit (containers, 2 years, cannot be told "
    "apart in SAT's data)",
)
#: the workbook's and the page's words
TITLE = Template("reconcile.report.title", "Reconciliation of the Annex 24 ledger with SAT")
PAGE_TITLE = Template("reconcile.report.page_title", "Reconciliation {company}")
SHEET_SUMMARY = Template("reconcile.report.sheet_summary", "Summary")
SHEET_DIFFERENCES = Template("reconcile.report.sheet_differences", "Differences")
FROM = Template("reconcile.report.from", "From")
TO = Template("reconcile.report.to", "To")
AS_OF = Template("reconcile.report.as_of", "Time limits as of")
CATEGORY = Template("reconcile.report.category", "Category")
COUNT = Template("reconcile.report.count", "Differences")
NOTE = Template("reconcile.report.note", "Note")
PERIOD = Template(
    "reconcile.report.period", "Period {date_from} to {date_to}; time limits as of {as_of}."
)
#: the columns of the differences, in the order of :data:`_COLUMNS`
COLUMN_NAMES = {
    "category": Template("reconcile.col.category", "category"),
    "pedimento": Template("reconcile.col.pedimento", "pedimento"),
    "fraccion": Template("reconcile.col.fraccion", "fracción"),
    "field": Template("reconcile.col.field", "field"),
    "sat_value": Template("reconcile.col.sat_value", "SAT value"),
    "ledger_value": Template("reconcile.col.ledger_value", "ledger value"),
    "difference": Template("reconcile.col.difference", "difference (SAT − ledger)"),
    "sat_ref": Template("reconcile.col.sat_ref", "SAT record"),
    "ledger_ref": Template("reconcile.col.ledger_ref", "ledger record"),
    "note": Template("reconcile.col.note", "note"),
}


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
    list[rc.LedgerPedimento], list[rc.LedgerLine], list[rc.LedgerDischarge] | None, list[Msg]
]:
    """The ledger's pedimentos, lines (lots) and journal; notes say what is missing."""
    if not repos.sat.has_ledger():
        return [], [], None, [NO_LEDGER_TABLES()]
    peds, lines, lot_info = repos.sat.reconcile_ledger(company.id)
    run = repos.journal.current_run(company.id)
    if run is None:
        return peds, lines, None, [NO_RUN()]
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
                    REF_RUN_LOT(run=run_id, lot=lot_id),
                )  # fmt: skip
            )
    return journal


def _limits(notes: list[Msg]) -> Callable[[str, date], int | None]:
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
                error = exc.message if isinstance(exc, ImmexError) else str(exc)
                notes.append(LIMIT_UNKNOWN(clave=clave, day=start.isoformat(), error=error))
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
        notes.append(NO_SAT_DATA())
    limit_notes: list[Msg] = []
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
        "notes": [*notes, *report.notes, *limit_notes, IN_LIMIT()],
        "differences": list(report.differences),
    }  # fmt: skip
    with ws.write() as uow:
        uow.audit(
            "sat.reconcile",
            {
                "totals": report.totals,
                "from": date_from.isoformat() if date_from else None,
                "to": date_to.isoformat() if date_to else None,
                "as_of": as_of.isoformat(),
            },
            comp.id,
        )
    return out


# --------------------------------------------------------------------------- output

_COLUMNS = ("category", "pedimento", "fraccion", "field", "sat_value", "ledger_value",
            "difference", "sat_ref", "ledger_ref", "note")  # fmt: skip
#: the columns that may hold numbers (kept as numbers in the workbook)
_NUMBERS = frozenset({"sat_value", "ledger_value", "difference"})


def _cell(v: Any, lang: str) -> Any:
    """A value of a difference for the workbook: numbers as numbers, messages translated."""
    if v is None:
        return ""
    if isinstance(v, Decimal):
        return float(v) if abs(v) < Decimal(10) ** 15 else str(v)
    return str(tr(v, lang))


def _text(d: rc.Difference, column: str, lang: str) -> str:
    """A cell of a difference as a person reads it (pedimentos spaced, categories named)."""
    v = getattr(d, column)
    if column == "category":
        return str(tr(CATEGORY_NAMES[v](), lang)) if v in CATEGORY_NAMES else str(v)
    if column == "pedimento":
        return format_pedimento(v)
    if v is None:
        return ""
    if isinstance(v, Decimal):  # no meaningless trailing zeros (12.000000 → 12)
        return f"{v.quantize(Decimal(1)) if v == v.to_integral_value() else v.normalize():f}"
    return str(tr(v, lang)) if isinstance(v, Msg) else str(v)


def _say(message: Any, lang: str) -> str:
    return str(tr(message, lang))


def write_xlsx(report: dict[str, Any], out_dir: str | Path, lang: str | None = None) -> Path:
    """``reconcile_<RFC>.xlsx``: a summary sheet and one sheet of differences, in ``lang``
    (the run's language by default)."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    lang = lang or default_lang()
    path = Path(out_dir) / f"reconcile_{report['company']}.xlsx"
    path.parent.mkdir(parents=True, exist_ok=True)
    wb = Workbook()
    ws = wb.active
    ws.title = _say(SHEET_SUMMARY(), lang)
    ws.append([_say(TITLE(), lang), report["company"]])
    ws["A1"].font = Font(bold=True)
    for label, key in ((FROM, "date_from"), (TO, "date_to"), (AS_OF, "as_of")):
        ws.append([_say(label(), lang), str(report[key] or "")])
    ws.append([])
    ws.append([_say(CATEGORY(), lang), _say(COUNT(), lang)])
    for cat, n in report["totals"].items():
        name = CATEGORY_NAMES[cat]() if cat in CATEGORY_NAMES else cat
        ws.append([_say(name, lang), n])
    ws.append([])
    for note in report["notes"]:
        ws.append([_say(NOTE(), lang), _say(note, lang)])
    ds = wb.create_sheet(_say(SHEET_DIFFERENCES(), lang))
    ds.append([_say(COLUMN_NAMES[c](), lang) for c in _COLUMNS])
    for c in ds[1]:
        c.font = Font(bold=True)
    for d in report["differences"]:
        ds.append([
            _cell(getattr(d, c), lang) if c in _NUMBERS else _text(d, c, lang) for c in _COLUMNS
        ])  # fmt: skip
    ds.freeze_panes = "A2"
    wb.save(path)
    return path


def write_html(report: dict[str, Any], out_dir: str | Path, lang: str | None = None) -> Path:
    """``reconcile_<RFC>.html``: one self-contained page (inline CSS, no scripts), in
    ``lang`` (the run's language by default)."""
    lang = lang or default_lang()
    path = Path(out_dir) / f"reconcile_{report['company']}.html"
    path.parent.mkdir(parents=True, exist_ok=True)
    e = html.escape
    by_cat: dict[str, list[Any]] = defaultdict(list)
    for d in report["differences"]:
        by_cat[d.category].append(d)
    period = PERIOD(date_from=str(report["date_from"] or "…"),
                    date_to=str(report["date_to"] or "…"), as_of=str(report["as_of"]))  # fmt: skip
    parts = [
        f"<!doctype html><html lang='{e(lang)}'><meta charset='utf-8'>",
        f"<title>{e(_say(PAGE_TITLE(company=report['company']), lang))}</title>",
        "<style>body{font:14px system-ui,sans-serif;margin:2em}table{border-collapse:collapse}"
        "td,th{border:1px solid #ccc;padding:3px 6px;text-align:left;vertical-align:top}"
        "th{background:#eee}td.n{text-align:right}</style>",
        f"<h1>{e(_say(TITLE(), lang))} — {e(report['company'])}</h1>",
        f"<p>{e(_say(period, lang))}</p><table><tr><th>{e(_say(CATEGORY(), lang))}</th>"
        f"<th>{e(_say(COUNT(), lang))}</th></tr>",
    ]
    for cat, n in report["totals"].items():
        name = CATEGORY_NAMES[cat]() if cat in CATEGORY_NAMES else cat
        parts.append(f"<tr><td>{e(_say(name, lang))}</td><td class=n>{n}</td></tr>")
    parts.append("</table>")
    parts += [f"<p><em>{e(_say(n, lang))}</em></p>" for n in report["notes"]]
    for cat, items in by_cat.items():
        name = CATEGORY_NAMES[cat]() if cat in CATEGORY_NAMES else cat
        parts.append(f"<h2>{e(_say(name, lang))} ({len(items)})</h2><table><tr>")
        parts += [f"<th>{e(_say(COLUMN_NAMES[c](), lang))}</th>" for c in _COLUMNS[1:]]
        parts.append("</tr>")
        for d in items:
            cells = "".join(
                f"<td class=n>{e(_text(d, c, lang))}</td>" if c in _NUMBERS
                else f"<td>{e(_text(d, c, lang))}</td>"
                for c in _COLUMNS[1:]
            )  # fmt: skip
            parts.append(f"<tr>{cells}</tr>")
        parts.append("</table>")
    parts.append("</html>")
    path.write_text("".join(parts), encoding="utf-8")
    return path
