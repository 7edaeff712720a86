"""`immex refdata build|info`, `immex rules [ID]`, `immex fx DATE`, `immex inpc factor FROM TO`."""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path
from typing import Any

import typer

from immex.cli.common import (
    DbOpt,
    JsonOpt,
    command_text,
    handle_errors,
    parameter_text,
    parse_date,
    parse_month,
    print_json,
    run_lang,
    say,
    text,
    today_default,
)
from immex.domain.duties.trace import policy_label
from immex.domain.errors import InvalidInput
from immex.domain.messages import Msg, Template
from immex.services.rates.workspace_data import optional_workspace
from immex.services.refdata import info as refdata
from immex.services.refdata import rules as rules_service
from immex.services.refdata import status as status_service

BUILD_MATCHES = Template(
    "cli.refdata.build_matches",
    "immex/data matches a fresh build from {source}",
)
TABLE_ROWS = Template(
    "cli.refdata.table_rows", "{file} {rows} row", "{file} {rows} rows", count="rows"
)
BUILDER_MISSING = Template(
    "cli.refdata.builder_missing",
    "WARNING: builder {builder} not available: its tables were not built",
)
MANIFEST_WRITTEN = Template("cli.refdata.manifest_written", "manifest written to {path}")
BUILD_DIFFERS = Template(
    "cli.refdata.build_differs",
    "error: immex/data differs from a fresh build; run `immex refdata build`",
)
INFO_HEAD = Template("cli.refdata.info_head", "reference data {version} in {data}")
INFO_AS_OF = Template("cli.refdata.as_of", "as of: {day}")
INFO_TABLE = Template(
    "cli.refdata.info_table",
    "  {file} {rows} row   as of {day}",
    "  {file} {rows} rows  as of {day}",
    count="rows",
)
INFO_FIX = Template("cli.refdata.info_fix", "FIX {first} … {last} (determination dates)")
INFO_PARAMS = Template("cli.refdata.info_params", "parameters (value, period, confidence):")
OPEN = Template("cli.open", "open")
INFO_SOURCES = Template("cli.refdata.info_sources", "sources:")
#: a parameter's value with its unit in words (``parameters.yaml``'s ``unit`` codes)
UNIT_WORDS = {
    "per_mille": Template("unit.per_mille", "{value} per mille"),
    "MXN_per_pedimento": Template("unit.MXN_per_pedimento", "{value} MXN per pedimento"),
    "calendar_days": Template("unit.calendar_days", "{value} calendar days"),
    "months": Template("unit.months", "{value} months"),
    "years": Template("unit.years", "{value} years"),
    "percent": Template("unit.percent", "{value} percent"),
    "percent_per_month": Template("unit.percent_per_month", "{value} percent per month"),
    "usd": Template("unit.usd", "{value} USD"),
    "decimals": Template("unit.decimals", "{value} decimals"),
}
#: a term given by name, not by a number (unit ``term``)
TERM_WORDS = {"program_validity": Template("unit.term.program_validity", "the programme's term")}


def _value_in_words(value: str, unit: str) -> object:
    """A parameter's value and unit as a reader says them; a unit not listed as written."""
    if unit == "term" and value in TERM_WORDS:
        return TERM_WORDS[value]()
    if unit in UNIT_WORDS:
        return UNIT_WORDS[unit](value=value)
    return f"{value} {unit}"
INFO_SOURCE = Template("cli.refdata.info_source", "  {path}  as of {day}  — {attribution}")
INFO_COVERAGE = Template("cli.refdata.info_coverage", "coverage warnings:")
STATUS_HEAD = Template("cli.refdata.status_head", "data currency on {day} — workspace: {workspace}")
NO_WORKSPACE = Template("cli.refdata.no_workspace", "none (bundled data only)")
STATUS_ROW = Template("cli.refdata.status_row", "  {state} {source}: last {last} — {detail}")
STATUS_REFRESH = Template("cli.refdata.status_refresh", "             refresh: {command}  ← {file}")
STATUS_TOTAL = Template("cli.refdata.status_total", "{stale}, {missing}")
N_STALE = Template("cli.refdata.n_stale", "{n} stale", "{n} stale")
N_MISSING = Template("cli.refdata.n_missing", "{n} missing", "{n} missing")
NONE = Template("cli.none", "none")
DATE_REQUIRED = Template("cli.date_required", "DATE is required (YYYY-MM-DD)")
FX_LINE = Template(
    "cli.fx.line",
    "{day}: {rate} MXN per USD — FIX determined {determined}, published in the DOF {published}",
)
RULE_LINE = Template("cli.rule_line", "rule: {rule}")
BAD_ROUNDING = Template(
    "cli.inpc.bad_rounding",
    "--rounding must be truncate or round, not {value}",
)
FACTOR_LINE = Template(
    "cli.inpc.factor_line",
    "factor {factor} ({rounding}) = INPC {num_month} {num} / INPC {den_month} {den} = {raw}",
)
NO_CITATION = Template("cli.rules.no_citation", "(no legal citation: an observation)")


