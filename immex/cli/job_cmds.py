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
    NOTE_LINE,
    WARNING_LINE,
    CompanyOpt,
    DbOpt,
    JsonOpt,
    Out,
    console,
    err_console,
    handle_errors,
    open_ws,
    parse_date,
    parse_month,
    print_json,
    run_lang,
    say,
    text,
    today_default,
)
from immex.domain.codes import format_pedimento
from immex.domain.messages import Template
from immex.domain.rate_rows import program_key_name, program_name
from immex.domain.savings import savings_start
from immex.samples.demo import is_demo_company
from immex.samples.showcase import STEPS, run_demo
from immex.services.duties.f4_plan import plan_f4
from immex.services.duties.savings import savings
from immex.services.duties.usmca import report_63a
from immex.services.month_end.close import month_end_reports

DEMO_COMPANY = Template("demo.company", "Company: {name} — RFC {rfc} — PROSEC sector II")
DEMO_WORKSPACE = Template("demo.workspace", "Workspace: {db}")
DEMO_LEDGER = Template(
    "demo.ledger",
    "Ledger: {pedimentos} ({lines}), {shipments}, {allocations} ({by_key}), {shortfalls}",
)
#: the counts of the demo's lines, each in the form its number takes
N_PEDIMENTOS = Template("demo.n_pedimentos", "{n} IN pedimento", "{n} IN pedimentos")
N_LINES = Template("demo.n_lines", "{n} line", "{n} lines")
N_SHIPMENTS = Template("demo.n_shipments", "{n} shipment line", "{n} shipment lines")
N_ALLOCATIONS = Template("demo.n_allocations", "{n} allocation", "{n} allocations")
N_SHORTFALLS = Template("demo.n_shortfalls", "{n} shortfall", "{n} shortfalls")
N_PORTIONS = Template("demo.n_portions", "{n} lot portion", "{n} lot portions")
DEMO_CLOSE = Template("demo.close", "Month-end close {period} (data {version}):")
DEMO_F4 = Template(
    "demo.f4",
    "  F4 to file {day}: {lines}, {portions} — owed MXN {total} (at MFN "
    "only MXN {mfn}; programs saved MXN {saved})",
)
DEMO_63A = Template(
    "demo.63a",
    "  63-A on {n} export to USA/CAN: owed MXN {owed} (MX duty MXN {duty} less US/CA duty "
    "paid)",
    "  63-A on {n} exports to USA/CAN: owed MXN {owed} (MX duty MXN {duty} less US/CA duty "
    "paid)",
)
DEMO_FIRST_DUE = Template("demo.first_due", ", first due {day}")
DEMO_PROSEC = Template("demo.prosec", "  PROSEC saved {start} … {end}: MXN {saved}")
DEMO_SECTOR = Template("demo.sector", "  Sector to add: PROSEC {sector} would save MXN {saving}")
DEMO_EXPIRING = Template(
    "demo.expiring",
    "Expiring within 90 days: {lots} lot, MXN {value} at risk",
    "Expiring within 90 days: {lots} lots, MXN {value} at risk",
    count="lots",
)
DEMO_EXPIRING_FIRST = Template(
    "demo.expiring_first",
    " — first: {part} (pedimento {pedimento}) on {day}",
)
DEMO_EXPIRED = Template(
    "demo.expired",
    "Past its limit (regularize with A3): {lots} lot",
    "Past their limit (regularize with A3): {lots} lots",
    count="lots",
)
DEMO_REPORTS = Template("demo.reports", "Reports: {files}")
#: the demo's steps as its progress bars name them (``showcase.STEPS``)
DEMO_STEPS = {
    "workspace": Template("demo.step.workspace", "workspace"),
    "reference data": Template("demo.step.refdata", "reference data"),
    "import": Template("demo.step.import", "import"),
    "discharge": Template("demo.step.discharge", "discharge"),
    "F4": Template("demo.step.f4", "F4"),
    "63-A": Template("demo.step.63a", "63-A"),
    "savings": Template("demo.step.savings", "savings"),
    "reports": Template("demo.step.reports", "reports"),
}
ILLUSTRATIVE = Template(
    "report.illustrative",
    "ILLUSTRATIVE DATA: fictitious company, parts and movements; real fractions, rates, exchange "
    "rates and INPC.",
)
DEMO_DONE = Template("demo.done", "Done in {seconds} s.")


MORE_WARNINGS = Template(
    "cli.more_warnings",
    "… {n} more warning in --json",
    "… {n} more warnings in --json",
)
F4_TITLE = Template("cli.f4.title", "F4 {period} — {name} ({rfc}) — change date {day}")
F4_TOTALS = Template(
    "cli.f4.totals",
    "total to pay MXN {total} · at MFN only MXN {mfn} · savings MXN {savings}",
)
USMCA_TOTALS = Template("cli.63a.totals", "owed MXN {owed} on MX duty MXN {duty}")
NO_FROM = Template(
    "cli.savings.no_from",
    "no --from given: using {day} (11 months before --to, 1st)",
)
SAVINGS_HEAD = Template(
    "cli.savings.head",
    "{name} ({rfc}), {start} to {end}: F4 at the best rate MXN {best}, at MFN MXN {mfn}, "
    "saved MXN {saved}",
)
WHICH_SECTOR = Template(
    "cli.savings.which_sector",
    "Which PROSEC sector should we add? (rates of {day})",
)
REGISTERED = Template("cli.savings.registered", "registered")
NOT_REGISTERED = Template("cli.savings.not_registered", "not registered")


