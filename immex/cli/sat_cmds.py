"""`immex import datastage|m3`, `immex pedimento show`, `immex reconcile` — what SAT knows."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import typer
from rich.table import Table

from immex.cli.common import (
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
    today_default,
)
from immex.cli.import_group import import_app
from immex.domain.codes import format_pedimento
from immex.domain.errors import InvalidInput
from immex.domain.reconcile import Tolerance
from immex.services.sat import reconcile as rec
from immex.services.sat.datastage_import import import_datastage as import_zips
from immex.services.sat.m3_import import import_m3 as import_validation_files
from immex.services.sat.pedimento_show import pedimento_show as show_pedimento

pedimento_app = typer.Typer(help="Pedimentos as SAT has them.", no_args_is_help=True)


def _print_summary(summary: dict[str, Any]) -> None:
    dry = "dry run (nothing written): " if summary.get("dry_run") else ""
    console.print(
        f"{dry}pedimentos {summary['pedimentos']}, partidas {summary['partidas']}, "
        f"descargos {summary['descargos']}, rectificaciones {summary['rectificaciones']} "
        f"written; {summary['duplicates']} pedimento(s) already present"
    )
    for w in summary.get("warnings", []):
        console.print(f"warning: {w}", markup=False, highlight=False)


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
    console.print(
        f"[bold]{data['display']}[/bold]  {h['clave_documento']}  "
        f"{'import' if h['tipo_operacion'] == 1 else 'export'}  paid {h['fecha_pago']}  "
        f"RFC {data['company']}  ({data['source']}, {data['status']})"
    )
    lines = Table("partida", "fracción", "NICO", "descripción", "UMC qty", "UMT qty", "USD")
    for ln in data["partidas"]:
        lines.add_row(
            str(ln["secuencia"]), ln["fraccion"], ln["nico"] or "", ln["descripcion"] or "",
            f"{qty(ln['cantidad_umc'])} ({ln['umc']})", f"{qty(ln['cantidad_umt'])} ({ln['umt']})",
            money(ln["valor_dolares"]),
        )  # fmt: skip
    console.print(lines)
    for c in data["contribuciones"]:
        console.print(
            f"contribution {c['clave_contribucion']}: {c['importe']} (forma {c['forma_pago']})"
        )
    for d in data["descargos"]:
        orig = f"{d['patente_orig']}-{d['pedimento_orig']} ({d['aduana_orig']})"
        console.print(
            f"discharges {qty(d['cantidad'])} (unit {d['unidad']}) of {d['fraccion_orig'] or '-'} "
            f"from {d['documento_orig']} {orig}"
        )
    for d in data["descargado_por"]:
        console.print(
            f"discharged by {format_pedimento(d['discharging_number'])}: {qty(d['cantidad'])} "
            f"of {d['fraccion_orig']}"
        )
    if len(data["chain"]) > 1:
        chain = " → ".join(c["number"] + (" (this)" if c["this"] else "") for c in data["chain"])
        console.print(f"rectification chain: {chain}")


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
        raise InvalidInput(f"--format: {fmt!r}; use xlsx or html", field="format")
    if fmt and out is None:
        raise InvalidInput("--format needs --out DIR", field="out")
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
        print_json(report | ({"written": str(written)} if written else {}))
        return
    table = Table("category", "differences")
    for cat, n in report["totals"].items():
        table.add_row(cat, str(n))
    console.print(table)
    for d in report["differences"][:50]:
        console.print(
            f"{d.category}: {format_pedimento(d.pedimento)} {d.fraccion or ''} {d.field}: "
            f"SAT {d.sat_value} / "
            f"ledger {d.ledger_value}  [{d.sat_ref or '-'} | {d.ledger_ref or '-'}] {d.note}",
            markup=False, highlight=False,
        )  # fmt: skip
    if len(report["differences"]) > 50:
        console.print(f"… {len(report['differences']) - 50} more (use --json or --format)")
    for n in report["notes"]:
        console.print(f"note: {n}", markup=False, highlight=False)
    if written:
        console.print(f"written: {written}")


def register(app: typer.Typer) -> None:
    import_app.command("datastage")(import_datastage)
    import_app.command("m3")(import_m3)
    app.add_typer(pedimento_app, name="pedimento")
    app.command("reconcile")(reconcile_cmd)
