"""`immex import materials|products|bom|pedimentos|shipments`, `immex import list|void`,
`immex pedimento history`, `immex discharge …`, `immex balance`, `immex expiry` — the
Annex 24 ledger and its corrections."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import typer
from rich.table import Table

from immex.cli.common import (
    NOTE_LINE,
    CompanyOpt,
    DbOpt,
    DryRunOpt,
    JsonOpt,
    console,
    handle_errors,
    money,
    open_ws,
    parse_date,
    pedimento_text,
    print_json,
    qty,
    say,
    text,
    today_default,
)
from immex.cli.import_group import import_app
from immex.cli.progress import progress, run_seconds
from immex.cli.sat_cmds import pedimento_app
from immex.domain.codes import format_pedimento
from immex.domain.errors import InvalidInput
from immex.domain.messages import Template
from immex.reports.i18n import default_lang, tr
from immex.services.discharge import balances, journal, runs
from immex.services.discharge.balances import values_mxn
from immex.services.ledger import corrections, names
from immex.services.ledger import importer as ledger_import
from immex.services.ledger.units import UMC_HEADER, unit_symbol

SHOW_HEAD = Template("cli.discharge.show_head", "run {run} by {actor} at {when}: {summary}")
DIRECTED = Template("cli.discharge.directed", "(directed)")
SHOW_SHORTFALL = Template(
    "cli.discharge.show_shortfall",
    "shortfall: {document}/{line} {day} {part} missing {missing} of {required}",
)
SHOW_EXPIRED = Template(
    "cli.discharge.show_expired",
    "expired: lot {lot} {pedimento} {part} open {open} — {action}",
)
SHOW_UNEXPLODED = Template(
    "cli.discharge.show_unexploded",
    "not discharged: {document}/{line} {day} {product} — {problem}",
)


RUN_DRY = Template("cli.discharge.dry", "dry run (nothing written)")
RUN_HEAD = Template("cli.discharge.run_head", "run {run}")
RUN_SUPERSEDES = Template("cli.discharge.supersedes", " supersedes run {run}")
RUN_SHIPMENTS = Template("cli.discharge.shipments", "{n} shipment line", "{n} shipment lines")
RUN_SHIPMENTS_THROUGH = Template(
    "cli.discharge.shipments_through",
    "{n} of {total} shipment line (through {day})",
    "{n} of {total} shipment lines (through {day})",
    count="total",
)
RUN_COUNTS = Template(
    "cli.discharge.counts",
    "{lines} → {consumptions} → {allocations} {by_key}; {shortfalls}, {expired}, {unexploded}",
)
#: the counts of a discharge run, each in the form its number takes
N_CONSUMPTIONS = Template("cli.discharge.n_consumptions", "{n} consumption", "{n} consumptions")
N_ALLOCATIONS = Template("cli.discharge.n_allocations", "{n} allocation", "{n} allocations")
N_SHORTFALLS = Template("cli.discharge.n_shortfalls", "{n} shortfall", "{n} shortfalls")
N_EXPIRED = Template(
    "cli.discharge.n_expired", "{n} expired lot reached (A3)", "{n} expired lots reached (A3)"
)
N_UNEXPLODED = Template(
    "cli.discharge.n_unexploded",
    "{n} shipment without BOM in force",
    "{n} shipments without BOM in force",
)
RUN_SAME = Template("cli.discharge.same", "same inputs and journal as the previous run")
RUN_SECONDS = Template("cli.discharge.seconds", "seconds: {seconds}")
RUN_ROW = Template(
    "cli.discharge.row",
    "run {run}  {when}  {actor}  through {through}  {allocations} allocation",
    "run {run}  {when}  {actor}  through {through}  {allocations} allocations",
    count="allocations",
)
RUN_CURRENT = Template("cli.discharge.current", "  (current)")
RUN_SUPERSEDED = Template("cli.discharge.superseded", "  (superseded by run {run})")
PROGRAM = Template("cli.balance.program", "program")
BALANCE_TOTAL = Template(
    "cli.balance.total",
    "{n} lot, open value USD {usd} (MXN {mxn} at the FIX of its entry date)",
    "{n} lots, open value USD {usd} (MXN {mxn} at the FIX of each entry date)",
)
FIRST_200 = Template("cli.balance.first_200", " (first 200 of {n} shown; --json for all)")
BALANCE_TITLE = Template("cli.balance.title", "balance on {day}")
EXPIRY_TITLE = Template("cli.expiry.title", "expired or expiring within {within} days of {day}")


SHORTFALLS_FIRST = Template(
    "cli.discharge.shortfalls_first", "shortfalls (the first {shown} of {total}):"
)
SHORTFALL_LINE = Template(
    "cli.discharge.shortfall_line",
    "  {document}/{line} {day} {part}: missing {missing} of {required}",
)
SHORTFALLS_ALL = Template(
    "cli.discharge.shortfalls_all",
    "all of them: `immex discharge show {run} --json`, or the page /c/{rfc}/discharge/runs/{run}",
)
SHORTFALLS_DRY = Template(
    "cli.discharge.shortfalls_dry",
    "{total} shortfall: a dry run keeps no journal; run without --dry-run, then "
    "`immex discharge show RUN` lists it",
    "{total} shortfalls: a dry run keeps no journal; run without --dry-run, then "
    "`immex discharge show RUN` lists them",
    count="total",
)
#: the columns of `immex balance` and `immex expiry`, in the run's language
BALANCE_COLUMNS = (
    Template("cli.balance.col.lot", "lot"),
    Template("cli.balance.col.pedimento", "pedimento"),
    Template("cli.balance.col.part", "part"),
    Template("cli.balance.col.entry", "entry"),
    Template("cli.balance.col.limit", "limit"),
    Template("cli.balance.col.days_left", "days left"),
    Template("cli.balance.col.open_qty", "open qty"),
    UMC_HEADER,
    Template("cli.balance.col.open_usd", "open value USD"),
    Template("cli.balance.col.open_mxn", "open value MXN"),
    Template("cli.balance.col.status", "status"),
    Template("cli.balance.col.annex", "annex"),
)
LOT_STATUS = {
    "open": Template("cli.balance.status.open", "open"),
    "near": Template("cli.balance.status.near", "near"),
    "expired": Template("cli.balance.status.expired", "expired"),
}
SHOW_COLUMNS = (
    Template("cli.discharge.col.document", "document"),
    Template("cli.discharge.col.line", "line"),
    Template("cli.discharge.col.date", "date"),
    Template("cli.discharge.col.component", "component"),
    Template("cli.discharge.col.pedimento", "pedimento"),
    Template("cli.discharge.col.entry", "entry"),
    Template("cli.discharge.col.qty", "qty"),
    Template("cli.discharge.col.value_usd", "value USD"),
    Template("cli.discharge.col.key", "key"),
)
#: how many shortfalls `immex discharge run` names
FIRST_SHORTFALLS = 10

BATCH_LINE = Template(
    "cli.import.batch_line",
    "batch {batch}  {entity}  {file}  sha256 {sha}…  {rows} ({current})  {when}  {actor}  {status}",
)
#: the counts of a batch's line, each in the form its number takes
BATCH_ROWS = Template("cli.import.n_rows", "{n} row", "{n} rows")
BATCH_CURRENT = Template("cli.import.n_current", "{n} current", "{n} current")
BATCH_STATUS = {
    "current": Template("cli.import.status.current", "current"),
    "rectifies": Template("cli.import.status.rectifies", "rectifies"),
    "void": Template("cli.import.status.void", "void"),
}
BATCH_VOIDED = Template("cli.import.status.voided", "void {when} by {actor}: {reason}")
VERSION_HEAD = Template(
    "cli.ledger.version_head", "version {version}: batch {batch} {file} {when} by {actor} — {state}"
)
VERSION_CURRENT = Template("cli.ledger.version_current", "current")
VERSION_WITHDRAWN = Template(
    "cli.ledger.version_withdrawn", "withdrawn ({how}) {when} by {actor}: {reason}"
)
#: how a version left the ledger (the kind of correction that withdrew it)
WITHDRAWN_BY = {
    corrections.VOID: Template("cli.ledger.withdrawn.void", "void"),
    corrections.RECTIFY: Template("cli.ledger.withdrawn.rectify", "rectification"),
}
VERSION_LINE = Template(
    "cli.ledger.version_line",
    "  line {line}: {clave} {day} {part} {qty} USD {usd} {origin} {fraccion}",
)
RUN_SUMMARY = Template(
    "cli.ledger.run_summary",
    "{lots} lots, {shipments} shipment lines, {consumptions} consumptions, {allocations} "
    "allocations {by_key}; {shortfalls} shortfalls, {expired} expired lots reached (A3), "
    "{unexploded} shipments without BOM in force",
)
discharge_app = typer.Typer(
    help="FIFO discharge of temporary imports (Annex 24).", no_args_is_help=True
)


FileArg = typer.Argument(
    ..., help="CSV/TXT (any encoding; , ; or tab), XLSX, XLSB or ODS file, header row."
)
RectifyOpt = typer.Option(
    False,
    "--rectify",
    help="Record new versions of data already stored: pedimentos (as a rectification R1 "
    "replaces the original's data), materials, products, a product's BOM lines; every earlier "
    "version is kept (`immex pedimento history`, `immex part history`).",
)
ReasonOpt = typer.Option(None, "--reason", help="Why (kept in the ledger's history).")
REASON_WITHOUT_RECTIFY = Template(
    "import.reason_without_rectify",
    "--reason goes with --rectify (the reason of a rectification); a plain import takes none",
)


def _run_import(
    entity: ledger_import.Entity, file: Path, company: str | None, db: str | None,
    json_out: bool, dry_run: bool, rectify: str | None = None,
) -> None:  # fmt: skip
    ws = open_ws(db, company)
    with progress(not json_out) as bar:
        cb = (lambda stage, n: bar(stage, n, None)) if bar else None
        result = ledger_import.import_file(
            ws, entity, file, progress=cb, dry_run=dry_run, rectify=rectify
        )
    if json_out:
        print_json(result)
    else:
        say(result.message)
        for note in result.notes:
            say(NOTE_LINE(message=note))


def _importer(entity: ledger_import.Entity) -> Any:
    @handle_errors
    def command(
        file: Path = FileArg,
        company: str | None = CompanyOpt,
        db: str | None = DbOpt,
        json_out: bool = JsonOpt,
        dry_run: bool = DryRunOpt,
    ) -> None:
        _run_import(entity, file, company, db, json_out, dry_run)

    @handle_errors
    def pedimentos_command(
        file: Path = FileArg,
        rectify: bool = RectifyOpt,
        reason: str | None = ReasonOpt,
        company: str | None = CompanyOpt,
        db: str | None = DbOpt,
        json_out: bool = JsonOpt,
        dry_run: bool = DryRunOpt,
    ) -> None:
        if reason is not None and not rectify:
            raise InvalidInput(REASON_WITHOUT_RECTIFY(), field="reason")
        why = (reason or "") if rectify else None
        _run_import(entity, file, company, db, json_out, dry_run, why)

    required, optional = ledger_import.COLUMNS[entity]
    rectifiable = entity.value in ledger_import.RECTIFIABLE
    chosen = pedimentos_command if rectifiable else command
    chosen.__doc__ = (
        f"Import {entity} (all-or-nothing; re-importing the same file writes nothing). "
        f"Columns: {', '.join(required)}"
        + (f"; optional: {', '.join(optional)}." if optional else ".")
    )
    return chosen


@import_app.command("list")
@handle_errors
def import_list(
    company: str | None = CompanyOpt, db: str | None = DbOpt, json_out: bool = JsonOpt
) -> None:
    """The company's import batches: id, file, SHA-256, rows, who, when, and whether voided."""
    rows = corrections.list_batches(open_ws(db, company))
    if json_out:
        print_json(rows)
        return
    for b in rows:
        status: Any = BATCH_STATUS[b.status]() if b.status in BATCH_STATUS else b.status
        if b.voided_at is not None:
            status = BATCH_VOIDED(when=f"{b.voided_at:%Y-%m-%d %H:%M}", actor=b.voided_by,
                                  reason=b.reason)  # fmt: skip
        say(BATCH_LINE(
            batch=b.label, entity=names.entity_name(b.entity), file=b.file_name,
            sha=b.sha256[:12], rows=BATCH_ROWS(n=f"{b.rows:,}"),
            current=BATCH_CURRENT(n=f"{b.current_rows:,}"),
            when=f"{b.imported_at:%Y-%m-%d %H:%M}", actor=b.actor, status=status,
        ))  # fmt: skip


