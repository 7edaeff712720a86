"""Decide after production: `immex whatif sell|mix` (and the advisor, the expiry plan,
decree impact and the program packs as they land). Each command calls one service and
prints its result; no rules here. Everything is a simulation: nothing is written."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from decimal import Decimal
from typing import Any

import typer
from rich.table import Table

from immex.cli import ledger_cmds
from immex.cli.common import (
    CompanyOpt,
    DbOpt,
    JsonOpt,
    Out,
    console,
    handle_errors,
    open_ws,
    parse_date,
    parse_month,
    pedimento_text,
    print_json,
    qty,
    today_default,
)
from immex.domain.errors import InvalidInput
from immex.domain.messages import Template
from immex.domain.money import D
from immex.domain.rate_rows import program_key_name
from immex.domain.rule_cite import basis_msg
from immex.reports.i18n import default_lang, tr
from immex.services.decide.expiry_plan import expiry_plan
from immex.services.decide.mix import whatif_mix
from immex.services.decide.prosec_advice import prosec_advise
from immex.services.decide.whatif import whatif_sell

whatif_app = typer.Typer(
    help="Simulate before deciding: sell in Mexico or export (nothing is written).",
    no_args_is_help=True,
)

WIDE = 140


def wide_console() -> Out:
    return Out(width=max(console.width, WIDE), soft_wrap=True)


def _money(value: Decimal) -> str:
    return f"{value:,.0f}"


def decimal_option(text: str, option: str) -> Decimal:
    try:
        return D(text)
    except InvalidInput:
        raise InvalidInput(f"{option} {text!r}: not a number", field=option[2:]) from None


#: the words of the decision commands' text output (catalog keys ``cli.decide.*``)
WORDS = {
    "more": Template("cli.decide.more", "… and {n} more"),
    "warnings": Template("cli.decide.warnings", "Warnings"),
    "notes": Template("cli.decide.notes", "Notes"),
    "data_used": Template("cli.decide.data_used", "Data used"),
    "not_in_data": Template("cli.decide.not_in_data", "Not in the data"),
    "advice_head": Template(
        "cli.decide.advice_head",
        "PROSEC advisor (simulation, nothing written): {name} ({rfc}), {start} … {end}",
    ),
    "advice_table": Template(
        "cli.decide.advice_table", "Sectors with loaded rows, ranked by saving (MXN)"
    ),
    "col_sector": Template("cli.decide.col_sector", "sector"),
    "col_name": Template("cli.decide.col_name", "name"),
    "col_held": Template("cli.decide.col_held", "held"),
    "col_saving": Template("cli.decide.col_saving", "saving"),
    "col_on_f4": Template("cli.decide.col_on_f4", "on F4"),
    "col_on_63a": Template("cli.decide.col_on_63a", "on 63-A"),
    "col_parts_covered": Template("cli.decide.col_parts_covered", "parts covered"),
    "col_own_products": Template("cli.decide.col_own_products", "own products in its goods"),
    "col_acotaciones": Template("cli.decide.col_acotaciones", "acotaciones"),
    "held_yes": Template("cli.decide.held_yes", "yes (realised)"),
    "held_no": Template("cli.decide.held_no", "no (potential)"),
    "acotaciones_of": Template(
        "cli.decide.acotaciones_of", "Sector {sector}: acotaciones to confirm"
    ),
    "plan_head": Template(
        "cli.decide.plan_head",
        "Expiry action plan (simulation, nothing written): {name} ({rfc}) on {day}, lots past "
        "their limit or within {days} days",
    ),
    "plan_table": Template(
        "cli.decide.plan_table", "Ways out per lot (MXN; ★ cheapest; ? = not in the data)"
    ),
    "col_lot": Template("cli.decide.col_lot", "lot"),
    "col_pedimento": Template("cli.decide.col_pedimento", "pedimento"),
    "col_part": Template("cli.decide.col_part", "part"),
    "col_limit": Template("cli.decide.col_limit", "limit"),
    "col_days_left": Template("cli.decide.col_days_left", "days left"),
    "col_open_usd": Template("cli.decide.col_open_usd", "open USD"),
    "col_return": Template("cli.decide.col_return", "return RT/H1"),
    "col_f4": Template("cli.decide.col_f4", "F4"),
    "col_v1": Template("cli.decide.col_v1", "V1"),
    "col_destruction": Template("cli.decide.col_destruction", "destruction*"),
    "col_a3": Template("cli.decide.col_a3", "A3 (taxes; fines not in data)"),
    "col_deadline": Template("cli.decide.col_deadline", "deadline"),
    # A3 (regularization) is for lots past their limit: for the others it does not apply
    "closed": Template("program.way_not_applicable", "not applicable"),
    "now_past": Template("cli.decide.now_past", "now (past)"),
    "by_destination": Template("cli.decide.by_destination", "Mexican duties by destination (MXN)"),
    "cheapest": Template("cli.decide.cheapest", "cheapest"),
    "not_priced": Template("cli.decide.not_priced", "not priced"),
    "in_mxn": Template("cli.decide.in_mxn", "{label} (MXN)"),
    "no_sectors": Template(
        "cli.decide.no_sectors",
        "no sector to compare: none has PROSEC rows in force in the period (see the warnings)",
    ),
    "row_igi": Template("cli.decide.row_igi", "IGI updated / 63-A owed"),
    "row_dta": Template("cli.decide.row_dta", "DTA"),
    "row_iva": Template("cli.decide.row_iva", "IVA"),
    "row_iva_credit": Template("cli.decide.row_iva_credit", "IVA credited"),
    "row_total": Template("cli.decide.row_total", "Pedimento total"),
    "row_cash": Template("cli.decide.row_cash", "Cash cost"),
    "row_mfn": Template("cli.decide.row_mfn", "At MFN only"),
    "row_savings": Template("cli.decide.row_savings", "Saved by programs"),
    "row_programs": Template("cli.decide.row_programs", "Programs"),
    "row_due": Template("cli.decide.row_due", "Due by"),
    "row_rules": Template("cli.decide.row_rules", "Rules"),
    "sale_head": Template(
        "cli.decide.sale_head",
        "What-if (simulation, nothing written): {quantity} × {product} on {day} — {name} ({rfc}); "
        "inputs USD {value}",
    ),
    "lots_title": Template("cli.decide.lots_title", "Lots the shipment would use (FIFO)"),
    "col_fraccion": Template("cli.decide.col_fraccion", "fracción"),
    "col_origin": Template("cli.decide.col_origin", "origin"),
    "col_entered": Template("cli.decide.col_entered", "entry date"),
    "col_limit_date": Template("cli.decide.col_limit_date", "limit date"),
    "col_quantity": Template("cli.decide.col_quantity", "quantity"),
    "col_usd": Template("cli.decide.col_usd", "USD"),
    "col_open_after": Template("cli.decide.col_open_after", "open after"),
    "directed": Template("cli.decide.directed", "directed"),
    "short_title": Template("cli.decide.short_title", "Would fall short"),
    "short_line": Template("cli.decide.short_line", "{part}: needs {required}, missing {missing}"),
    "past_title": Template(
        "cli.decide.past_title", "Past their limit (skipped; regularize with A3)"
    ),
    "past_line": Template(
        "cli.decide.past_line",
        "lot {lot} {pedimento} {part}: limit {day} ({days} days ago), open {open}",
    ),
    "option_notes": Template("cli.decide.option_notes", "{destination}: notes"),
    "mix_head": Template(
        "cli.decide.mix_head",
        "What-if mix (simulation, nothing written): {share} % of {product} in {period} sold in "
        "Mexico — {lines}, inputs USD {inputs}, shifted USD {shifted}",
    ),
    "n_lines": Template("cli.decide.n_lines", "{n} shipment line", "{n} shipment lines"),
    "mix_actual": Template(
        "cli.decide.mix_actual", "F4 the product's actual domestic sales of the month pay: {total}"
    ),
    "destruction_note": Template(
        "cli.decide.destruction_note", "* destruction: waste and scrap only (LA 109 ¶3; RULES C-5)"
    ),
}


def say(lang: str, key: str, **fields: Any) -> str:
    return str(tr(WORDS[key](**fields), lang))


def print_lines(title: str, items: Any, limit: int = 10) -> None:
    """A title and its items, the first ``limit`` on a terminal; all of them when the output
    is piped or redirected (a log keeps every note)."""
    lang = default_lang()
    items = list(items)
    if not items:
        return
    if not console.is_terminal:
        limit = len(items)
    console.print(f"[bold]{title}[/bold]")
    for item in items[:limit]:
        console.print(f"  - {tr(item, lang)}", markup=False, highlight=False)
    if len(items) > limit:
        console.print(f"  {say(lang, 'more', n=len(items) - limit)}")


def print_texts(lang: str, result: Any) -> None:
    """A result's warnings, notes and data used, in ``lang``."""
    print_lines(say(lang, "warnings"), result.warnings)
    print_lines(say(lang, "notes"), result.notes)
    print_lines(say(lang, "data_used"), result.data_used)


