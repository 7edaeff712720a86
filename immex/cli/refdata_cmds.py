"""`immex refdata build|info`, `immex rules [ID]`, `immex fx DATE`, `immex inpc factor FROM TO`."""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path

import typer

from immex.cli.common import (
    DbOpt,
    JsonOpt,
    console,
    handle_errors,
    parse_date,
    parse_month,
    print_json,
    today_default,
)
from immex.domain.errors import InvalidInput
from immex.services.rates.workspace_data import optional_workspace
from immex.services.refdata import info as refdata
from immex.services.refdata import rules as rules_service
from immex.services.refdata import status as status_service

refdata_app = typer.Typer(
    help="The compiled reference database (immex/data): build, check, describe.",
    no_args_is_help=True,
)
inpc_app = typer.Typer(help="INEGI INPC and CFF art. 17-A update factors.", no_args_is_help=True)


def _say(text: str) -> None:
    console.print(text, markup=False, highlight=False)


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
            _say(f"immex/data matches a fresh build from {result['source']}")
        for problem in result["problems"]:
            _say(f"  {problem}")
    else:
        for t in result["tables"]:
            _say(f"{t['file']:<40} {t['rows']:>8} rows")
        for m in result["skipped"]:
            _say(f"WARNING: builder {m} not available: its tables were not built")
        _say(f"manifest written to {result['data']}/manifest.json")
    if check and not result["ok"]:
        if not json_out:
            _say("error: immex/data differs from a fresh build; run `immex refdata build`")
        raise typer.Exit(2)


@refdata_app.command("info")
@handle_errors
def info_cmd(json_out: bool = JsonOpt) -> None:
    """Counts, sources, as-of dates and coverage warnings of the reference data."""
    result = refdata.info()
    if json_out:
        print_json(result)
        return
    _say(f"reference data {result['data_version']} in {result['data']}")
    _say(f"as of: {result['as_of']}")
    for t in result["tables"]:
        _say(f"  {t['file']:<36} {t['rows']:>8} rows  as of {t['as_of']}")
        for note in t["notes"]:
            _say(f"      {note}")
    _say(f"FIX {result['fx']['first']} … {result['fx']['last']} (determination dates)")
    _say(f"INPC {result['inpc']['first']} … {result['inpc']['last']}")
    _say("parameters (value, period, confidence):")
    for name, values in result["parameter_values"].items():
        for v in values:
            end = v["valid_to"] or "open"
            _say(
                f"  {name:<28} {v['value']} {v['unit']}  {v['valid_from']} … {end}  "
                f"[{v['confidence']}]"
            )
    _say("sources:")
    for s in result["sources"]:
        _say(f"  {s['path']}  as of {s['as_of']}  — {s['attribution']}")
    _say("coverage warnings:")
    for w in result["coverage_warnings"]:
        _say(f"  ! {w}")


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
    _say(f"data currency on {when.isoformat()} — workspace: {url or 'none (bundled data only)'}")
    for r in rows:
        _say(f"  [{r.status.value:<7}] {r.source}: last {r.last or 'none'} — {r.detail}")
        if r.status is not status_service.Currency.CURRENT:
            _say(f"             refresh: {r.refresh_command}  ← {r.official_file}")
    _say(f"{doc['stale']} stale, {doc['missing']} missing")


@handle_errors
def fx_cmd(
    day: str = typer.Argument(..., metavar="DATE", help="Pedimento date, YYYY-MM-DD."),
    db: str | None = DbOpt,
    json_out: bool = JsonOpt,
) -> None:
    """The FIX USD/MXN applicable to a pedimento on DATE (published in the DOF the day before)."""
    when = parse_date(day, "date", label="DATE")
    if when is None:
        raise InvalidInput("DATE is required (YYYY-MM-DD)", field="date")
    result = refdata.fx_for_pedimento(when, db)
    if json_out:
        print_json(result)
        return
    _say(
        f"{result['date']}: {result['rate']} MXN per USD — FIX determined "
        f"{result['determined_on']}, published in the DOF {result['published_on']}"
    )
    _say(f"rule: {result['rule']}")
    for w in result["warnings"]:
        _say(f"! {w}")


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
        raise InvalidInput(f"--rounding must be truncate or round, not {rounding!r}")
    result = refdata.inpc_factor(start, end, rounding, db)
    if json_out:
        print_json(result)
        return
    num, den = result["numerator"], result["denominator"]
    _say(
        f"factor {result['factor']} ({result['rounding']}) = INPC {num['month']} {num['inpc']} / "
        f"INPC {den['month']} {den['inpc']} = {result['raw']:.10f}"
    )
    _say(f"rule: {result['rule']}")
    for n in result["notes"]:
        _say(f"! {n}")


@handle_errors
def rules_cmd(
    rule_id: str | None = typer.Argument(
        None, metavar="[ID]", help="A rule id as outputs cite it (C-3, U-2, I-4); all if omitted."
    ),
    json_out: bool = JsonOpt,
) -> None:
    """The rules immex applies: text, legal citations and confidence (H read in the law,
    M secondary sources, L a single weak source)."""
    rules = [rules_service.get_rule(rule_id)] if rule_id else rules_service.all_rules()
    if json_out:
        print_json([asdict(r) for r in rules] if rule_id is None else asdict(rules[0]))
        return
    for r in rules:
        cites = "; ".join(r.citations) or "(no legal citation: an observation)"
        _say(f"{r.id}  [{r.confidence}]  {cites}  — {r.section}")
        _say(f"    {r.text}")


def register(app: typer.Typer) -> None:
    app.command("rules")(rules_cmd)
    app.add_typer(refdata_app, name="refdata")
    app.command("fx")(fx_cmd)
    app.add_typer(inpc_app, name="inpc")
