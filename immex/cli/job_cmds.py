"""The month-end job: `immex f4 plan`, `immex 63a report`, `immex savings`, `immex report`,
`immex demo`. Each command calls one service and prints its result; no rules here."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import typer
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from immex.cli.common import (
    CompanyOpt,
    DbOpt,
    JsonOpt,
    Out,
    console,
    err_console,
    handle_errors,
    open_ws,
    parse_date,
    print_json,
    today_default,
)
from immex.domain.codes import format_pedimento
from immex.domain.savings import savings_start
from immex.reports.i18n import default_lang
from immex.samples.demo import is_demo_company
from immex.samples.showcase import STEPS, run_demo
from immex.services.duties.f4_plan import plan_f4
from immex.services.duties.savings import savings
from immex.services.duties.usmca import report_63a
from immex.services.month_end.close import month_end_reports

f4_app = typer.Typer(
    help="F4 change of regime planned from the discharge journal.", no_args_is_help=True
)
usmca_app = typer.Typer(
    help="LA 63-A / USMCA 2.5 on exports to the US and Canada.", no_args_is_help=True
)

#: tables are wide: printed at least this wide (a narrow terminal wraps them)
WIDE = 150
PeriodOpt = typer.Option(..., "--period", help="Month to plan, YYYY-MM.")
LangOpt = typer.Option(
    None, "--lang", help="Report language: es or en (default: immex --lang, IMMEX_LANG, else es)."
)


def _wide() -> Out:
    """A console at least WIDE columns wide for the tables (pipes and narrow terminals)."""
    return Out(width=max(console.width, WIDE), soft_wrap=True)


def _money(value: Decimal) -> str:
    return f"{value:,.2f}"


def _open(db: str | None, company_rfc: str | None) -> Any:
    """The command's workspace; the demo company's is marked as the demo (illustrative)."""
    ws = open_ws(db, company_rfc)
    return replace(ws, demo=is_demo_company(ws.the_company.rfc))


def _warnings(items: Any, limit: int = 8) -> None:
    items = list(items)
    for w in items[:limit]:
        err_console.print(f"warning: {w}", markup=False, highlight=False)
    if len(items) > limit:
        err_console.print(f"… {len(items) - limit} more warning(s) in --json", highlight=False)


def _change_date(text: str | None) -> date | None:
    return parse_date(text, "change-date")


# --------------------------------------------------------------------------- f4 plan


@f4_app.command("plan")
@handle_errors
def f4_plan(
    period: str = PeriodOpt,
    change_date: str | None = typer.Option(
        None,
        "--change-date",
        help="Date of the F4 pedimento (default: last weekday of the period).",
    ),
    policy: str = typer.Option(
        "entry_date", "--policy", help="entry_date (LA 56, default) or change_date (LA 93)."
    ),
    traces: bool = typer.Option(
        True, "--trace/--no-trace", help="Include each portion's trace in --json."
    ),
    db: str | None = DbOpt,
    company: str | None = CompanyOpt,
    json_out: bool = JsonOpt,
) -> None:
    """Plan the F4 pedimento(s) for the domestic sales of a month, with savings per program."""
    ws = _open(db, company)
    comp = ws.the_company
    plan = plan_f4(ws, period, change_date=_change_date(change_date), policy=policy)
    if json_out:
        print_json(plan.to_dict(traces=traces))
        return
    table = Table(
        title=f"F4 {plan.period} — {comp.name} ({comp.rfc}) — change date {plan.change_date}"
    )
    for col in ("#", "fracción", "origin", "program", "rate %", "portions", "customs value MXN",
                "IGI upd.", "DTA", "IVA", "total", "at MFN", "savings"):  # fmt: skip
        table.add_column(
            col, justify="left" if col in ("fracción", "origin", "program") else "right"
        )
    for ln in plan.lines:
        table.add_row(
            str(ln.number), ln.fraccion, ln.origin, f"{ln.program} {ln.program_detail}".strip(),
            f"{ln.rate.normalize():f}", str(len(ln.portions)), _money(ln.customs_value_mxn),
            _money(ln.igi_updated), _money(ln.dta), _money(ln.iva), _money(ln.total),
            _money(ln.total_mfn), _money(ln.savings),
        )  # fmt: skip
    _wide().print(table)
    console.print(
        f"total to pay {_money(plan.totals['total'])} MXN · at MFN only "
        f"{_money(plan.totals_mfn['total'])} · savings {_money(plan.savings)}"
        + "".join(f" · {k} {_money(v)}" for k, v in plan.savings_by_program.items())
    )
    for note in plan.notes:
        console.print(f"note: {note}", highlight=False)
    _warnings(plan.warnings)


# --------------------------------------------------------------------------- 63-A


@usmca_app.command("report")
@handle_errors
def usmca_report(
    period: str = PeriodOpt,
    us_duties: Path | None = typer.Option(
        None, "--us-duties", help="CSV `document, us_duty_usd`: duty paid in the US/Canada."
    ),
    traces: bool = typer.Option(
        False, "--trace/--no-trace", help="Include each input's trace in --json."
    ),
    db: str | None = DbOpt,
    company: str | None = CompanyOpt,
    json_out: bool = JsonOpt,
) -> None:
    """What LA 63-A / USMCA 2.5 makes owed on the month's exports to the US and Canada."""
    ws = _open(db, company)
    comp = ws.the_company
    rep = report_63a(ws, period, us_duties)
    if json_out:
        print_json(rep.to_dict(traces=traces))
        return
    table = Table(title=f"63-A {rep.period} — {comp.name} ({comp.rfc})")
    for col in (
        "document",
        "date",
        "dest.",
        "inputs",
        "MX duty",
        "US/CA duty MXN",
        "exemption",
        "owed",
        "due by",
    ):
        table.add_column(col, justify="left" if col in ("document", "dest.") else "right")
    for d in rep.documents:
        table.add_row(
            format_pedimento(d.document),
            str(d.export_date),
            d.destination,
            str(d.portions),
            _money(d.mx_duty),
            _money(d.us_duty_mxn),
            _money(d.exemption),
            _money(d.owed),
            str(d.due_by),
        )
    _wide().print(table)
    console.print(
        f"owed {_money(rep.totals['owed'])} MXN on MX duty {_money(rep.totals['mx_duty'])}"
    )
    _warnings(rep.warnings)