def _options_table(options: Any, cheapest: str | None, lang: str) -> Table:
    table = Table(title=say(lang, "by_destination"))
    table.add_column("")
    for o in options:
        mark = f" ★ {say(lang, 'cheapest')}" if o.destination == cheapest else ""
        table.add_column(f"{o.destination} ({o.key}){mark}", justify="right")
    rows: list[tuple[str, Callable[[Any], str]]] = [
        ("row_igi", lambda o: _money(o.igi)),
        ("row_dta", lambda o: _money(o.dta)),
        ("row_iva", lambda o: _money(o.iva)),
        ("row_iva_credit", lambda o: _money(o.iva_credit)),
        ("row_total", lambda o: _money(o.total)),
        ("row_cash", lambda o: _money(o.cash_cost)),
        ("row_mfn", lambda o: _money(o.total_mfn)),
        ("row_savings", lambda o: _money(o.savings)),
        (
            "row_programs",
            lambda o: ", ".join(str(tr(program_key_name(p), lang)) for p in o.programs),
        ),
        ("row_due", lambda o: str(o.due_by or "—")),
        ("row_rules", lambda o: str(tr(basis_msg(o.rules), lang))),  # "regla C-1", "T-MEC"
    ]
    not_amounts = {"row_programs", "row_due", "row_rules"}
    for key, cell in rows:
        label = say(lang, key) if key in not_amounts else say(lang, "in_mxn", label=say(lang, key))
        table.add_row(label, *[cell(o) if o.priced else say(lang, "not_priced") for o in options])
    return table