@import_app.command("void")
@handle_errors
def import_void(
    batch: str = typer.Argument(..., help="Batch id (see `immex import list`)."),
    reason: str | None = typer.Option(None, "--reason", help="Why (kept in the history)."),
    company: str | None = CompanyOpt,
    db: str | None = DbOpt,
    json_out: bool = JsonOpt,
) -> None:
    """Withdraw a batch: its rows leave the ledger (balances, the discharge's inputs) and stay
    in its history with the reason and who did it. The current discharge run becomes stale.
    A Data Stage or archivo M load (S3) is not voided: the refusal says how to correct it."""
    source, batch_id = corrections.batch_label(batch)
    result = corrections.void_batch(open_ws(db, company), batch_id, reason, source)
    if json_out:
        print_json(result)
        return
    say(result.message)
    if result.stale_run is not None:
        say(NOTE_LINE(message=corrections.STALE_NOTE(run=result.stale_run)))


@pedimento_app.command("history")
@handle_errors
def pedimento_history(
    number: str = typer.Argument(..., help="Pedimento number (15 digits, spaces or dashes)."),
    company: str | None = CompanyOpt,
    db: str | None = DbOpt,
    json_out: bool = JsonOpt,
) -> None:
    """Every version of a pedimento in the ledger (imports and rectifications), with who
    withdrew each earlier one, when and why."""
    versions = corrections.pedimento_history(open_ws(db, company), number)
    if json_out:
        print_json(versions)
        return
    for v in versions:
        state: Any = VERSION_CURRENT()
        if not v.current:
            how = WITHDRAWN_BY.get(v.withdrawn_by or "")
            when = f"{v.withdrawn_at:%Y-%m-%d %H:%M}" if v.withdrawn_at else "-"
            state = VERSION_WITHDRAWN(how=how() if how else v.withdrawn_by, when=when,
                                      actor=v.withdrawn_actor, reason=v.reason)  # fmt: skip
        say(VERSION_HEAD(version=v.version, batch=v.batch_id, file=v.file_name,
                         when=f"{v.imported_at:%Y-%m-%d %H:%M}", actor=v.actor,
                         state=state))  # fmt: skip
        for x in v.lines:
            say(VERSION_LINE(line=x.line, clave=x.clave, day=x.entry_date.isoformat(),
                             part=x.part, qty=qty(x.quantity), usd=money(x.value_usd),
                             origin=x.origin, fraccion=x.fraccion))  # fmt: skip