# --------------------------------------------------------------------------- savings


@handle_errors
def savings_cmd(
    date_from: str | None = typer.Option(
        None, "--from", help="First day (default: 11 months before --to, 1st)."
    ),
    date_to: str | None = typer.Option(
        None, "--to", help="Last day (default: today, said in the output)."
    ),
    rates_as_of: str | None = typer.Option(
        None, "--rates-as-of", help="Date of the rates for the sector what-if (default: --to)."
    ),
    db: str | None = DbOpt,
    company: str | None = CompanyOpt,
    json_out: bool = JsonOpt,
) -> None:
    """What PROSEC and other programs saved against MFN, and which PROSEC sector to add."""
    notes: list[str] = []
    end = today_default(parse_date(date_to, "to"), notes, option="--to")
    start = parse_date(date_from, "from") or savings_start((end.year, end.month))
    if date_from is None:
        notes.append(f"no --from given: using {start.isoformat()} (11 months before --to, 1st)")
    ws = _open(db, company)
    comp = ws.the_company
    rep = savings(ws, start, end, rates_as_of=parse_date(rates_as_of, "rates-as-of"))
    if json_out:
        print_json({**rep.to_dict(), "cli_notes": notes})
        return
    for n in notes:
        err_console.print(f"note: {n}", highlight=False)
    console.print(
        f"{comp.name} ({comp.rfc}) {rep.date_from} … {rep.date_to}: F4 at the best rate "
        f"{_money(rep.total_best)} MXN, at MFN {_money(rep.total_mfn)}, saved {_money(rep.total)}"
    )
    for k, v in rep.by_program.items():
        console.print(f"  {k}: {_money(v)}")
    table = Table(title=f"Which PROSEC sector should we add? (rates of {rep.rates_as_of})")
    for col in ("sector", "name", "status", "fracciones", "portions", "would save MXN", "reason"):
        table.add_column(col)
    for w in rep.what_if:
        table.add_row(
            w.sector,
            w.sector_name,
            "registered" if w.registered else "not registered",
            ", ".join(w.fractions),
            str(w.portions),
            _money(w.igi_saving),
            w.reason,
        )
    _wide().print(table)
    for n in rep.notes:
        console.print(f"note: {n}", highlight=False)
    _warnings(rep.warnings)


# --------------------------------------------------------------------------- report


