"""`immex import datastage|m3`, `immex pedimento show`, `immex reconcile` — what SAT knows."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import typer
from rich.markup import escape
from rich.table import Table

from immex.cli.common import (
    NOTE_LINE,
    WARNING_LINE,
    CompanyOpt,
    DbOpt,
    DryRunOpt,
    JsonOpt,
    console,
    handle_errors,
    money,
    open_ws,
    parse_date,
    print_json,
    qty,
    say,
    text,
    today_default,
)
from immex.cli.import_group import import_app
from immex.domain.codes import format_pedimento
from immex.domain.errors import InvalidInput
from immex.domain.messages import JOIN, Msg, Template
from immex.domain.reconcile import Difference, Tolerance
from immex.domain.reconcile.wording import CATEGORY_NAMES as CATEGORY
from immex.reports.i18n import default_lang, tr
from immex.services.sat import reconcile as rec
from immex.services.sat.datastage_import import import_datastage as import_zips
from immex.services.sat.m3_import import import_m3 as import_validation_files
from immex.services.sat.pedimento_show import pedimento_show as show_pedimento

SAT_IMPORTED = Template(
    "cli.sat.imported",
    "pedimentos {pedimentos}, partidas {partidas}, descargos {descargos}, rectificaciones "
    "{rectificaciones} written; {duplicates}",
)
N_DUPLICATES = Template(
    "cli.sat.n_duplicates", "{n} pedimento already present", "{n} pedimentos already present"
)
DRY_RUN = Template("cli.dry_run", "dry run (nothing written): {summary}")
PEDIMENTO_HEAD = Template(
    "cli.pedimento.head",
    "{key}  {kind}  paid {paid}  RFC {rfc}  ({source}, {status})",
)
IMPORT_WORD = Template("cli.pedimento.import", "import")
EXPORT_WORD = Template("cli.pedimento.export", "export")
H_DESCRIPCION = Template("cli.col.descripcion", "descripción")
H_UMC_QTY = Template("cli.col.umc_qty", "UMC qty")
H_UMT_QTY = Template("cli.col.umt_qty", "UMT qty")
CONTRIBUTION = Template("cli.pedimento.contribution", "contribution {key}: {amount} (forma {form})")
DISCHARGES = Template(
    "cli.pedimento.discharges",
    "discharges {qty} (unit {unit}) of {code} from {doc} {orig}",
)
DISCHARGED_BY = Template("cli.pedimento.discharged_by", "discharged by {number}: {qty} of {code}")
THIS_ONE = Template("cli.pedimento.this", "(this)")
#: where SAT's record of a pedimento came from, and whether it is its current version
PEDIMENTO_SOURCE = {
    "datastage": Template("cli.pedimento.source.datastage", "Data Stage"),
    "m3": Template("cli.pedimento.source.m3", "archivo M"),
}
PEDIMENTO_STATUS = {
    "current": Template("cli.pedimento.status.current", "current"),
    "rectified": Template("cli.pedimento.status.rectified", "rectified"),
}
CHAIN = Template("cli.pedimento.chain", "rectification chain: {chain}")
BAD_FORMAT = Template("cli.reconcile.bad_format", "--format: {value}; use xlsx or html")
NEEDS_OUT = Template("cli.reconcile.needs_out", "--format needs --out DIR")
H_CATEGORY = Template("cli.col.category", "category")
H_DIFFERENCES = Template("cli.col.differences", "differences")
DIFFERENCE = Template(
    "cli.reconcile.difference",
    "{category}: {pedimento} {code} {field}: SAT {sat} / ledger {ledger}  [{sat_ref} | "
    "{ledger_ref}] {note}",
)
MORE_DIFFERENCES = Template("cli.reconcile.more", "… {n} more (use --json or --format)")
WRITTEN = Template("cli.written", "written: {path}")


pedimento_app = typer.Typer(help="Pedimentos as SAT has them.", no_args_is_help=True)


def _print_summary(summary: dict[str, Any]) -> None:
    counts = {k: summary[k] for k in ("pedimentos", "partidas", "descargos", "rectificaciones")}
    line = SAT_IMPORTED(**counts, duplicates=N_DUPLICATES(n=summary["duplicates"]))
    say(DRY_RUN(summary=line) if summary.get("dry_run") else line)
    for w in summary.get("warnings", []):
        say(WARNING_LINE(message=w))


@handle_errors
def import_datastage(
    zips: list[Path] = typer.Argument(..., help="Data Stage ZIPs (<folio>_solicitudes.zip)."),
    company: str | None = CompanyOpt,
    db: str | None = DbOpt,
    json_out: bool = JsonOpt,
    dry_run: bool = DryRunOpt,
) -> None:
    """Import SAT Data Stage extractions (all-or-nothing; re-imports write nothing twice)."""
    summary = import_zips(open_ws(db, company, need_company=False), zips, dry_run=dry_run)
    if json_out:
        print_json(summary)
    else:
        _print_summary(summary)


@handle_errors
def import_m3(
    files: list[Path] = typer.Argument(..., help="Validation files (archivo M, mPPPPNNN.DDD)."),
    db: str | None = DbOpt,
    json_out: bool = JsonOpt,
    dry_run: bool = DryRunOpt,
) -> None:
    """Import pedimento validation files (records 500…801; dates DDMMAAAA or AAAAMMDD)."""
    summary = import_validation_files(open_ws(db, need_company=False), files, dry_run=dry_run)
    if json_out:
        print_json(summary)
    else:
        _print_summary(summary)


@pedimento_app.command("show")
@handle_errors
def pedimento_show(
    number: str = typer.Argument(
        ..., help="15-digit pedimento number (spaces allowed) or 7-digit."
    ),
    company: str | None = CompanyOpt,
    db: str | None = DbOpt,
    json_out: bool = JsonOpt,
) -> None:
    """A pedimento as SAT has it: header, lines, contributions, discharges, rectifications."""
    data = show_pedimento(open_ws(db, company, need_company=False), number)
    if json_out:
        print_json(data)
        return
    h = data["header"]
    kind = IMPORT_WORD() if h["tipo_operacion"] == 1 else EXPORT_WORD()
    head = PEDIMENTO_HEAD(
        key=h["clave_documento"],
        kind=kind,
        paid=h["fecha_pago"],
        rfc=data["company"],
        source=PEDIMENTO_SOURCE[data["source"]]() if data["source"] in PEDIMENTO_SOURCE
        else data["source"],
        status=PEDIMENTO_STATUS[data["status"]]() if data["status"] in PEDIMENTO_STATUS
        else data["status"],
    )  # fmt: skip
    console.print(f"[bold]{data['display']}[/bold]  " + escape(text(head)))  # fmt: skip
    lines = Table("partida", "fracción", "NICO", text(H_DESCRIPCION()), text(H_UMC_QTY()),
                  text(H_UMT_QTY()), "USD")  # fmt: skip
    for ln in data["partidas"]:
        lines.add_row(
            str(ln["secuencia"]), ln["fraccion"], ln["nico"] or "", ln["descripcion"] or "",
            f"{qty(ln['cantidad_umc'])} ({ln['umc']})", f"{qty(ln['cantidad_umt'])} ({ln['umt']})",
            money(ln["valor_dolares"]),
        )  # fmt: skip
    console.print(lines)
    for c in data["contribuciones"]:
        say(CONTRIBUTION(key=c["clave_contribucion"], amount=c["importe"], form=c["forma_pago"]))
    for d in data["descargos"]:
        orig = f"{d['patente_orig']}-{d['pedimento_orig']} ({d['aduana_orig']})"
        say(DISCHARGES(qty=qty(d["cantidad"]), unit=d["unidad"], code=d["fraccion_orig"] or "-",
                       doc=d["documento_orig"], orig=orig))  # fmt: skip
    for d in data["descargado_por"]:
        say(DISCHARGED_BY(number=format_pedimento(d["discharging_number"]),
                          qty=qty(d["cantidad"]), code=d["fraccion_orig"]))  # fmt: skip
    if len(data["chain"]) > 1:
        this = " " + text(THIS_ONE())
        chain = " → ".join(
            format_pedimento(c["number"]) + (this if c["this"] else "") for c in data["chain"]
        )
        say(CHAIN(chain=chain))


@handle_errors
def reconcile_cmd(
    date_from: str | None = typer.Option(
        None, "--from", help="First payment/entry date (YYYY-MM-DD)."
    ),
    date_to: str | None = typer.Option(None, "--to", help="Last payment/entry date (YYYY-MM-DD)."),
    as_of: str | None = typer.Option(
        None, "--as-of", help="Date of the time-limit check (default today)."
    ),
    qty_tolerance: str = typer.Option("0.001", "--qty-tolerance", help="Quantity tolerance."),
    value_tolerance: str = typer.Option("1.00", "--value-tolerance", help="USD value tolerance."),
    fmt: str | None = typer.Option(None, "--format", help="Also write the report: xlsx or html."),
    out: Path | None = typer.Option(None, "--out", help="Directory for --format output."),
    company: str | None = CompanyOpt,
    db: str | None = DbOpt,
    json_out: bool = JsonOpt,
) -> None:
    """Where the ledger and SAT's data disagree: pedimentos, quantities, discharges,
    rectifications, temporary imports open past their limit."""
    if fmt not in (None, "xlsx", "html"):
        raise InvalidInput(BAD_FORMAT(value=repr(fmt)), field="format")
    if fmt and out is None:
        raise InvalidInput(NEEDS_OUT(), field="out")
    warnings: list[str] = []
    when = today_default(parse_date(as_of, "as-of"), warnings)
    tol = Tolerance(Decimal(qty_tolerance), Decimal(value_tolerance))
    report = rec.reconcile(
        open_ws(db, company), parse_date(date_from, "from"), parse_date(date_to, "to"),
        as_of=when, tolerance=tol,
    )  # fmt: skip
    report["notes"] = warnings + report["notes"]
    written = None
    if fmt == "xlsx":
        written = rec.write_xlsx(report, out)  # type: ignore[arg-type]
    elif fmt == "html":
        written = rec.write_html(report, out)  # type: ignore[arg-type]
    if json_out:
        print_json(_json_report(report) | ({"written": str(written)} if written else {}))
        return
    table = Table(text(H_CATEGORY()), text(H_DIFFERENCES()))
    for cat, n in report["totals"].items():
        table.add_row(text(CATEGORY[cat]()) if cat in CATEGORY else cat, str(n))
    console.print(table)
    for d in report["differences"][:50]:
        category = CATEGORY[d.category]() if d.category in CATEGORY else d.category
        say(DIFFERENCE(
            category=category, pedimento=format_pedimento(d.pedimento), code=d.fraccion or "",
            field=d.field, sat=_value(d.sat_value), ledger=_value(d.ledger_value),
            sat_ref=d.sat_ref or "-", ledger_ref=d.ledger_ref or "-", note=d.note,
        ))  # fmt: skip
    if len(report["differences"]) > 50:
        say(MORE_DIFFERENCES(n=len(report["differences"]) - 50))
    for n in report["notes"]:
        say(NOTE_LINE(message=n))
    if written:
        say(WRITTEN(path=written))


def _value(v: Any) -> Any:
    """One side's value as a person reads it: ``-`` when the side has none, quantities
    without trailing zeros, pedimento numbers spaced, words in the run's language."""
    if v is None or v == "":
        return "-"
    if isinstance(v, Decimal):
        return qty(v)
    if isinstance(v, Msg):
        return v
    return format_pedimento(str(v))