@discharge_app.command("run")
@handle_errors
def discharge_run(
    through: str | None = typer.Option(None, "--through", help="Last shipment date to discharge."),
    dry_run: bool = typer.Option(False, "--dry-run", help="Compute and report; write nothing."),
    company: str | None = CompanyOpt,
    db: str | None = DbOpt,
    json_out: bool = JsonOpt,
) -> None:
    """Discharge shipments FIFO against temporary-import lots into a new journal run."""
    ws = open_ws(db, company)
    with progress(not json_out) as bar:
        summary = runs.run_discharge(ws, parse_date(through, "through"), dry_run, progress=bar)
    if json_out:
        print_json(summary)
        return
    head = text(RUN_DRY() if dry_run else RUN_HEAD(run=summary.run_id))
    if summary.supersedes and not dry_run:
        head += text(RUN_SUPERSEDES(run=summary.supersedes))
    say(head)
    lines = RUN_SHIPMENTS(n=f"{summary.shipments:,}")
    if summary.through is not None:
        lines = RUN_SHIPMENTS_THROUGH(n=f"{summary.shipments_through:,}",
                                      total=f"{summary.shipments:,}",
                                      day=summary.through.isoformat())  # fmt: skip
    say(RUN_COUNTS(
        lines=lines, consumptions=N_CONSUMPTIONS(n=f"{summary.consumptions:,}"),
        allocations=N_ALLOCATIONS(n=f"{summary.allocations:,}"), by_key=_by_key(summary.by_key),
        shortfalls=N_SHORTFALLS(n=f"{summary.shortfalls:,}"),
        expired=N_EXPIRED(n=f"{summary.expired_lots:,}"),
        unexploded=N_UNEXPLODED(n=f"{summary.unexploded_shipments:,}"),
    ))  # fmt: skip
    _print_shortfalls(ws, summary)
    if summary.same_as_previous:
        say(RUN_SAME())
    for note in summary.parameters.get("limit_notes", []):
        say(NOTE_LINE(message=note), err=True)
    say(RUN_SECONDS(seconds=run_seconds(summary.seconds)))


