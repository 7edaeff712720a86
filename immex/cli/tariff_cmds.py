"""`immex tariff show` and `immex tariff search`."""

from __future__ import annotations

from typing import Any

import typer
from rich.markup import escape
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
from immex.domain.messages import Template
from immex.reports.i18n import default_lang, tr
from immex.services.rates.workspace_data import optional_workspace
from immex.services.tariff import lookup as tariff_service
from immex.services.tariff.fraction_view import show_in_workspace

WARNING_WORD = Template("cli.warning_word", "warning:")
UMT_EXPORT = Template("rate.umt_ige", "UMT {umt}   IGE {export}")
IGI_ON = Template("cli.tariff.igi_on", "IGI on {day}: {igi}")
H_FROM = Template("cli.col.from", "from")
H_TO = Template("cli.col.to", "to")
H_RATE = Template("cli.col.rate", "rate")
H_SOURCE = Template("cli.col.source", "source")
H_CERTAINTY = Template("cli.col.certainty", "certainty")
IGI_HISTORY = Template("cli.tariff.igi_history", "import-rate history")
HISTORY_NOTES = Template("ligie.cli.history_notes", "where the dates of each period come from:")
H_DESCRIPTION = Template("cli.col.description", "description")
H_UMT_CODE = Template("cli.col.umt_code", "UMT code")
NICO_TITLE = Template("cli.tariff.nico_title", "NICO (SAT catalog)")
NO_MATCH = Template("cli.tariff.no_match", "no match")
H_SCORE = Template("rate.col_relevance", "relevance")
#: a history period without a known start, and one still in force
NO_START = Template("rate.no_start", "no date")
OPEN_END = Template("rate.open_end", "open")


LEVEL = {
    "heading": Template("cli.tariff.level.heading", "heading"),
    "subheading": Template("cli.tariff.level.subheading", "subheading"),
}
GROUP_TITLE = Template("cli.tariff.group_title", "{level} {code}: {description}")
IN_HEADING = Template("cli.tariff.in_heading", "heading {code}: {description}")
IN_SUBHEADING = Template("cli.tariff.in_subheading", "subheading {code}: {description}")
FRACTIONS_ON = Template("cli.tariff.fractions_on", "fracciones with the IGI in force on {day}:")
SUBHEADINGS_ON = Template(
    "cli.tariff.subheadings_on", "subheadings and their fracciones, IGI in force on {day}:"
)


def _say(message: object) -> str:
    return str(tr(message, default_lang()))


def _pct(rate: object) -> str:
    """A rate cell with its unit: ``0`` → ``0 %``; a text (``Ex.``, a specific duty) as is."""
    text = str(rate if rate is not None else "")
    return f"{text} %" if text.replace(".", "", 1).isdigit() else text


def _history_cells(p: dict[str, Any]) -> dict[str, Any]:
    """A history period as printed: its ends in words when unknown or open, its rate in %."""
    return {
        **p,
        "valid_from": p["valid_from"] or _say(NO_START()),
        "valid_to": p["valid_to"] or _say(OPEN_END()),
        "rate": _pct(p["rate"]),
    }


def _print_group(data: dict[str, Any]) -> None:
    """A heading or a subheading as a tree of plain lines (nothing to cut in a log)."""
    level = _say(LEVEL[data["level"]]())
    title = GROUP_TITLE(level=level, code=data["code"], description=data["description"])
    console.print(f"[bold]{escape(_say(title))}[/bold]", highlight=False)
    if data["level"] == "subheading":
        parent = IN_HEADING(code=data["heading"], description=data["heading_description"])
        console.print("  " + _say(parent), markup=False, highlight=False)
        console.print(_say(FRACTIONS_ON(day=data["as_of"])), markup=False, highlight=False)
        groups = [("", data["fractions"])]
    else:
        console.print(_say(SUBHEADINGS_ON(day=data["as_of"])), markup=False, highlight=False)
        groups = [(f"  {s['subheading']}  {s['description']}", s["fractions"])
                  for s in data["subheadings"]]  # fmt: skip
    for head, fractions in groups:
        if head:
            console.print(head, markup=False, highlight=False)
        for f in fractions:
            console.print(
                f"    {f['fraccion']}  {f['description']}  ({f['umt']}; IGI {_pct(f['igi'])})",
                markup=False,
                highlight=False,
            )
    for w in data["warnings"]:
        console.print(f"[yellow]{escape(_say(WARNING_WORD()))}[/yellow] {escape(_say(w))}",
                      highlight=False)  # fmt: skip


tariff_app = typer.Typer(
    help="LIGIE tariff: look up a fracción, search descriptions.", no_args_is_help=True
)