#: the state of a source of data, as `refdata status` prints it
STATES = {
    "current": Template("cli.refdata.state.current", "current")(),
    "stale": Template("cli.refdata.state.stale", "stale")(),
    "missing": Template("cli.refdata.state.missing", "missing")(),
}

refdata_app = typer.Typer(
    help="The compiled reference database (immex/data): build, check, describe.",
    no_args_is_help=True,
)
inpc_app = typer.Typer(help="INEGI INPC and CFF art. 17-A update factors.", no_args_is_help=True)


def _say(message: object) -> None:
    say(message)


@refdata_app.command("build")
@handle_errors
def build_cmd(
    source: Path | None = typer.Option(
        None,
        "--source",
        help="The shared/data folder (default $IMMEX_SHARED_DATA or "
        "../shared/data next to the repository).",
    ),
    check: bool = typer.Option(
        False, "--check", help="Rebuild into a temporary folder and compare byte for byte."
    ),
    json_out: bool = JsonOpt,
) -> None:
    """Compile the reference tables and manifest from the raw public sources."""
    result = refdata.build(source, check=check)
    if json_out:
        print_json(result)
    elif check:
        if result["ok"]:
            _say(BUILD_MATCHES(source=result["source"]))
        for problem in result["problems"]:
            _say("  " + text(problem))
    else:
        for t in result["tables"]:
            _say(TABLE_ROWS(file=f"{t['file']:<40}", rows=f"{t['rows']:>8}"))
        for m in result["skipped"]:
            _say(BUILDER_MISSING(builder=m))
        _say(MANIFEST_WRITTEN(path=f"{result['data']}/manifest.json"))
    if check and not result["ok"]:
        if not json_out:
            _say(BUILD_DIFFERS())
        raise typer.Exit(2)


@refdata_app.command("info")
@handle_errors
def info_cmd(json_out: bool = JsonOpt) -> None:
    """Counts, sources, as-of dates and coverage warnings of the reference data."""
    result = refdata.info()
    if json_out:
        print_json(result)
        return
    _say(INFO_HEAD(version=result["data_version"], data=result["data"]))
    _say(INFO_AS_OF(day=result["as_of"]))
    for t in result["tables"]:
        _say(INFO_TABLE(file=f"{t['file']:<36}", rows=f"{t['rows']:>8}", day=t["as_of"]))
        for note in t["notes"]:
            _say("      " + text(note))
    _say(INFO_FIX(first=result["fx"]["first"], last=result["fx"]["last"]))
    _say(f"INPC {result['inpc']['first']} … {result['inpc']['last']}")
    _say(INFO_PARAMS())
    for name, values in result["parameter_values"].items():
        for v in values:
            end = v["valid_to"] or text(OPEN())
            _say(
                f"  {name:<28} {text(_value_in_words(v['value'], v['unit']))}  "
                f"{v['valid_from']} … {end}  "
                f"[{v['confidence']}]"
            )
    _say(INFO_SOURCES())
    for s in result["sources"]:
        _say(INFO_SOURCE(path=s["path"], day=s["as_of"], attribution=s["attribution"]))
    _say(INFO_COVERAGE())
    for w in result["coverage_warnings"]:
        _say("  ! " + text(w))


def _source(source: Any) -> str:
    """A source of ``refdata status`` as a person reads it: a parameter says what it is."""
    if isinstance(source, Msg) and source.key == status_service.SRC_PARAM.key:
        return parameter_text(str(source.params["name"]))
    return text(source)


@refdata_app.command("status")
@handle_errors
def status_cmd(
    as_of: str | None = typer.Option(
        None, "--as-of", help="The day to check the data against (YYYY-MM-DD); default today."
    ),
    db: str | None = DbOpt,
    json_out: bool = JsonOpt,
) -> None:
    """What is stale, and how to refresh it: every source's last date, whether it covers the
    day, and the command and official file that would refresh it (the workspace's loaded data
    included: --db, $IMMEX_DB or ./immex.db when present)."""
    notes: list[str] = []
    when = today_default(parse_date(as_of, "as-of"), notes)
    with optional_workspace(db) as ws:
        rows = status_service.status(ws, when)
        url = ws.store.display_url if ws is not None else None
    doc = status_service.status_dict(rows, when, url)
    if json_out:
        print_json(doc)
        return
    for n in notes:
        _say(n)
    _say(STATUS_HEAD(day=when.isoformat(), workspace=url or text(NO_WORKSPACE())))
    width = max(len(text(m)) for m in STATES.values())
    for r in rows:
        state = f"[{text(STATES.get(r.status.value, r.status.value)):<{width}}]"
        last = r.last or text(NONE())
        _say(STATUS_ROW(state=state, source=_source(r.source), last=last, detail=r.detail))
        if r.status is not status_service.Currency.CURRENT:
            _say(STATUS_REFRESH(command=command_text(r.refresh_command),
                                file=text(r.official_file)))  # fmt: skip
    _say(STATUS_TOTAL(stale=N_STALE(n=doc["stale"]), missing=N_MISSING(n=doc["missing"])))