def _by_key(by_key: Any) -> str:
    """Allocations per pedimento key: ``(RT 2,245, F4 863)``."""
    if not isinstance(by_key, dict) or not by_key:
        return ""
    return "(" + ", ".join(f"{k} {n:,}" for k, n in by_key.items()) + ")"


def _run_summary(summary: Any) -> Any:
    """A stored run's counts as a sentence (an older run's summary as it was stored)."""
    keys = ("lots", "shipments", "consumptions", "allocations", "shortfalls", "expired_lots",
            "unexploded_shipments")  # fmt: skip
    if not isinstance(summary, dict) or not all(k in summary for k in keys):
        return summary
    n = {k: f"{summary[k]:,}" for k in keys}
    return RUN_SUMMARY(lots=n["lots"], shipments=n["shipments"], consumptions=n["consumptions"],
                       allocations=n["allocations"], by_key=_by_key(summary.get("by_key")),
                       shortfalls=n["shortfalls"], expired=n["expired_lots"],
                       unexploded=n["unexploded_shipments"])  # fmt: skip


def _print_shortfalls(ws: Any, summary: runs.RunSummary) -> None:
    """Name the first shortfalls of the run and say where all of them are."""
    if not summary.shortfalls:
        return
    lang = default_lang()
    if summary.run_id is None:
        console.print(tr(SHORTFALLS_DRY(total=f"{summary.shortfalls:,}"), lang), markup=False)
        return
    shorts = journal.show_run(ws, summary.run_id, 1)["shortfalls"][:FIRST_SHORTFALLS]
    head = SHORTFALLS_FIRST(shown=len(shorts), total=f"{summary.shortfalls:,}")
    console.print(tr(head, lang), markup=False)
    for sh in shorts:
        line = SHORTFALL_LINE(
            document=pedimento_text(sh["document"]), line=sh["line"], day=sh["date"],
            part=sh["part"], missing=qty(sh["missing"]), required=qty(sh["required"]),
        )  # fmt: skip
        console.print(tr(line, lang), markup=False)
    where = SHORTFALLS_ALL(run=summary.run_id, rfc=summary.company)
    console.print(tr(where, lang), markup=False)


