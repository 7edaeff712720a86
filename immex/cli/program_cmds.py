"""The program packs and decree impact: `immex annual-report immex|prosec`, `immex prosec
application`, `immex impact FILE`. Each command calls one service and prints (or writes) its
result; no rules here. Nothing is written to the workspace."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

import typer
from rich.table import Table

from immex.cli.common import (
    CompanyOpt,
    DbOpt,
    JsonOpt,
    console,
    handle_errors,
    open_ws,
    parse_date,
    print_json,
    today_default,
)
from immex.cli.decide_cmds import (
    WORDS as DECIDE_WORDS,
)
from immex.cli.decide_cmds import (
    decimal_option,
    print_lines,
    print_texts,
    prosec_app,
    wide_console,
)
from immex.domain.errors import InvalidInput
from immex.domain.messages import Template
from immex.reports.i18n import default_lang, tr
from immex.services.decide.annual_report import annual_report
from immex.services.decide.impact import impact
from immex.services.decide.pack_files import PackFormat, write_pack
from immex.services.decide.prosec_application import prosec_application

WARNINGS = DECIDE_WORDS["warnings"]
FormatOpt = typer.Option("json", "--format", help="json (printed), xlsx or pdf (written).")
OutOpt = typer.Option(Path("."), "--out", help="File or folder for xlsx/pdf (default .).")


def _pack_format(text: str) -> PackFormat:
    try:
        return PackFormat(text)
    except ValueError:
        raise InvalidInput(
            f"--format must be json, xlsx or pdf, not {text!r}", field="format"
        ) from None


#: the words of the packs' and impact's text output (catalog keys ``cli.pack.*``)
WORDS = {
    "written": Template("cli.pack.written", "{kind} {period}: written {path}"),
    "due": Template("cli.pack.due", "  due {day} ({rule}; last weekday, holidays not in the data)"),
    "impact_head": Template(
        "cli.pack.impact_head",
        "Impact of {file} ({kind}, {rows} rows; simulation, nothing loaded): rates in force on "
        "{day}; 12 months {start} … {end}",
    ),
    "impact_totals": Template(
        "cli.pack.impact_totals",
        "Last 12 months would have paid MXN {change} of IGI (F4 {f4_before} → {f4_after}; 63-A "
        "{usmca_before} → {usmca_after}); open balance USD {open_usd}: IGI {open_before} → "
        "{open_after}",
    ),
    "impact_table": Template(
        "cli.pack.impact_table", "Fracciones that concern the company (MXN of IGI)"
    ),
    "untouched": Template(
        "cli.pack.untouched",
        "{n} fracción of the list concerns none of the company's goods.",
        "{n} fracciones of the list concern none of the company's goods.",
    ),
    **{
        f"col_{k}": Template(f"cli.pack.col_{k}", english)
        for k, english in (
            ("fraccion", "fracción"),
            ("parts", "parts"),
            ("rate", "rate"),
            ("open_lots", "open lots"),
            ("open_igi", "open IGI"),
            ("f4_12m", "F4 12m"),
            ("usmca_12m", "63-A 12m"),
            ("change_12m", "change 12m"),
        )
    },
}


def _say(lang: str, key: str, **fields: Any) -> str:
    return str(tr(WORDS[key](**fields), lang))


def _emit_pack(pack: Any, fmt: PackFormat, out: Path, ws: Any) -> None:
    if fmt is PackFormat.JSON:
        print_json(pack.to_dict())
        return
    lang = default_lang()
    path = write_pack(pack, fmt, out, ws.now(), illustrative=ws.demo, lang=lang)
    console.print(
        _say(lang, "written", kind=pack.kind, period=pack.period, path=path),
        markup=False,
        highlight=False,
    )
    for d in pack.due:
        console.print(
            _say(lang, "due", day=d.due.isoformat(), rule=tr(d.rule, lang)),
            markup=False,
            highlight=False,
        )
    print_lines(tr(WARNINGS(), lang), pack.warnings)


@handle_errors
def annual_report_cmd(
    program: str = typer.Argument(..., help="immex or prosec."),
    year: int = typer.Option(..., "--year", help="The year reported on."),
    sales_total: str | None = typer.Option(
        None, "--sales-total", help="Total sales of the year, MXN (financial statements / ISR)."
    ),
    fmt: str = FormatOpt,
    out: Path = OutOpt,
    company: str | None = CompanyOpt,
    db: str | None = DbOpt,
) -> None:
    """The annual report of foreign-trade operations pre-filled from the ledger (RULES I-7,
    I-12, P-5): exports by destination, imports, goods produced, the IMMEX test (I-11), due
    dates. The total sales are yours (--sales-total); the pack says so."""
    if program not in ("immex", "prosec"):
        raise InvalidInput(f"PROGRAM must be immex or prosec, not {program!r}", field="program")
    chosen = _pack_format(fmt)
    sales = None if sales_total is None else decimal_option(sales_total, "--sales-total")
    ws = open_ws(db, company)
    try:
        pack = annual_report(ws, program, year, sales_total_mxn=sales)
        _emit_pack(pack, chosen, out, ws)
    finally:
        ws.store.dispose()


@prosec_app.command("application")
@handle_errors
def prosec_application_cmd(
    sector: str = typer.Option(..., "--sector", help="PROSEC sector (Roman numeral)."),
    as_of: str | None = typer.Option(None, "--as-of", help="End of the 12 months (default today)."),
    fmt: str = FormatOpt,
    out: Path = OutOpt,
    company: str | None = CompanyOpt,
    db: str | None = DbOpt,
) -> None:
    """The data a PROSEC application asks for: goods produced, components imported by
    fracción with the sector's and the general rate, 12-month volumes, savings estimate."""
    chosen = _pack_format(fmt)
    notes: list[str] = []
    when = today_default(parse_date(as_of, "as-of"), notes)
    ws = open_ws(db, company)
    try:
        pack = prosec_application(ws, sector, when)
        if notes:
            pack = replace(pack, warnings=(*notes, *pack.warnings))
        _emit_pack(pack, chosen, out, ws)
    finally:
        ws.store.dispose()