#: the columns of the tables, in the run's language
F4_COLUMNS = (
    Template("cli.f4.col.#", "#"),
    Template("cli.f4.col.fraccion", "fracción"),
    Template("cli.f4.col.origin", "origin"),
    Template("cli.f4.col.program", "program"),
    Template("cli.f4.col.rate", "rate %"),
    Template("cli.f4.col.portions", "portions"),
    Template("cli.f4.col.customs_value_mxn", "customs value MXN"),
    Template("cli.f4.col.igi_updated", "IGI upd."),
    Template("cli.f4.col.dta", "DTA"),
    Template("cli.f4.col.iva", "IVA"),
    Template("cli.f4.col.total", "total"),
    Template("cli.f4.col.at_mfn", "at MFN"),
    Template("cli.f4.col.savings", "savings"),
)
USMCA_COLUMNS = (
    Template("cli.63a.col.document", "document"),
    Template("cli.63a.col.date", "date"),
    Template("cli.63a.col.dest", "dest."),
    Template("cli.63a.col.inputs", "inputs"),
    Template("cli.63a.col.mx_duty", "MX duty"),
    Template("cli.63a.col.us_duty_mxn", "US/CA duty MXN"),
    Template("cli.63a.col.exemption", "exemption"),
    Template("cli.63a.col.owed", "owed"),
    Template("cli.63a.col.due_by", "due by"),
)
SECTOR_COLUMNS = (
    Template("cli.savings.col.sector", "sector"),
    Template("cli.savings.col.name", "name"),
    Template("cli.savings.col.status", "status"),
    Template("cli.savings.col.fracciones", "fracciones"),
    Template("cli.savings.col.portions", "portions"),
    Template("cli.savings.col.would_save_mxn", "would save MXN"),
    Template("cli.savings.col.reason", "reason"),
)

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
        say(WARNING_LINE(message=w), err=True)
    if len(items) > limit:
        say(MORE_WARNINGS(n=len(items) - limit), err=True)


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
    """Plan the F4 pedimentos for the domestic sales of a month, with savings per program."""
    parse_month(period, "period", label="--period")  # the error names the option
    ws = _open(db, company)
    comp = ws.the_company
    plan = plan_f4(ws, period, change_date=_change_date(change_date), policy=policy)
    if json_out:
        print_json(plan.to_dict(traces=traces))
        return
    table = Table(
        title=text(F4_TITLE(period=plan.period, name=comp.name, rfc=comp.rfc,
                            day=plan.change_date))
    )  # fmt: skip
    for i, col in enumerate(F4_COLUMNS):
        table.add_column(text(col()), justify="left" if 1 <= i <= 3 else "right")
    for ln in plan.lines:
        table.add_row(
            str(ln.number), ln.fraccion, ln.origin,
            text(program_name(ln.program, ln.program_detail)),
            f"{ln.rate.normalize():f}", str(len(ln.portions)), _money(ln.customs_value_mxn),
            _money(ln.igi_updated), _money(ln.dta), _money(ln.iva), _money(ln.total),
            _money(ln.total_mfn), _money(ln.savings),
        )  # fmt: skip
    _wide().print(table)
    say(
        text(F4_TOTALS(total=_money(plan.totals["total"]), mfn=_money(plan.totals_mfn["total"]),
                  savings=_money(plan.savings)))
        + "".join(f" · {text(program_key_name(k))} {_money(v)}"
                  for k, v in plan.savings_by_program.items())
    )  # fmt: skip
    for note in plan.notes:
        say(NOTE_LINE(message=note))
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
    parse_month(period, "period", label="--period")  # the error names the option
    ws = _open(db, company)
    comp = ws.the_company
    rep = report_63a(ws, period, us_duties)
    if json_out:
        print_json(rep.to_dict(traces=traces))
        return
    table = Table(title=f"63-A {rep.period} — {comp.name} ({comp.rfc})")
    for i, col in enumerate(USMCA_COLUMNS):
        table.add_column(text(col()), justify="left" if i in (0, 2) else "right")
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
    say(USMCA_TOTALS(owed=_money(rep.totals["owed"]), duty=_money(rep.totals["mx_duty"])))
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
        notes.append(NO_FROM(day=start.isoformat()))
    ws = _open(db, company)
    comp = ws.the_company
    rep = savings(ws, start, end, rates_as_of=parse_date(rates_as_of, "rates-as-of"))
    if json_out:
        print_json({**rep.to_dict(), "cli_notes": notes})
        return
    for n in notes:
        say(NOTE_LINE(message=n), err=True)
    say(
        SAVINGS_HEAD(name=comp.name, rfc=comp.rfc, start=rep.date_from, end=rep.date_to,
                     best=_money(rep.total_best), mfn=_money(rep.total_mfn),
                     saved=_money(rep.total))
    )  # fmt: skip
    for k, v in rep.by_program.items():
        console.print(f"  {text(program_key_name(k))}: {_money(v)} MXN", markup=False)
    table = Table(title=text(WHICH_SECTOR(day=rep.rates_as_of)))
    for col in SECTOR_COLUMNS:
        table.add_column(text(col()))
    for w in rep.what_if:
        table.add_row(
            w.sector,
            w.sector_name,
            text(REGISTERED() if w.registered else NOT_REGISTERED()),
            ", ".join(w.fractions),
            str(w.portions),
            _money(w.igi_saving),
            text(w.reason),
        )
    _wide().print(table)
    for n in rep.notes:
        say(NOTE_LINE(message=n))
    _warnings(rep.warnings)