@discharge_app.command("show")
@handle_errors
def discharge_show(
    run: int = typer.Argument(..., help="Run id (see `immex discharge list`)."),
    limit: int | None = typer.Option(None, "--limit", help="At most this many allocations."),
    company: str | None = CompanyOpt,
    db: str | None = DbOpt,
    json_out: bool = JsonOpt,
) -> None:
    """A run: its header, allocations, shortfalls and expired lots reached."""
    detail = journal.show_run(open_ws(db, company), run, limit)
    if json_out:
        print_json(detail)
        return
    when = detail["created_at"]
    when = f"{when:%Y-%m-%d %H:%M}" if isinstance(when, datetime) else when
    say(SHOW_HEAD(run=detail["run_id"], actor=detail["actor"], when=when,
                  summary=_run_summary(detail["summary"])))  # fmt: skip
    described = runs.described_parameters(detail["parameters"])
    if described:
        say(runs.PARAMETERS_HEADING())
        for label, description in described:
            say(runs.PARAMETER_LINE(label=label, text=description))
    table = Table(*(text(col()) for col in SHOW_COLUMNS))
    for a in detail["allocations"][: limit or 50]:
        table.add_row(
            format_pedimento(a.document),
            str(a.line),
            a.shipment_date.isoformat(),
            a.component,
            format_pedimento(a.pedimento),
            a.entry_date.isoformat(),
            qty(a.quantity),
            money(a.value_usd),
            a.key + (" " + text(DIRECTED()) if a.directed else ""),
        )
    console.print(table)
    for s in detail["shortfalls"][:50]:
        say(SHOW_SHORTFALL(document=format_pedimento(s["document"]), line=s["line"],
                           day=s["date"], part=s["part"], missing=qty(s["missing"]),
                           required=qty(s["required"])))  # fmt: skip
    for e in detail["expired_lots"][:50]:
        say(SHOW_EXPIRED(lot=e["lot_id"], pedimento=format_pedimento(e["pedimento"]),
                         part=e["part"], open=qty(e["open_quantity"]),
                         action=e["action"]))  # fmt: skip
    for u in detail["unexploded_shipments"][:50]:
        say(SHOW_UNEXPLODED(document=u["document"], line=u["line"], day=u["date"],
                            product=u["product"], problem=u["problem"]))  # fmt: skip