def _json_report(report: dict[str, Any]) -> dict[str, Any]:
    """The report for ``--json``: every difference keeps its stable codes (``category``,
    ``field`` in English) and carries its words in the run's language (``field_text``,
    ``note`` and its catalog key ``note_code``); the notes likewise (``note_codes``)."""
    lang = default_lang()

    def words(v: Any) -> Any:
        return str(tr(v, lang)) if isinstance(v, Msg) else v

    def difference(d: Difference) -> dict[str, Any]:
        return {
            "category": d.category, "pedimento": d.pedimento, "fraccion": d.fraccion,
            "field": str(d.field), "field_text": words(d.field),
            "sat_value": words(d.sat_value), "ledger_value": words(d.ledger_value),
            "difference": d.difference, "sat_ref": words(d.sat_ref),
            "ledger_ref": words(d.ledger_ref), "note": words(d.note),
            "note_code": d.note.key if isinstance(d.note, Msg) and d.note.key != JOIN else None,
        }  # fmt: skip

    return report | {
        "notes": [words(n) for n in report["notes"]],
        "note_codes": [n.key if isinstance(n, Msg) else None for n in report["notes"]],
        "differences": [difference(d) for d in report["differences"]],
    }


def register(app: typer.Typer) -> None:
    import_app.command("datastage")(import_datastage)
    import_app.command("m3")(import_m3)
    app.add_typer(pedimento_app, name="pedimento")
    app.command("reconcile")(reconcile_cmd)