# --------------------------------------------------------------------------- report


@handle_errors
def report_cmd(
    ctx: typer.Context,
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
    lang = run_lang(ctx, lang)
    parse_month(period, "period", label="--period")  # the error names the option
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
        console.print(f"{f}: {path}", markup=False, highlight=False)


# --------------------------------------------------------------------------- demo


@handle_errors
def demo_cmd(
    ctx: typer.Context,
    out: Path = typer.Option(
        Path("immex-demo"), "--out", help="Folder for the demo workspace and reports."
    ),
    lang: str | None = LangOpt,
    json_out: bool = JsonOpt,
) -> None:
    """The month-end job on an ILLUSTRATIVE electronics manufacturer (real tariff data)."""
    lang = run_lang(ctx, lang)
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
                label = text(DEMO_STEPS[name]()) if name in DEMO_STEPS else name
                tasks[name] = bar.add_task(label, total=max(total, 1))
            bar.update(tasks[name], completed=done, total=max(total, 1))

        summary = run_demo(out, lang=lang, progress=progress)
        assert set(tasks) <= set(STEPS)
    for line in demo_lines(summary):
        console.print(line, highlight=False)


def demo_lines(s: Any) -> list[str]:
    """What `immex demo` prints (the README shows it), in the run's language."""
    by_key = ", ".join(f"{k} {v}" for k, v in sorted(s.discharge["by_key"].items()))
    lines = [
        DEMO_COMPANY(name=s.company_name, rfc=s.company_rfc),
        DEMO_WORKSPACE(db=s.db),
        DEMO_LEDGER(pedimentos=N_PEDIMENTOS(n=s.counts["pedimentos"]),
                    lines=N_LINES(n=s.counts["pedimento_rows"]),
                    shipments=N_SHIPMENTS(n=s.counts["shipments"]),
                    allocations=N_ALLOCATIONS(n=s.discharge["allocations"]),
                    by_key=by_key, shortfalls=N_SHORTFALLS(n=s.discharge["shortfalls"])),
        DEMO_CLOSE(period=s.period, version=s.data_version),
        DEMO_F4(day=s.change_date, lines=N_LINES(n=s.f4_lines),
                portions=N_PORTIONS(n=s.f4_portions),
                total=_money(s.f4_total), mfn=_money(s.f4_total_mfn),
                saved=_money(s.f4_savings)),
        "    " + text(s.f4_dta),
        text(DEMO_63A(n=s.usmca_documents, owed=_money(s.usmca_owed),
                 duty=_money(s.usmca_mx_duty)))
        + (text(DEMO_FIRST_DUE(day=s.usmca_due_by)) if s.usmca_due_by else ""),
        text(DEMO_PROSEC(start=s.savings_from, end=s.savings_to, saved=_money(s.prosec_saved)))
        + (f" — {text(s.prosec_note)}" if s.prosec_note else ""),
    ]  # fmt: skip
    if s.best_sector:
        lines.append(DEMO_SECTOR(sector=s.best_sector, saving=_money(s.best_sector_saving)))
    exp = text(DEMO_EXPIRING(lots=s.expiring_lots, value=_money(s.expiring_value_mxn)))
    if s.expiring_first:
        f = s.expiring_first
        exp += text(DEMO_EXPIRING_FIRST(part=f["part"], pedimento=f["pedimento"],
                                        day=f["limit_date"]))  # fmt: skip
    lines.append(exp)
    if s.expired_lots:
        lines.append(DEMO_EXPIRED(lots=s.expired_lots))
    lines.append(DEMO_REPORTS(files=", ".join(s.reports[k] for k in sorted(s.reports))))
    lines.append(DEMO_DONE(seconds=f"{sum(s.seconds.values()):.1f}"))
    return [text(ILLUSTRATIVE()), *(text(line) for line in lines)]


def register(app: typer.Typer) -> None:
    app.add_typer(f4_app, name="f4")
    app.add_typer(usmca_app, name="63a")
    app.command("savings")(savings_cmd)
    app.command("report")(report_cmd)
    app.command("demo")(demo_cmd)