def _print_sale(r: Any) -> None:
    lang = default_lang()
    out = wide_console()
    out.print(
        say(lang, "sale_head", quantity=r.quantity, product=r.product, day=r.date.isoformat(),
            name=r.company_name, rfc=r.company_rfc, value=f"{r.value_usd:,.2f}"),
        markup=False, highlight=False,
    )  # fmt: skip
    out.print(_options_table(r.options, r.cheapest, lang))
    lots = Table(title=say(lang, "lots_title"))
    for col in ("lot", "pedimento", "part", "fraccion", "origin", "entered", "limit_date",
                "days_left", "quantity", "usd", "open_after"):  # fmt: skip
        lots.add_column(say(lang, f"col_{col}"))
    directed = f" ({say(lang, 'directed')})"
    for u in r.lots:
        lots.add_row(
            str(u.lot_id),
            pedimento_text(u.pedimento) + (directed if u.directed else ""),
            u.part,
            u.fraccion,
            u.origin,
            str(u.entry_date),
            str(u.limit_date or "—"),
            "—" if u.days_left is None else str(u.days_left),
            qty(u.quantity),
            f"{u.value_usd:,.2f}",
            qty(u.open_after),
        )
    out.print(lots)
    print_lines(
        say(lang, "short_title"),
        [
            say(lang, "short_line", part=s.part, required=f"{s.required.normalize():f}",
                missing=f"{s.missing.normalize():f}")
            for s in r.shortfalls
        ],
    )  # fmt: skip
    print_lines(
        say(lang, "past_title"),
        [
            say(lang, "past_line", lot=x.lot_id, pedimento=pedimento_text(x.pedimento),
                part=x.part, day=x.limit_date.isoformat(), days=x.days_past,
                open=f"{x.open_quantity.normalize():f}")
            for x in r.past_limit
        ],
    )  # fmt: skip
    for o in r.options:
        print_lines(say(lang, "option_notes", destination=o.destination), o.notes, limit=6)
    print_texts(lang, r)


@whatif_app.command("sell")
@handle_errors
def whatif_sell_cmd(
    product: str = typer.Option(..., "--product", help="Finished product (part number)."),
    quantity: str = typer.Option(..., "--quantity", help="Units to ship."),
    when: str = typer.Option(..., "--date", help="Shipment date, YYYY-MM-DD."),
    destination: list[str] = typer.Option(  # noqa: B008 - typer's way
        [],
        "--destination",
        help="ISO-3 country, repeatable (default: MEX, USA and the first other country "
        "in the company's exports).",
    ),
    pedimento: str = typer.Option(None, "--pedimento", help="Directed pedimento (optional)."),
    us_duty: str = typer.Option(
        None, "--us-duty", help="US/CA duty paid on the exported good, USD (63-A)."
    ),
    db: str = DbOpt,
    company: str = CompanyOpt,
    json_out: bool = JsonOpt,
) -> None:
    """Simulate shipping QUANTITY of PRODUCT on DATE: FIFO through the BOM in force against
    the open lots, and the Mexican duties of each destination side by side."""
    day = parse_date(when, "date")
    assert day is not None
    ws = open_ws(db, company)
    try:
        result = whatif_sell(
            ws,
            product,
            decimal_option(quantity, "--quantity"),
            day,
            destination,
            pedimento=pedimento,
            us_duty_usd=None if us_duty is None else decimal_option(us_duty, "--us-duty"),
        )
    finally:
        ws.store.dispose()
    if json_out:
        print_json(result.to_dict())
    else:
        _print_sale(result)