@tariff_app.command("show")
@handle_errors
def show(
    fraccion: str = typer.Argument(
        ...,
        help="A fracción (8542.31.03, 85423103, or 10 digits with the NICO), a subheading "
        "(8471.80: its fracciones) or a heading (8471: its subheadings).",
    ),
    as_of: str | None = typer.Option(
        None, "--as-of", help="Date of the rate (YYYY-MM-DD); default today."
    ),
    db: str | None = DbOpt,
    json_out: bool = JsonOpt,
) -> None:
    """Show a fracción: description, UMT, import rate in force on the date (a LIGIE amendment
    loaded into the workspace wins over the bundled text), history, NICO. A subheading lists
    its fracciones, a heading its subheadings, each fracción with its rate on the date."""
    warnings: list[str] = []
    when = today_default(parse_date(as_of, "as-of"), warnings)
    with optional_workspace(db) as ws:
        data = show_in_workspace(ws, fraccion, when, warnings)
    if json_out:
        print_json(data)
        return
    if data["level"] != "fraction":
        _print_group(data)
        return
    data["igi_history"] = [_history_cells(p) for p in data["igi_history"]]
    console.print(f"[bold]{data['fraccion']}[/bold]  {data['description']}", highlight=False)
    if data["nico"]:
        nico = data["nico"]
        console.print(f"  NICO {nico['code']}: {nico['description']}", highlight=False)
    heading = IN_HEADING(code=data["heading"], description=data["heading_description"])
    console.print("  " + _say(heading), markup=False, highlight=False)
    sub = IN_SUBHEADING(code=data["subheading"], description=data["subheading_description"])
    console.print("  " + _say(sub), markup=False, highlight=False)
    console.print(
        "  " + _say(UMT_EXPORT(umt=data["umt"], export=_pct(data["export_rate"]))), highlight=False
    )
    src = f" — {_say(data['igi_source'])}" if data["igi_source"] else ""
    igi = escape(_say(IGI_ON(day=data["as_of"], igi=_pct(data["igi"]))))
    console.print(f"  [bold]{igi}[/bold]{escape(src)}", highlight=False)
    if data["igi_history"]:
        table = Table(
            *(_say(h()) for h in (H_FROM, H_TO, H_RATE, H_SOURCE, H_CERTAINTY)),
            title=_say(IGI_HISTORY()),
        )
        for p in data["igi_history"]:
            table.add_row(
                p["valid_from"] or "?", p["valid_to"] or "-", p["rate"], escape(_say(p["source"])),
                _say(p["certainty_text"]),
            )  # fmt: skip
        console.print(table)
        _print_history_notes(data["igi_history"])
    if data["nicos"]:
        table = Table("NICO", _say(H_DESCRIPTION()), _say(H_UMT_CODE()), title=_say(NICO_TITLE()))
        for n in data["nicos"]:
            table.add_row(n["nico"], n["description"], n["umt_code"])
        console.print(table)
    for w in data["warnings"]:
        console.print(f"[yellow]{escape(_say(WARNING_WORD()))}[/yellow] {escape(_say(w))}",
                      highlight=False)  # fmt: skip


def _print_history_notes(history: list[dict[str, Any]]) -> None:
    """Each period's note (where its dates come from), in the run's language: the history
    table gives the dates, the note says which decree and transitory article set them."""
    noted = [p for p in history if p["note"]]
    if not noted:
        return
    console.print(_say(HISTORY_NOTES()), markup=False, highlight=False)
    for p in noted:
        span = f"{p['valid_from'] or '?'} – {p['valid_to'] or '-'}"
        console.print(f"  {span}: {_say(p['note'])}", markup=False, highlight=False)


@tariff_app.command("search")
@handle_errors
def search(
    text: str = typer.Argument(..., help="Spanish words, e.g. 'circuitos integrados'."),
    limit: int = typer.Option(10, "--limit", help="How many results."),
    json_out: bool = JsonOpt,
) -> None:
    """Search fracciones by description (accents and case ignored), best matches first; each
    hit with its heading and subheading."""
    results = tariff_service.search(text, limit)
    if json_out:
        print_json(results)
        return
    if not results:
        console.print(_say(NO_MATCH()), markup=False)
        return
    table = Table("fracción", _say(H_DESCRIPTION()), "IGI", _say(H_SCORE()))
    for r in results:
        igi = _pct(r["igi_published"])
        table.add_row(r["fraccion"], escape(_hit_text(r)), igi, f"{r['score']:.2f}")
    console.print(table)


def _hit_text(r: dict[str, Any]) -> str:
    """A hit with where it sits: its heading and its subheading ("Los demás." alone says
    nothing)."""
    heading = IN_HEADING(code=r["heading"], description=r["heading_description"])
    sub = IN_SUBHEADING(code=r["subheading"], description=r["subheading_description"])
    return "\n".join([r["description"], "  " + _say(heading), "  " + _say(sub)])


def register(app: typer.Typer) -> None:
    app.add_typer(tariff_app, name="tariff")
