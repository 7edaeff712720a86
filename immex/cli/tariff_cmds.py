"""`immex tariff show` and `immex tariff search`."""

from __future__ import annotations

import typer
from rich.table import Table

from immex.cli.common import (
    DbOpt,
    JsonOpt,
    console,
    handle_errors,
    parse_date,
    print_json,
    today_default,
)
from immex.services.rates.workspace_data import optional_workspace
from immex.services.tariff import lookup as tariff_service
from immex.services.tariff.fraction_view import show_in_workspace

tariff_app = typer.Typer(
    help="LIGIE tariff: look up a fracción, search descriptions.", no_args_is_help=True
)


@tariff_app.command("show")
@handle_errors
def show(
    fraccion: str = typer.Argument(..., help="8542.31.03, 85423103 or 10 digits with the NICO."),
    as_of: str | None = typer.Option(
        None, "--as-of", help="Date of the rate (YYYY-MM-DD); default today."
    ),
    db: str | None = DbOpt,
    json_out: bool = JsonOpt,
) -> None:
    """Show a fracción: description, UMT, import rate in force on the date (a LIGIE amendment
    loaded into the workspace wins over the bundled text), history, NICO."""
    warnings: list[str] = []
    when = today_default(parse_date(as_of, "as-of"), warnings)
    with optional_workspace(db) as ws:
        data = show_in_workspace(ws, fraccion, when, warnings)
    if json_out:
        print_json(data)
        return
    console.print(f"[bold]{data['fraccion']}[/bold]  {data['description']}", highlight=False)
    if data["nico"]:
        nico = data["nico"]
        console.print(f"  NICO {nico['code']}: {nico['description']}", highlight=False)
    console.print(f"  heading {data['heading']}: {data['heading_description']}", highlight=False)
    console.print(
        f"  subheading {data['subheading']}: {data['subheading_description']}", highlight=False
    )
    console.print(f"  UMT {data['umt']}   export {data['export_rate']}", highlight=False)
    src = f" ({data['igi_source']})" if data["igi_source"] else ""
    console.print(f"  [bold]IGI on {data['as_of']}: {data['igi']}[/bold]{src}", highlight=False)
    if data["igi_history"]:
        table = Table("from", "to", "rate", "source", "certainty", title="import-rate history")
        for p in data["igi_history"]:
            table.add_row(
                p["valid_from"] or "?", p["valid_to"] or "-", p["rate"], p["source"], p["certainty"]
            )
        console.print(table)
    if data["nicos"]:
        table = Table("NICO", "description", "UMT code", title="NICO (SAT catalog)")
        for n in data["nicos"]:
            table.add_row(n["nico"], n["description"], n["umt_code"])
        console.print(table)
    for w in data["warnings"]:
        console.print(f"[yellow]warning:[/yellow] {w}", highlight=False)


@tariff_app.command("search")
@handle_errors
def search(
    text: str = typer.Argument(..., help="Spanish words, e.g. 'circuitos integrados'."),
    limit: int = typer.Option(10, "--limit", help="How many results."),
    json_out: bool = JsonOpt,
) -> None:
    """Search fracciones by description (accents and case ignored), best matches first."""
    results = tariff_service.search(text, limit)
    if json_out:
        print_json(
            [
                {"fraccion": r["fraccion"], "description": r["description"], "score": r["score"]}
                for r in results
            ]
        )
        return
    if not results:
        console.print("no match")
        return
    table = Table("fracción", "description", "IGI", "score")
    for r in results:
        table.add_row(r["fraccion"], r["description"], r["igi_published"], f"{r['score']:.2f}")
    console.print(table)


def register(app: typer.Typer) -> None:
    app.add_typer(tariff_app, name="tariff")