@whatif_app.command("mix")
@handle_errors
def whatif_mix_cmd(
    period: str = typer.Option(..., "--period", help="Month, YYYY-MM."),
    domestic_share: str = typer.Option(
        ..., "--domestic-share", help="Percent of the month's production sold in Mexico."
    ),
    product: str = typer.Option(..., "--product", help="Finished product (part number)."),
    change_date: str = typer.Option(None, "--change-date", help="F4 date (default: last weekday)."),
    db: str = DbOpt,
    company: str = CompanyOpt,
    json_out: bool = JsonOpt,
) -> None:
    """The month's F4 if DOMESTIC-SHARE percent of PRODUCT's production went to Mexico."""
    parse_month(period, "period", label="--period")  # the error names the option
    ws = open_ws(db, company)
    try:
        r = whatif_mix(
            ws,
            period,
            decimal_option(domestic_share, "--domestic-share"),
            product,
            change_date=parse_date(change_date, "change-date"),
        )
    finally:
        ws.store.dispose()
    if json_out:
        print_json(r.to_dict())
        return
    lang = default_lang()
    out = wide_console()
    out.print(
        say(lang, "mix_head", share=r.domestic_share, product=r.product, period=r.period,
            lines=WORDS["n_lines"](n=r.shipment_lines), inputs=f"{r.inputs_value_usd:,.2f}",
            shifted=f"{r.shifted_value_usd:,.2f}"),
        markup=False, highlight=False,
    )  # fmt: skip
    out.print(_options_table([r.option], None, lang))
    out.print(say(lang, "mix_actual", total=_money(r.actual_f4_total)), markup=False)
    print_lines(say(lang, "warnings"), r.warnings)
    print_lines(say(lang, "notes"), [*r.notes, *r.option.notes])
    print_lines(say(lang, "data_used"), r.data_used)


expiry_app = typer.Typer(
    help="Lots past their IMMEX limit or near it; `immex expiry plan`: each way out, costed.",
    invoke_without_command=True,
)
WithinOpt = typer.Option(30, "--within", help="Days ahead to warn about.")
AsOfOpt = typer.Option(None, "--as-of", help="Reference date (default today).")


@expiry_app.callback()
def expiry_root(
    ctx: typer.Context,
    within: int = WithinOpt,
    as_of: str | None = AsOfOpt,
    company: str | None = CompanyOpt,
    db: str | None = DbOpt,
    json_out: bool = JsonOpt,
) -> None:
    """Lots past their IMMEX limit or within --within days of it, with the value at risk."""
    if ctx.invoked_subcommand is None:
        ledger_cmds.expiry_cmd(
            within=within, as_of=as_of, company=company, db=db, json_out=json_out
        )


def _way_cell(cells: dict[str, Any], name: str, lang: str) -> str:
    w = cells.get(name)
    if w is None:
        return say(lang, "closed")
    text = "?" if w.cost is None else _money(w.cost)
    return text + (" ★" if w.cheapest else "")


def _print_expiry_plan(p: Any) -> None:
    lang = default_lang()
    out = wide_console()
    out.print(
        say(lang, "plan_head", name=p.company_name, rfc=p.company_rfc, day=p.as_of.isoformat(),
            days=p.within_days),
        markup=False, highlight=False,
    )  # fmt: skip
    table = Table(title=say(lang, "plan_table"))
    for col in ("lot", "pedimento", "part", "limit", "days_left", "open_usd", "return", "f4",
                "v1", "destruction", "a3", "deadline"):  # fmt: skip
        table.add_column(say(lang, f"col_{col}"))
    for lp in p.lots:
        cells = {w.way.value: w for w in lp.ways}
        table.add_row(
            str(lp.lot_id),
            pedimento_text(lp.pedimento),
            lp.part,
            str(lp.limit_date or "—"),
            "—" if lp.days_left is None else str(lp.days_left),
            f"{lp.open_value_usd:,.2f}",
            *[
                _way_cell(cells, n, lang)
                for n in (
                    "return",
                    "change_of_regime",
                    "virtual_transfer",
                    "destruction",
                    "regularization",
                )
            ],
            say(lang, "now_past") if (lp.days_left or 0) < 0 else str(lp.limit_date or "—"),
        )
    out.print(table)
    out.print(say(lang, "destruction_note"), markup=False, highlight=False)
    missing = sorted({m for lp in p.lots for w in lp.ways for m in w.missing})
    print_lines(say(lang, "not_in_data"), missing)
    print_texts(lang, p)