@handle_errors
def fx_cmd(
    day: str = typer.Argument(..., metavar="DATE", help="Pedimento date, YYYY-MM-DD."),
    db: str | None = DbOpt,
    json_out: bool = JsonOpt,
) -> None:
    """The FIX USD/MXN applicable to a pedimento on DATE (published in the DOF the day before)."""
    when = parse_date(day, "date", label="DATE")
    if when is None:
        raise InvalidInput(DATE_REQUIRED(), field="date")
    result = refdata.fx_for_pedimento(when, db)
    if json_out:
        print_json(result)
        return
    _say(
        FX_LINE(day=result["date"], rate=result["rate"], determined=result["determined_on"],
                published=result["published_on"])
    )  # fmt: skip
    _say(RULE_LINE(rule=result["rule"]))
    for w in result["warnings"]:
        _say("! " + text(w))


@inpc_app.command("factor")
@handle_errors
def factor_cmd(
    from_month: str = typer.Argument(..., metavar="FROM_MONTH", help="Earliest month, YYYY-MM."),
    to_month: str = typer.Argument(..., metavar="TO_MONTH", help="Latest month, YYYY-MM."),
    rounding: str = typer.Option(
        "truncate", "--rounding", help="4-decimal step: truncate (default) or round."
    ),
    db: str | None = DbOpt,
    json_out: bool = JsonOpt,
) -> None:
    """CFF art. 17-A update factor from FROM_MONTH to TO_MONTH, with the two indices used."""
    start = parse_month(from_month, "FROM_MONTH")
    end = parse_month(to_month, "TO_MONTH")
    if rounding not in ("truncate", "round"):
        raise InvalidInput(BAD_ROUNDING(value=repr(rounding)), field="rounding")
    result = refdata.inpc_factor(start, end, rounding, db)
    if json_out:
        print_json(result)
        return
    num, den = result["numerator"], result["denominator"]
    _say(
        FACTOR_LINE(factor=result["factor"], rounding=policy_label(result["rounding"]),
                    num_month=num["month"],
                    num=num["inpc"], den_month=den["month"], den=den["inpc"],
                    raw=f"{result['raw']:.10f}")
    )  # fmt: skip
    _say(RULE_LINE(rule=result["rule"]))
    for n in result["notes"]:
        _say("! " + text(n))


@handle_errors
def rules_cmd(
    ctx: typer.Context,
    rule_id: str | None = typer.Argument(
        None, metavar="[ID]", help="A rule id as outputs cite it (C-3, U-2, I-4); all if omitted."
    ),
    lang: str | None = typer.Option(
        None, "--lang", help="Language of the texts: es or en (default: immex --lang, else es)."
    ),
    json_out: bool = JsonOpt,
) -> None:
    """The rules immex applies: text, legal citations and confidence (H read in the law,
    M secondary sources, L a single weak source), in the run's language. --json: each rule's
    canonical fields as the rule book writes them, in English (id, section, confidence, text,
    citations), plus "shown": the same as this run's language shows them (lang, section,
    confidence, text, citations)."""
    lang = run_lang(ctx, lang)
    rules = [rules_service.get_rule(rule_id)] if rule_id else rules_service.all_rules()
    if json_out:
        shown = [{**asdict(r), "shown": rules_service.rule_shown(r, lang)} for r in rules]
        print_json(shown if rule_id is None else shown[0])
        return
    for r in rules:
        cites = rules_service.rule_citations(r, lang) or text(NO_CITATION())
        conf = rules_service.rule_confidence(r, lang)
        _say(f"{r.id}  [{conf}]  {cites}  — {rules_service.rule_section(r, lang)}")
        _say(f"    {rules_service.rule_text(r, lang)}")


def register(app: typer.Typer) -> None:
    app.command("rules")(rules_cmd)
    app.add_typer(refdata_app, name="refdata")
    app.command("fx")(fx_cmd)
    app.add_typer(inpc_app, name="inpc")