@handle_errors
def impact_cmd(
    file: Path = typer.Argument(..., help="The list: a rates-load file or the SE workbook."),
    kind: str | None = typer.Option(
        None, "--kind", help="tariff | amendments | prosec | agreement (default: from the name)."
    ),
    as_of: str | None = typer.Option(None, "--as-of", help="Date of the balances (default today)."),
    in_force_from: str | None = typer.Option(
        None, "--in-force-from", help="Tariff workbook: the date its rates take effect."
    ),
    source: str = typer.Option("", "--source", help="Tariff workbook: where it comes from."),
    company: str | None = CompanyOpt,
    db: str | None = DbOpt,
    json_out: bool = JsonOpt,
) -> None:
    """Before loading a list, what it would change for this company: parts and fracciones,
    the open temporary balance, the last 12 months' F4 and 63-A at the new rates."""
    notes: list[str] = []
    when = today_default(parse_date(as_of, "as-of"), notes)
    if kind is not None and kind not in ("tariff", "amendments", "prosec", "agreement"):
        raise InvalidInput("--kind must be tariff, amendments, prosec or agreement", field="kind")
    ws = open_ws(db, company)
    try:
        r = impact(
            ws,
            file,
            when,
            kind=kind,
            source=source,
            in_force_from=parse_date(in_force_from, "in-force-from"),
        )
    finally:
        ws.store.dispose()
    if notes:
        r = replace(r, warnings=(*notes, *r.warnings))
    if json_out:
        print_json(r.to_dict())
        return
    _print_impact(r)


def _print_impact(r: Any) -> None:
    lang = default_lang()
    out = wide_console()
    t = r.totals()
    out.print(
        _say(lang, "impact_head", file=r.file, kind=r.kind, rows=r.rows, day=r.rates_as_of,
             start=r.period[0], end=r.period[1]),
        markup=False, highlight=False,
    )  # fmt: skip
    out.print(
        _say(
            lang, "impact_totals", change=f"{t['change_12_months']:+,.2f}",
            f4_before=f"{t['f4_igi_before']:,.2f}", f4_after=f"{t['f4_igi_after']:,.2f}",
            usmca_before=f"{t['usmca_igi_before']:,.2f}",
            usmca_after=f"{t['usmca_igi_after']:,.2f}", open_usd=f"{t['open_value_usd']:,.2f}",
            open_before=f"{t['open_igi_before']:,.2f}", open_after=f"{t['open_igi_after']:,.2f}",
        ),
        markup=False,
        highlight=False,
    )  # fmt: skip
    table = Table(title=_say(lang, "impact_table"))
    for col in ("fraccion", "parts", "rate", "open_lots", "open_igi", "f4_12m", "usmca_12m",
                "change_12m"):  # fmt: skip
        table.add_column(_say(lang, f"col_{col}"))
    for f in r.fractions:
        table.add_row(
            f.fraccion,
            ", ".join(f.parts[:4]) + (" …" if len(f.parts) > 4 else ""),
            f"{f.rate_before} → {f.rate_after}",
            str(f.open_lots),
            f"{f.open_igi_before:,.0f} → {f.open_igi_after:,.0f}",
            f"{f.f4_igi_before:,.0f} → {f.f4_igi_after:,.0f}",
            f"{f.usmca_igi_before:,.0f} → {f.usmca_igi_after:,.0f}",
            f"{f.change:+,.0f}",
        )
    out.print(table)
    out.print(_say(lang, "untouched", n=r.untouched), markup=False, highlight=False)
    print_texts(lang, r)


def register(app: typer.Typer) -> None:
    app.command("annual-report")(annual_report_cmd)
    app.command("impact")(impact_cmd)
