"""``immex annual-report immex|prosec --year Y``: the annual report of foreign-trade
operations pre-filled from the ledger (RULES I-7, I-12, P-5; :mod:`immex.domain.program_packs`).

From the year's ledger: exports by destination (shipment lines of kind export, with the
value they carry, in USD and at the FIX of their date), temporary and definitive imports
(lots entered, by key, and the year's changes of regime from the discharge journal; for
PROSEC, by the sector of a held registration whose loaded list has the fracción), the goods
produced by fracción (the year's shipment lines of every kind, by the product's fracción),
and — for IMMEX — the program test (RULES I-11). The total sales are the user's figure.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from decimal import Decimal
from typing import Any

from immex.domain.duties import DutyContext
from immex.domain.errors import ImmexError, InvalidInput
from immex.domain.lot_portions import PortionSplit
from immex.domain.messages import Template
from immex.domain.money import ZERO
from immex.domain.program_packs import (
    PARAM_EXPORTS_SHARE,
    PARAM_EXPORTS_USD,
    Pack,
    Program,
    due_dates,
    program_test,
)
from immex.refdata.bundled import param
from immex.services.decide.whatif import OPTION_NEGATIVE
from immex.services.duties.journal_portions import duty_context_of, has_run, lot_portions
from immex.services.workspace.context import Workspace

TEMPORARY = ("IN", "AF")

L_SALES = Template("pack.sales_total", "total sales (MXN, supplied by the user)")
L_EXPORTS_USD = Template("pack.exports_usd", "exports (USD)")
L_EXPORTS_MXN = Template("pack.exports_mxn", "exports (MXN at the FIX of each date)")
L_IMPORTS_USD = Template("pack.imports_usd", "imports (USD)")
L_TEST = Template("pack.test", "IMMEX program test (RULES I-11)")
L_TEST_WHY = Template("pack.test_why", "IMMEX program test: why")
L_HELD = Template("pack.held", "PROSEC sectors held")
NONE = Template("pack.none", "none")
W_NO_SECTOR = Template(
    "pack.no_sector", "the company holds no PROSEC sector (`immex company add --prosec`)"
)
W_NO_SALES = Template(
    "pack.no_sales",
    "total sales not supplied (--sales-total): the report needs the figure of the financial "
    "statements or the ISR return (RULES I-12)",
)
W_NO_VALUE = Template(
    "pack.no_value",
    "{n} export line carries no value: not in the export totals",
    "{n} export lines carry no value: not in the export totals",
)
W_NO_FIX = Template(
    "pack.no_fix",
    "no FIX in the data for {n} date (e.g. {first}): its MXN figures are left out",
    "no FIX in the data for {n} dates (e.g. {first}): their MXN figures are left out",
)
W_NO_RUN = Template(
    "pack.no_run", "no discharge run: the year's changes of regime (F4) are not counted"
)
T_EXPORTS = Template("pack.t.exports", "exports by destination")
T_IMPORTS = Template("pack.t.imports", "imports")
T_PRODUCED = Template("pack.t.produced", "goods produced by fraction")
R_TEMPORARY = Template("pack.regime.temporary", "temporary")
R_DEFINITIVE = Template("pack.regime.definitive", "definitive")
R_OTHER = Template("pack.regime.other", "other")
R_CHANGE = Template("pack.regime.change", "definitive (change of regime)")
U_SALES = Template("pack.user_sales", "total sales: {amount} MXN")
U_NO_SALES = Template("pack.user_no_sales", "total sales: not supplied")
D_LEDGER = Template(
    "pack.used_ledger",
    "ledger {year}: {lots}, {lines}, {changes} of the current discharge run",
)
#: the counts of the data used, each in the form its number takes
N_LOTS = Template("pack.n_lots", "{n} lot entered", "{n} lots entered")
N_LINES = Template("pack.n_lines", "{n} shipment line", "{n} shipment lines")
N_CHANGES = Template(
    "pack.n_changes", "{n} change-of-regime lot portion", "{n} change-of-regime lot portions"
)
D_FIX = Template(
    "pack.used_fix",
    "FIX (CFF 20) for the MXN figures; products' fracciones from the product master",
)
N_PREFILLED = Template(
    "pack.prefilled",
    "pre-filled from the ledger for a person to review and file through VUCEM (RULES I-12); "
    "the total sales are the user's figure, not the ledger's",
)
N_WHAT = Template(
    "pack.what",
    "exports: shipment lines of kind export with their stated value; imports: lots entered by "
    "key, and the journal's changes of regime (F4/F5) as definitive imports",
)
N_DUE = Template(
    "pack.due_note", "due dates: the last weekday of the month (holidays are not in the data)"
)
DEFINITIVE = ("A1",)


class _Fx:
    """MXN at the FIX of a date (CFF 20), remembering the dates the data lacks."""

    def __init__(self, ctx: DutyContext) -> None:
        self.ctx = ctx
        self.missing: set[date] = set()

    def mxn(self, usd: Decimal, day: date) -> Decimal:
        try:
            return usd * self.ctx.fx_for(day).rate
        except ImmexError:
            self.missing.add(day)
            return ZERO


def _sector_of(ctx: DutyContext, held: tuple[str, ...], fraccion: str, day: date) -> str:
    for r in ctx.book.prosec_for(fraccion):
        if r.sector in held and r.covers(day):
            return r.sector
    return "—"


def _exports(ships: list[Any], fx: _Fx) -> tuple[list[tuple[Any, ...]], Decimal, Decimal, int]:
    acc: dict[str, list[Any]] = defaultdict(lambda: [0, ZERO, ZERO])
    no_value = 0
    for s in ships:
        if s.kind != "export":
            continue
        a = acc[s.destination or "?"]
        a[0] += 1
        if s.value_usd is None:
            no_value += 1
            continue
        a[1] += s.value_usd
        a[2] += fx.mxn(s.value_usd, s.ship_date)
    rows = [(d, n, usd, mxn.quantize(Decimal("0.01"))) for d, (n, usd, mxn) in sorted(acc.items())]
    return rows, sum((r[2] for r in rows), ZERO), sum((r[3] for r in rows), ZERO), no_value


def _imports(
    lots: list[Any],
    changes: list[Any],
    fx: _Fx,
    ctx: DutyContext,
    held: tuple[str, ...],
    by_sector: bool,
) -> list[tuple[Any, ...]]:
    acc: dict[tuple[str, str, str], list[Any]] = defaultdict(lambda: [0, ZERO, ZERO])
    for lot in lots:
        regime = (
            R_TEMPORARY()
            if lot.clave in TEMPORARY
            else R_DEFINITIVE()
            if lot.clave in DEFINITIVE
            else R_OTHER()
        )
        sector = _sector_of(ctx, held, lot.fraccion, lot.entry_date) if by_sector else ""
        a = acc[(regime, lot.clave, sector)]
        a[0] += 1
        a[1] += lot.value_usd
        a[2] += fx.mxn(lot.value_usd, lot.entry_date)
    for p in changes:
        sector = _sector_of(ctx, held, p.fraccion, p.entry_date) if by_sector else ""
        a = acc[(R_CHANGE(), p.key, sector)]
        a[0] += 1
        a[1] += p.value_usd
        a[2] += fx.mxn(p.value_usd, p.entry_date)
    return [(*k, n, usd, mxn.quantize(Decimal("0.01"))) for k, (n, usd, mxn) in sorted(acc.items())]


def _produced(ships: list[Any], products: dict[str, str]) -> list[tuple[Any, ...]]:
    acc: dict[str, list[Any]] = defaultdict(lambda: [set(), ZERO, 0])
    for s in ships:
        a = acc[products.get(s.product, "?")]
        a[0].add(s.product)
        a[1] += s.quantity
        a[2] += 1
    return [(f, ", ".join(sorted(ps)), q, n) for f, (ps, q, n) in sorted(acc.items())]


def annual_report(
    ws: Workspace,
    program: str | Program,
    year: int,
    *,
    sales_total_mxn: Decimal | None = None,
    context: DutyContext | None = None,
) -> Pack:
    """The annual report pack of ``program`` for ``year``; nothing is written."""
    chosen = Program(program)
    if sales_total_mxn is not None and sales_total_mxn < 0:
        raise InvalidInput(OPTION_NEGATIVE(option="--sales-total"), field="sales_total")
    company = ws.the_company
    held = tuple(company.prosec_sectors)
    start, end = date(year, 1, 1), date(year, 12, 31)
    with ws.read() as repos:
        ctx = context or duty_context_of(ws)
        lots = repos.reports.lots_entered(company.id, start, end)
        ships = repos.reports.shipments_made(company.id, start, end)
        products = repos.decisions.product_fractions(company.id)
        changes = lot_portions(ws, ("F4", "F5"), start, end, split=PortionSplit.LOT)
        run = has_run(ws)
    fx = _Fx(ctx)
    exports, ex_usd, ex_mxn, no_value = _exports(ships, fx)
    imports = _imports(lots, changes, fx, ctx, held, chosen is Program.PROSEC)
    produced = _produced(ships, products)
    summary: list[tuple[str, Any]] = [
        (L_SALES(), sales_total_mxn),
        (L_EXPORTS_USD(), ex_usd),
        (L_EXPORTS_MXN(), ex_mxn),
        (L_IMPORTS_USD(), sum((r[4] for r in imports), ZERO)),
    ]
    warnings: list[str] = []
    if chosen is Program.IMMEX:
        test = program_test(
            ex_usd,
            ex_mxn,
            sales_total_mxn,
            threshold_usd=param(PARAM_EXPORTS_USD, end),
            share_pct=param(PARAM_EXPORTS_SHARE, end),
            day=end,
        )
        summary += [
            (L_TEST(), test.result),
            (L_TEST_WHY(), test.explanation),
        ]
    else:
        summary.append((L_HELD(), ", ".join(held) or NONE()))
        if not held:
            warnings.append(W_NO_SECTOR())
    if sales_total_mxn is None:
        warnings.append(W_NO_SALES())
    if no_value:
        warnings.append(W_NO_VALUE(n=no_value))
    if fx.missing:
        warnings.append(W_NO_FIX(n=len(fx.missing), first=min(fx.missing).isoformat()))
    if not run:
        warnings.append(W_NO_RUN())
    tables = (
        (
            T_EXPORTS(),
            ("destination", "lines", "value_usd", "value_mxn"),
            tuple(exports),
        ),
        (
            T_IMPORTS(),
            ("regime", "key", "prosec_sector", "lines", "value_usd", "value_mxn"),
            tuple(imports),
        ),
        (
            T_PRODUCED(),
            ("fraccion", "products", "quantity", "lines"),
            tuple(produced),
        ),
    )
    return Pack(
        f"annual-report {chosen}",
        company.rfc,
        company.name,
        str(year),
        tuple(summary),
        tables,
        due=tuple(due_dates(chosen, year, with_prosec=bool(held))),
        supplied_by_user=(
            U_SALES(amount=f"{sales_total_mxn:,.2f}")
            if sales_total_mxn is not None
            else U_NO_SALES(),
        ),
        data_used=(
            D_LEDGER(
                year=year,
                lots=N_LOTS(n=len(lots)),
                lines=N_LINES(n=len(ships)),
                changes=N_CHANGES(n=len(changes)),
            ),
            D_FIX(),
            *ctx.notes,
        ),
        notes=(
            N_PREFILLED(),
            N_WHAT(),
            N_DUE(),
        ),
        warnings=tuple(warnings),
    )