@handle_errors
def report_cmd(
    period: str = PeriodOpt,
    formats: list[str] = typer.Option(
        ["xlsx", "html", "pdf"], "--format", help="xlsx, html or pdf (repeatable)."
    ),
    out: Path = typer.Option(Path("reports"), "--out", help="Folder for the report files."),
    lang: str | None = LangOpt,
    us_duties: Path | None = typer.Option(
        None, "--us-duties", help="CSV `document, us_duty_usd` for the 63-A."
    ),
    illustrative: bool = typer.Option(
        False,
        "--illustrative",
        help="Mark every page as illustrative data (automatic for the demo company).",
    ),
    db: str | None = DbOpt,
    company: str | None = CompanyOpt,
    json_out: bool = JsonOpt,
) -> None:
    """Write the month-end reports: Annex 24, discharge by pedimento, F4, 63-A, savings, expiry."""
    lang = lang or default_lang()
    written = month_end_reports(
        _open(db, company),
        period,
        formats=formats,
        out=out,
        computed_at=datetime.now(UTC).replace(microsecond=0),
        lang=lang,
        us_duties=us_duties,
        illustrative=illustrative,
    )
    if json_out:
        print_json(
            {
                "period": period,
                "lang": lang,
                "files": written.files,
                "data_version": written.data_version,
            }
        )
        return
    for f, path in written.files.items():
        console.print(f"{f}: {path}")


# --------------------------------------------------------------------------- demo


@handle_errors
def demo_cmd(
    out: Path = typer.Option(
        Path("immex-demo"), "--out", help="Folder for the demo workspace and reports."
    ),
    lang: str | None = LangOpt,
    json_out: bool = JsonOpt,
) -> None:
    """The month-end job on an ILLUSTRATIVE electronics manufacturer (real tariff data)."""
    lang = lang or default_lang()
    if json_out:
        summary = run_demo(out, lang=lang)
        print_json(summary)
        return
    with Progress(
        TextColumn("[bold]{task.description:<16}"),
        BarColumn(),
        TextColumn("{task.completed}/{task.total}"),
        TimeElapsedColumn(),
        console=err_console,
        transient=False,
    ) as bar:
        tasks: dict[str, Any] = {}

        def progress(name: str, done: int, total: int) -> None:
            if name not in tasks:
                tasks[name] = bar.add_task(name, total=max(total, 1))
            bar.update(tasks[name], completed=done, total=max(total, 1))

        summary = run_demo(out, lang=lang, progress=progress)
        assert set(tasks) <= set(STEPS)
    for line in demo_lines(summary):
        console.print(line, highlight=False)


def demo_lines(s: Any) -> list[str]:
    """What `immex demo` prints (the README shows it)."""
    lines = [
        f"{s.illustrative}",
        f"Company: {s.company_name} — RFC {s.company_rfc} — PROSEC sector II",
        f"Workspace: {s.db}",
        f"Ledger: {s.counts['pedimentos']} IN pedimentos ({s.counts['pedimento_rows']} lines), "
        f"{s.counts['shipments']} shipment lines, {s.discharge['allocations']} allocations "
        f"({', '.join(f'{k} {v}' for k, v in sorted(s.discharge['by_key'].items()))}), "
        f"{s.discharge['shortfalls']} shortfalls",
        f"Month-end close {s.period} (data {s.data_version}):",
        f"  F4 to file {s.change_date}: {s.f4_lines} lines, {s.f4_portions} lot portions — "
        f"owed MXN {_money(s.f4_total)} (at MFN only {_money(s.f4_total_mfn)}; "
        f"programs saved {_money(s.f4_savings)})",
        f"    {s.f4_dta}",
        f"  63-A on {s.usmca_documents} exports to USA/CAN: owed MXN {_money(s.usmca_owed)} "
        f"(MX duty {_money(s.usmca_mx_duty)} less US/CA duty paid)"
        + (f", first due {s.usmca_due_by}" if s.usmca_due_by else ""),
        f"  PROSEC saved {s.savings_from} … {s.savings_to}: MXN {_money(s.prosec_saved)}"
        + (f" — {s.prosec_note}" if s.prosec_note else ""),
    ]
    if s.best_sector:
        lines.append(
            f"  Sector to add: PROSEC {s.best_sector} would save MXN {_money(s.best_sector_saving)}"
        )
    exp = (
        f"  Expiring within 90 days: {s.expiring_lots} lot(s), "
        f"MXN {_money(s.expiring_value_mxn)} at risk"
    )
    if s.expiring_first:
        f = s.expiring_first
        exp += f" — first: {f['part']} (pedimento {f['pedimento']}) on {f['limit_date']}"
    lines.append(exp)
    if s.expired_lots:
        lines.append(f"  Past their limit (regularize with A3): {s.expired_lots} lot(s)")
    lines.append("Reports: " + ", ".join(s.reports[k] for k in sorted(s.reports)))
    lines.append(f"Done in {sum(s.seconds.values()):.1f} s.")
    return lines


def register(app: typer.Typer) -> None:
    app.add_typer(f4_app, name="f4")
    app.add_typer(usmca_app, name="63a")
    app.command("savings")(savings_cmd)
    app.command("report")(report_cmd)
    app.command("demo")(demo_cmd)