@discharge_app.command("list")
@handle_errors
def discharge_list(
    company: str | None = CompanyOpt, db: str | None = DbOpt, json_out: bool = JsonOpt
) -> None:
    """The company's discharge runs (the latest is current)."""
    listed = journal.list_runs(open_ws(db, company))
    if json_out:
        print_json(listed)
        return
    for r in listed:
        say(
            text(RUN_ROW(run=r["run_id"], when=f"{r['created_at']:%Y-%m-%d %H:%M}",
                         actor=r["actor"], through=r["through"] or "-",
                         allocations=f"{r['allocations']:,}"))
            + text(RUN_CURRENT() if r["current"] else RUN_SUPERSEDED(run=listed[-1]["run_id"]))
        )  # fmt: skip
        for note in r["stale"]:  # the current run, corrected after it
            say("  " + text(note))


def _print_balances(
    ws: Any, rows: list[balances.LotBalance], notes: list[str], as_of: date, json_out: bool,
    title: Any,
) -> None:  # fmt: skip
    total = sum((b.open_value_usd for b in rows), start=Decimal(0))
    if json_out:
        print_json({"as_of": as_of, "notes": notes, "lots": rows, "open_value_usd": total})
        return
    for n in notes:
        say(NOTE_LINE(message=n), err=True)
    table = Table(*(text(col()) for col in BALANCE_COLUMNS), title=text(title))
    mxn = values_mxn(ws, rows[:200])
    for b, value_mxn in zip(rows[:200], mxn, strict=True):
        table.add_row(
            str(b.lot_id),
            format_pedimento(b.pedimento),
            b.part,
            b.entry_date.isoformat(),
            b.limit_date.isoformat() if b.limit_date else text(PROGRAM()),
            "" if b.days_left is None else str(b.days_left),
            qty(b.open_quantity),
            unit_symbol(b.umc),
            money(b.open_value_usd),
            money(value_mxn),
            text(LOT_STATUS[b.status]()) if b.status in LOT_STATUS else b.status,
            b.annex.label if b.annex else "",  # Annex I/II of the IMMEX Decree (RULES I-10)
        )
    console.print(table)
    known = [v for v in values_mxn(ws, rows) if v is not None]
    line = BALANCE_TOTAL(n=f"{len(rows):,}", usd=money(total), mxn=money(sum(known, Decimal(0))))
    more = text(FIRST_200(n=f"{len(rows):,}")) if len(rows) > 200 else ""
    say(text(line) + more)


@handle_errors
def balance_cmd(
    as_of: str | None = typer.Option(None, "--as-of", help="Date of the balance (default today)."),
    part: str | None = typer.Option(None, "--part", help="Only this part number."),
    company: str | None = CompanyOpt,
    db: str | None = DbOpt,
    json_out: bool = JsonOpt,
) -> None:
    """Open quantity and value per lot, with its limit date and days left."""
    notes: list[str] = []
    when = today_default(parse_date(as_of, "as-of"), notes)
    ws = open_ws(db, company)
    rows, more = balances.balance(ws, when, part)
    _print_balances(ws, rows, notes + more, when, json_out, BALANCE_TITLE(day=when.isoformat()))


@handle_errors
def expiry_cmd(
    within: int = typer.Option(30, "--within", help="Days ahead to warn about."),
    as_of: str | None = typer.Option(None, "--as-of", help="Reference date (default today)."),
    company: str | None = CompanyOpt,
    db: str | None = DbOpt,
    json_out: bool = JsonOpt,
) -> None:
    """Lots past their IMMEX limit or within --within days of it, with the value at risk."""
    notes: list[str] = []
    when = today_default(parse_date(as_of, "as-of"), notes)
    ws = open_ws(db, company)
    rows, more = balances.expiry(ws, within, when)
    _print_balances(
        ws,
        rows,
        notes + more,
        when,
        json_out,
        EXPIRY_TITLE(within=within, day=when.isoformat()),
    )


def register(app: typer.Typer) -> None:
    for entity in ledger_import.Entity:
        import_app.command(entity.value)(_importer(entity))
    app.add_typer(discharge_app, name="discharge")
    app.command("balance")(balance_cmd)
    # `immex expiry` is registered with its `plan` subcommand by decide_cmds
