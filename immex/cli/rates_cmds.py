"""`immex rates load …`, `immex rates sectors`, `immex rate …`, `immex duty f4|63a …`."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import typer

from immex.cli.common import (
    WARNING_LINE,
    DbOpt,
    DryRunOpt,
    JsonOpt,
    console,
    handle_errors,
    open_ws,
    parse_date,
    print_json,
    say,
    text,
)
from immex.domain.duties.trace import TraceStep, policy_label, value_text
from immex.domain.errors import InvalidInput
from immex.domain.messages import Template
from immex.domain.money import D
from immex.domain.rate_rows import program_name
from immex.services.duties import single as duties_service
from immex.services.rates import best_rate as rate_service
from immex.services.rates.annex_load import KIND as ANNEX_KIND
from immex.services.rates.annex_load import load_annex_file
from immex.services.rates.batches import LoadResult
from immex.services.rates.loading import load_rates
from immex.services.rates.parameters import load_parameters_file
from immex.services.rates.sectors import sector_catalog
from immex.services.rates.series import SERIES, load_series
from immex.services.rates.tariff_load import load_tariff
from immex.services.rates.workspace_data import optional_workspace

REQUIRED = Template("cli.option_required", "{option} is required")
NOT_A_NUMBER = Template(
    "cli.not_a_number",
    "{option}: not a number: {value} (expected digits such as 1234.56)",
)
NEW_FRACTIONS = Template("cli.tariff_load.new", "  new: {codes}")
UNIT_CHANGE = Template("cli.tariff_load.unit", "  unit {code}: {before} → {after}")
CHOSEN = Template("cli.rate.chosen", "chosen")
ELIGIBLE = Template("cli.rate.eligible", "eligible")
NOT_ELIGIBLE = Template("cli.rate.not_eligible", "not eligible")
RATE_HEAD = Template("cli.rate.head", "{code} from {origin} on {day}:")
RATE_CHOSEN = Template("cli.rate.chosen_line", "chosen: {program} {rate}%")
F4_TOTAL = Template("trace.f4_total", "total to pay: MXN {total} (policy: {policy})")
USMCA_OWED = Template("cli.duty.usmca_owed", "owed: MXN {owed}, due by {due}")


rates_app = typer.Typer(
    help="Rate data in the workspace: PROSEC lists, agreement schedules, LIGIE amendments.",
    no_args_is_help=True,
)
load_app = typer.Typer(
    help="Load a table file (all-or-nothing; reloading the same file changes nothing).",
    no_args_is_help=True,
)
duty_app = typer.Typer(help="Duties that explain themselves: F4 and LA 63-A.", no_args_is_help=True)

FileArg = typer.Argument(
    ..., help="CSV/TXT (any encoding; , ; or tab), XLSX, XLSB or ODS file with a header row."
)
ProsecOpt = typer.Option(
    [], "--prosec", help="PROSEC sector the company is registered in (repeatable)."
)
Regla8Opt = typer.Option(
    [], "--regla8", help="Regla 8ª authorisation: the Chapter 98 fracción it covers (repeatable)."
)
CertifiedOpt = typer.Option(
    [], "--origin-certified", help="Agreement with proof of origin, e.g. TMEC (repeatable)."
)


def _required_date(text: str, name: str) -> date:
    day = parse_date(text, name)
    if day is None:  # pragma: no cover - typer enforces the option
        raise InvalidInput(REQUIRED(option=f"--{name}"), field=name)
    return day


def _money(text: str, name: str) -> Any:
    try:
        return D(text)
    except InvalidInput:
        raise InvalidInput(NOT_A_NUMBER(option=f"--{name}", value=repr(text)), field=name) from None


def _load(kind: str, file: Path, db: str | None, json_out: bool, dry_run: bool = False) -> None:
    ws = open_ws(db, need_company=False)
    result: LoadResult
    try:
        if kind in SERIES:
            result = load_series(ws, kind, file, dry_run=dry_run)
        elif kind == "parameters":
            result = load_parameters_file(ws, file, dry_run=dry_run)
        elif kind == ANNEX_KIND:
            result = load_annex_file(ws, file, dry_run=dry_run)
        else:
            result = load_rates(ws, kind, file, dry_run=dry_run)
    finally:
        ws.store.dispose()
    if json_out:
        print_json(result)
        return
    say(result.message)
    for w in result.warnings:
        say(WARNING_LINE(message=w))


@load_app.command("prosec")
@handle_errors
def load_prosec(
    file: Path = FileArg,
    db: str | None = DbOpt,
    json_out: bool = JsonOpt,
    dry_run: bool = DryRunOpt,
) -> None:
    """PROSEC art. 5 rows: sector, sector_name, fraccion, arancel, vigencia_desde, acotacion,
    fuente [, vigencia_hasta]."""
    _load("prosec", file, db, json_out, dry_run)


@load_app.command("fta")
@handle_errors
def load_fta(
    file: Path = FileArg,
    db: str | None = DbOpt,
    json_out: bool = JsonOpt,
    dry_run: bool = DryRunOpt,
) -> None:
    """Agreement preferences: agreement, origin_countries, fraccion, rate, valid_from, valid_to,
    source."""
    _load("fta", file, db, json_out, dry_run)


@load_app.command("amendments")
@handle_errors
def load_amendments(
    file: Path = FileArg,
    db: str | None = DbOpt,
    json_out: bool = JsonOpt,
    dry_run: bool = DryRunOpt,
) -> None:
    """LIGIE rate changes after the bundled text: fraccion, rate, valid_from, valid_to, source."""
    _load("amendments", file, db, json_out, dry_run)


@load_app.command("immex-annex")
@handle_errors
def load_immex_annex(
    file: Path = FileArg,
    db: str | None = DbOpt,
    json_out: bool = JsonOpt,
    dry_run: bool = DryRunOpt,
) -> None:
    """IMMEX Decree Annex I (no temporary import) / Annex II (only with requirements) rows:
    fraccion (chapter, heading, subheading or fracción), annex (I|II), valid_from, source,
    confidence [, valid_to, exceptions, note]. Temporary imports of those goods on those dates
    are flagged in the import summary, balance, expiry radar and month reports."""
    _load(ANNEX_KIND, file, db, json_out, dry_run)


@load_app.command("fix")
@handle_errors
def load_fix(
    file: Path = FileArg,
    db: str | None = DbOpt,
    json_out: bool = JsonOpt,
    dry_run: bool = DryRunOpt,
) -> None:
    """Banxico FIX points newer than the bundled series: fecha,tipo_cambio (Banxico's download)
    or determined_on,rate. They extend the series every computation of the workspace reads."""
    _load("fix", file, db, json_out, dry_run)


@load_app.command("inpc")
@handle_errors
def load_inpc(
    file: Path = FileArg,
    db: str | None = DbOpt,
    json_out: bool = JsonOpt,
    dry_run: bool = DryRunOpt,
) -> None:
    """INEGI INPC months newer than the bundled series: year,month,…,valor (INEGI's layout) or
    month,index (YYYY-MM). They extend the series every computation of the workspace reads."""
    _load("inpc", file, db, json_out, dry_run)


@load_app.command("parameters")
@handle_errors
def load_parameters(
    file: Path = FileArg,
    db: str | None = DbOpt,
    json_out: bool = JsonOpt,
    dry_run: bool = DryRunOpt,
) -> None:
    """Values of the curated parameters for periods the bundled data lacks (e.g. the DTA fixed
    fee of a year): name, valid_from, valid_to, value, source, confidence [, note]."""
    _load("parameters", file, db, json_out, dry_run)


@load_app.command("tariff")
@handle_errors
def load_tariff_cmd(
    file: Path = typer.Argument(
        ..., help="An SE tariff workbook (.xlsx/.xlsb): FRACCIONESARANCELARIAS_…, BASEUNICA-LIGIE_…"
    ),
    in_force_from: str = typer.Option(
        ..., "--in-force-from", help="Date the workbook's rates are in force (YYYY-MM-DD)."
    ),
    source: str = typer.Option(
        ...,
        "--source",
        help='What the workbook is, cited by each rate it changes ("DOF 29-12-2025")',
    ),
    dry_run: bool = typer.Option(False, "--dry-run", help="Compare and report; write nothing."),
    db: str | None = DbOpt,
    json_out: bool = JsonOpt,
) -> None:
    """Compare an official tariff workbook with the rates in force on --in-force-from and
    record each difference as a dated LIGIE amendment (file name and SHA-256 cited)."""
    when = _required_date(in_force_from, "in-force-from")
    ws = open_ws(db, need_company=False)
    try:
        loaded = load_tariff(ws, file, when, source, dry_run=dry_run)
    finally:
        ws.store.dispose()
    summary = loaded.summary()
    if json_out:
        print_json(summary)
        return
    say(loaded.message)
    examples = summary["examples"]
    for c in examples["changes"]:
        console.print(f"  {c['fraccion']}  {c['before']} → {c['after']}  ({c['kind']})",
                      markup=False, highlight=False)  # fmt: skip
    if examples["new"]:
        say(NEW_FRACTIONS(codes=", ".join(examples["new"])))
    for u in examples["unit_changes"]:
        say(UNIT_CHANGE(code=u["fraccion"], before=u["before"], after=u["after"]))


@rates_app.command("sectors")
@handle_errors
def sectors(json_out: bool = JsonOpt) -> None:
    """The PROSEC sector catalog (Decree art. 3) with the citation of each row."""
    catalog = sector_catalog()
    if json_out:
        print_json(list(catalog))
        return
    for s in catalog:
        console.print(f"{s.code:>6}  {s.name}  [{s.confidence}]  {text(s.source)}", markup=False)


def _print_options(options: list[dict[str, Any]]) -> None:
    for o in options:
        label = program_name(o["program"], o["detail"])
        rate = o["rate_text"] or "-"
        mark = "*" if o["chosen"] else " "
        status = text(
            CHOSEN() if o["chosen"] else (ELIGIBLE() if o["eligible"] else NOT_ELIGIBLE())
        )
        why = f" — {text(o['reason'])}" if o["reason"] else ""
        label = text(label)
        console.print(f" {mark} {label}: {rate} [{status}]{why}", markup=False, highlight=False)


def _print_warnings(warnings: list[str]) -> None:
    for w in warnings:
        say(WARNING_LINE(message=w))


@handle_errors
def rate(
    fraccion: str = typer.Argument(..., help="Fracción (8542.31.03 or 85423103)."),
    origin: str = typer.Option(..., "--origin", help="Country of origin, ISO-3 (CHN, USA…)."),
    as_of: str = typer.Option(..., "--as-of", help="Date of the rate, YYYY-MM-DD."),
    prosec: list[str] = ProsecOpt,
    regla8: list[str] = Regla8Opt,
    certified: list[str] = CertifiedOpt,
    db: str | None = DbOpt,
    json_out: bool = JsonOpt,
) -> None:
    """Every lawful rate option for a fracción, and the lowest one that may be used."""
    when = _required_date(as_of, "as-of")
    with optional_workspace(db) as ws:
        decision = rate_service.rate_decision(
            ws, fraccion, origin, when, prosec, regla8, certified,
            today=date.today(),  # the CLI is the one place that reads the clock
        )  # fmt: skip
    doc = rate_service.decision_dict(decision)
    if json_out:
        print_json(doc)
        return
    say(RATE_HEAD(code=doc["fraccion"], origin=doc["origin"], day=when))
    _print_options(doc["options"])
    chosen = doc["chosen"]
    if chosen:
        name = program_name(chosen["program"], chosen.get("detail") or "")
        say(RATE_CHOSEN(program=name, rate=chosen["rate"]))
    _print_warnings(doc["warnings"])


def _print_trace(steps: tuple[TraceStep, ...]) -> None:
    """Each step with its value as a person reads it (cents, 4-decimal factors, quotients
    to 10 decimals); ``--json`` keeps the exact values."""
    for n, step in enumerate(steps, start=1):
        console.print(
            f"{n:>3}. {text(step.name)}: {text(value_text(step))}  = {text(step.formula)}"
            f"  [{text(step.reference)}]",
            markup=False,
            highlight=False,
        )


@duty_app.command("f4")
@handle_errors
def duty_f4(
    fraccion: str = typer.Option(..., "--fraccion", help="Fracción of the input."),
    value_usd: str = typer.Option(..., "--value-usd", help="Customs value in USD of the portion."),
    entry_date: str = typer.Option(..., "--entry-date", help="Date of the temporary import."),
    change_date: str = typer.Option(..., "--change-date", help="Date of the change of regime."),
    origin: str | None = typer.Option(None, "--origin", help="Country of origin, ISO-3."),
    prosec: list[str] = ProsecOpt,
    certified: list[str] = CertifiedOpt,
    policy: str = typer.Option(
        "entry_date", "--policy", help="Date of rates and exchange rate: entry_date | change_date."
    ),
    factor_rounding: str = typer.Option(
        "truncate", "--factor-rounding", help="CFF 17-A factor to 4 decimals: truncate | round."
    ),
    certified_iva: bool = typer.Option(
        False, "--certified-iva", help="IVA/IEPS certified company: IVA credited (LIVA 28-A)."
    ),
    paid_on: str | None = typer.Option(
        None, "--paid-on", help="Payment date, if after the change."
    ),
    db: str | None = DbOpt,
    json_out: bool = JsonOpt,
) -> None:
    """F4: what changing an IMMEX input to definitive costs, peso by peso (LA 109)."""
    value = _money(value_usd, "value-usd")
    entry = _required_date(entry_date, "entry-date")
    change = _required_date(change_date, "change-date")
    paid = parse_date(paid_on, "paid-on")
    with optional_workspace(db) as ws:
        result = duties_service.duty_f4(
            ws, fraccion, value, entry, change, origin=origin, prosec=prosec,
            certified=certified, policy=policy, factor_rounding=factor_rounding,
            certified_iva=certified_iva, paid_on=paid,
        )  # fmt: skip
    doc = duties_service.f4_dict(result)
    if json_out:
        print_json(doc)
        return
    _print_options(doc["options"])
    _print_trace(result.trace)
    say(F4_TOTAL(total=f"{result.total:,f}", policy=policy_label(result.policy)))
    _print_warnings(doc["warnings"])


@duty_app.command("63a")
@handle_errors
def duty_63a(
    fraccion: str = typer.Option(..., "--fraccion", help="Fracción of the non-originating input."),
    value_usd: str = typer.Option(..., "--value-usd", help="Customs value in USD of the input."),
    entry_date: str = typer.Option(..., "--entry-date", help="Date of the temporary import."),
    export_date: str = typer.Option(..., "--export-date", help="Date of the export to US/CA."),
    origin: str = typer.Option(..., "--origin", help="Country of origin of the input, ISO-3."),
    us_duty_usd: str = typer.Option(..., "--us-duty-usd", help="Duty paid in the US/CA, USD."),
    prosec: list[str] = ProsecOpt,
    certified: list[str] = typer.Option(
        [],
        "--origin-certified",
        help="Agreement whose certification of origin the input has (repeatable); "
        "TMEC makes a USA/CAN/MEX input originating: nothing owed.",
    ),
    db: str | None = DbOpt,
    json_out: bool = JsonOpt,
) -> None:
    """LA 63-A / USMCA 2.5: Mexican duty owed on an input of a good exported to the US/CA."""
    value = _money(value_usd, "value-usd")
    entry = _required_date(entry_date, "entry-date")
    export = _required_date(export_date, "export-date")
    us_duty = _money(us_duty_usd, "us-duty-usd")
    with optional_workspace(db) as ws:
        result = duties_service.duty_63a(
            ws, fraccion, value, entry, export, origin, us_duty, prosec=prosec, certified=certified
        )
    doc = duties_service.usmca_dict(result)
    if json_out:
        print_json(doc)
        return
    _print_options(doc["options"])
    _print_trace(result.trace)
    say(USMCA_OWED(owed=doc["owed"], due=doc["due_by"]))
    _print_warnings(doc["warnings"])


def register(app: typer.Typer) -> None:
    rates_app.add_typer(load_app, name="load")
    app.add_typer(rates_app, name="rates")
    app.command("rate")(rate)
    app.add_typer(duty_app, name="duty")
