"""`immex init` and `immex company …`."""

from __future__ import annotations

import typer

from immex.cli.common import (
    CompanyOpt,
    DbOpt,
    JsonOpt,
    console,
    handle_errors,
    open_ws,
    parse_date,
    print_json,
    say,
    text,
)
from immex.domain.errors import InvalidInput
from immex.domain.messages import Template
from immex.services.workspace import companies as workspace

WORKSPACE_READY = Template("cli.workspace.ready", "workspace ready: {url}")
COMPANY_ADDED = Template("cli.company.added", "company {rfc} added ({name})")
FROM_EMPTY = Template("cli.company.from_empty", "--from is empty")
CERTIFIED = Template(
    "cli.company.certified",
    "{rfc}: IVA/IEPS certification from {start} to {end} recorded; run `immex discharge run` again",
)
OPEN_END = Template("cli.company.open_end", "open")


company_app = typer.Typer(
    help="Companies in the workspace (a consultant may serve many).", no_args_is_help=True
)


@handle_errors
def init(db: str | None = DbOpt, json_out: bool = JsonOpt) -> None:
    """Create the workspace database (SQLite ./immex.db by default) or upgrade it."""
    url = workspace.create_workspace(db).store.display_url
    if json_out:
        print_json({"db": url, "initialised": True})
    else:
        say(WORKSPACE_READY(url=url))


@company_app.command("add")
@handle_errors
def company_add(
    rfc: str = typer.Option(..., "--rfc", help="Company RFC (validated, 12 characters)."),
    name: str = typer.Option(..., "--name", help="Legal name."),
    immex_program: str | None = typer.Option(None, "--immex-program", help="IMMEX program number."),
    prosec: list[str] = typer.Option(
        [], "--prosec", help="PROSEC sector registered (repeatable): I … XXIV."
    ),
    accept_sat_issued_rfc: bool = typer.Option(
        False,
        "--accept-sat-issued-rfc",
        help="Accept an RFC whose check digit does not follow the SAT algorithm because SAT "
        "itself issued it so (as on the Constancia de Situación Fiscal); recorded in the audit.",
    ),
    db: str | None = DbOpt,
    json_out: bool = JsonOpt,
) -> None:
    """Add a company to the workspace (a legal person's RFC: 12 characters, a real date,
    the SAT check digit)."""
    ws = open_ws(db, need_company=False)
    company = workspace.add_company(
        ws, rfc, name, immex_program, prosec, accept_sat_issued_rfc=accept_sat_issued_rfc
    )
    if json_out:
        print_json(company)
    else:
        say(COMPANY_ADDED(rfc=company.rfc, name=company.name))


@company_app.command("certify")
@handle_errors
def company_certify(
    date_from: str = typer.Option(..., "--from", help="First day of the certification."),
    date_to: str | None = typer.Option(None, "--to", help="Last day (open when omitted)."),
    reference: str = typer.Option(..., "--reference", help="Resolution that grants it."),
    company: str | None = CompanyOpt,
    db: str | None = DbOpt,
    json_out: bool = JsonOpt,
) -> None:
    """Record the company's IVA/IEPS certification (opt-in longer IMMEX limit for inputs).

    Inputs whose clock starts within the period get the limit of the parameter
    immex.limit.inputs_certified (RGCE 7.3.3 as cited by RULES I-6; confidence L: a person
    must confirm it applies). Run the discharge again afterwards.
    """
    ws = open_ws(db, company)
    comp = ws.the_company
    start = parse_date(date_from, "from")
    if start is None:
        raise InvalidInput(FROM_EMPTY(), field="from")
    auth = workspace.add_certification(ws, comp, start, parse_date(date_to, "to"), reference)
    if json_out:
        print_json(auth)
    else:
        say(CERTIFIED(rfc=comp.rfc, start=auth.valid_from, end=auth.valid_to or text(OPEN_END())))


@company_app.command("list")
@handle_errors
def company_list(db: str | None = DbOpt, json_out: bool = JsonOpt) -> None:
    """List the companies of the workspace."""
    companies = workspace.list_companies(open_ws(db, need_company=False))
    if json_out:
        print_json(companies)
        return
    for c in companies:
        sectors = ", ".join(c.prosec_sectors) or "-"
        console.print(
            f"{c.rfc}  {c.name}  IMMEX {c.immex_program or '-'}  PROSEC {sectors}", markup=False
        )


@company_app.command("remove")
@handle_errors
def company_remove(
    rfc: str = typer.Argument(..., help="RFC of the company to remove."),
    with_data: bool = typer.Option(
        False,
        "--with-data",
        help="Also delete its data (imports, runs, SAT files): needed when it has any.",
    ),
    db: str | None = DbOpt,
    json_out: bool = JsonOpt,
) -> None:
    """Remove a company from the workspace. One with data needs --with-data; either way the
    audit trail keeps an entry (who, when, what was deleted)."""
    removal = workspace.remove_company(open_ws(db, need_company=False), rfc, with_data=with_data)
    if json_out:
        print_json(removal)
    else:
        say(removal.message)


def register(app: typer.Typer) -> None:
    app.command("init")(init)
    app.add_typer(company_app, name="company")