@expiry_app.command("plan")
@handle_errors
def expiry_plan_cmd(
    within: int = WithinOpt,
    as_of: str | None = AsOfOpt,
    company: str | None = CompanyOpt,
    db: str | None = DbOpt,
    json_out: bool = JsonOpt,
) -> None:
    """For every lot at or within --within days of its limit: the cost and deadline of each
    lawful way out (return, F4, V1, destruction of waste; A3 past the limit), the cheapest
    marked."""
    notes: list[str] = []
    when = today_default(parse_date(as_of, "as-of"), notes)
    ws = open_ws(db, company)
    try:
        plan = expiry_plan(ws, within, when)
    finally:
        ws.store.dispose()
    if notes:
        plan = replace(plan, warnings=(*notes, *plan.warnings))
    if json_out:
        print_json(plan.to_dict())
    else:
        _print_expiry_plan(plan)


prosec_app = typer.Typer(
    help="PROSEC: which sector pays (advisor) and the data of an application.",
    no_args_is_help=True,
)


def _print_advice(a: Any) -> None:
    lang = default_lang()
    out = wide_console()
    out.print(
        say(lang, "advice_head", name=a.company_name, rfc=a.company_rfc,
            start=a.date_from.isoformat(), end=a.date_to.isoformat()),
        markup=False, highlight=False,
    )  # fmt: skip
    out.print(tr(a.summary(), lang), markup=False, highlight=False)
    if not a.sectors:
        out.print(say(lang, "no_sectors"), markup=False, highlight=False)
    table = Table(title=say(lang, "advice_table"))
    for col in ("sector", "name", "held", "saving", "on_f4", "on_63a", "parts_covered",
                "own_products", "acotaciones"):  # fmt: skip
        table.add_column(say(lang, f"col_{col}"))
    for s in a.sectors:
        table.add_row(
            s.sector,
            s.sector_name,
            say(lang, "held_yes" if s.held else "held_no"),
            _money(s.saving),
            _money(s.f4_saving),
            _money(s.usmca_saving),
            f"{s.parts_covered}/{s.parts_total}",
            "?" if s.products_in_goods is None else f"{s.products_in_goods}/{s.products_total}",
            str(len(s.acotaciones)),
        )
    if a.sectors:
        out.print(table)
    for s in a.sectors:
        out.print(f"- {tr(s.explanation(a.date_from, a.date_to), lang)}", markup=False,
                  highlight=False)  # fmt: skip
        print_lines(say(lang, "acotaciones_of", sector=s.sector), s.acotaciones)
    print_texts(lang, a)


@prosec_app.command("advise")
@handle_errors
def prosec_advise_cmd(
    date_from: str = typer.Option(..., "--from", help="First day, YYYY-MM-DD."),
    date_to: str = typer.Option(..., "--to", help="Last day, YYYY-MM-DD."),
    us_duties: str | None = typer.Option(
        None, "--us-duties", help="CSV document,us_duty_usd of the US/CA duties paid (63-A)."
    ),
    sector_goods: str | None = typer.Option(
        None,
        "--sector-goods",
        help="Your file of the sectors' goods (Decree art. 4): sector, fraccion, source "
        "(docs/FILES.md); checks whether your products are the sector's goods.",
    ),
    company: str | None = CompanyOpt,
    db: str | None = DbOpt,
    json_out: bool = JsonOpt,
) -> None:
    """For every PROSEC sector with rows loaded: what it saved (held) or would have saved
    (not held) on the period's F4s and 63-A duties, per fracción and month, ranked."""
    start, end = parse_date(date_from, "from"), parse_date(date_to, "to")
    assert start is not None and end is not None
    ws = open_ws(db, company)
    try:
        advice = prosec_advise(ws, start, end, us_duties_file=us_duties, sector_goods=sector_goods)
    finally:
        ws.store.dispose()
    if json_out:
        print_json(advice.to_dict())
    else:
        _print_advice(advice)


def register(app: typer.Typer) -> None:
    app.add_typer(whatif_app, name="whatif")
    app.add_typer(expiry_app, name="expiry")
    app.add_typer(prosec_app, name="prosec")
